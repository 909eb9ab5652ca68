"""Reads of the loyalty programme, one module per idea; none writes or imports a service.

Everything a customer sees is loaded for the requesting user only. No re-exports here: callers
name the module.

- `accounts`: a customer's account, summary and ledger, what their tier gives (workshop weight,
  free shipping), and the dashboard's tier and segment distributions.
- `previews`: the points a product or a basket would earn if paid now.
- `redemption`: what the checkout may redeem for a basket, and the points discount Oscar applied.
- `audiences`: the customers a reminder rule asks for (points about to expire, close to the next
  tier), each a single set-based query, never a loop over customers.
- `missing`: the reconcilers' finders, what a lost task left undone (paid orders without points,
  refunds whose points were never reversed).
"""
