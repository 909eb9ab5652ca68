"""The value analytics pages of Oscar's dashboard (/dashboard/analytics/), for merchandisers."""
