"""Oscar's catalogue models, unchanged so far; the fork keeps Oscar's migration names."""

from oscar.apps.catalogue.models import *  # noqa: F403
