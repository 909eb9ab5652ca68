"""Writes of the loyalty programme, one module per idea; the reads they need are in `loyalty.selectors`.

Each service is one transaction that locks the account it changes (`loyalty.ledger`, which also
holds `PointsRefused`, the refusal every service raises in words). Idempotency: each source event
has one ledger key ("earn:order:N", "reverse:order:N:R", "hold:H", ...); a service that finds its
key already posted returns without a change, so Celery redeliveries and replayed events are harmless.

- `earning`: a paid order's pending points, and the bonuses (first order, review, birthday).
- `referrals`: invite codes, friends registered with one, the bonus after the friend's first paid order.
- `vesting`: pending points become available; available points expire.
- `refunds`: a refund takes back its share of the points earned and returns its share of those redeemed.
- `holds`: points set aside at checkout, attached to the order, spent when it is paid or released.
- `staff`: what staff change by hand: adjustments and campaigns.
- `order_notes`: a warning on the order, once, where the programme could not do its part.
"""
