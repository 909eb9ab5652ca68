"""Documents for customers: the order confirmation email and the invoice PDF (job travelers live in production)."""
