"""Oscar's basket app, forked so configured lines price and describe themselves as configured."""
