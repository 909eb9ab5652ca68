"""Writes of the production app, one module per idea; the reads they need are in `production.selectors`.

- `release`: a paid order becomes work orders, its ship date promised once.
- `replanning`: the plant's open work planned and written back in one transaction.
- `floor`: the board's actions: start, finish, block, move, freeze, downtime.
- `audit`: every change recorded as a ProductionEvent (who, when, what).
- `delivery_slots`: two-person delivery slots added and resized, a place booked (conditional update) and given back.
- `shipments`: shipments recorded (one, or a CSV), carriers' tracking events, the order moved to shipped and delivered.
"""
