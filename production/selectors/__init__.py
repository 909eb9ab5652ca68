"""Reads of the production app, one module per idea; none of them writes or imports a service.

- `release`: a line's configuration, its family's routing steps, paid orders whose work is missing.
- `promises`: the ship date to promise (capable-to-promise) for a configuration, lines or an order.
- `board`: the planner board's figures: the plant, its plan in a window, load, lateness, last run.
- `progress`: where a customer's order stands in the workshop, for the account hub.
- `routings`: the configurator families that have no routing yet.
- `labour`: a configuration's planned minutes at its work centers' rates, a finished line's actual time (analytics).
- `delivery`: which lines need a delivery slot and which slots they may take, a slot as the due moment, shipments.
"""
