"""Documents rendered with WeasyPrint: the order confirmation and invoice (job travelers live in production)."""
