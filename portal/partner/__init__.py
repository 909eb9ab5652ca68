"""Oscar's partner app, forked for its strategy: VAT-inclusive prices and configured lines priced on the server."""
