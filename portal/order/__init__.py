"""Oscar's order app, forked: configured lines describe themselves in words (payments come later)."""
