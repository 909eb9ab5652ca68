"""Oscar's checkout, forked: the order is placed awaiting payment, then paid on our pay page.

Shape: review → "Place order and pay" creates the payment at the gateway (amount from the
server's basket total) and the order in "Pending payment" → the pay page (Stripe Elements,
or the demo gateway's card form) → the signed webhook or the returning browser marks it
paid. A closed tab after paying loses nothing: the webhook completes the order.
"""
