"""Option schemas, rules, pricing, preview and saved designs for made-to-order products."""
