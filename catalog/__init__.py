"""Oscar's catalogue, forked (app label `catalogue`) so product pages can host the configurator."""
