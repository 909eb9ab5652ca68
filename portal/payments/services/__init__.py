"""Payments applied to orders, one module per idea; the reads they need are in `portal.payments.selectors`.

Whichever comes first (the signed webhook or the shopper's browser returning) applies the
gateway's state; the other finds the work done. Every change locks the order row and only
moves forward in the status pipeline.

- `payment_state`: a gateway's report on a payment applied to its order: paid exactly once (even after a
  cancellation), failed, cancelled; the browser's return asks the gateway first.
- `refunds`: a refund made here, from the dashboard, once per request and never beyond what was paid.
- `reported_refunds`: refunds the gateway reports (Stripe's webhook): made in its dashboard, or
  ours arriving first, or returned by the bank.
- `unpaid`: orders still unpaid: the reconciler asks the gateway about each, the beat job cancels
  them after a day; one order's failure is noted on it and the others go on.
- `order_history`: what payments write into the order's history: Oscar's payment events and notes.
"""
