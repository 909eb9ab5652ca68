"""Taking payment for orders: gateways (Stripe, demo), webhooks, marking orders paid, refunds."""
