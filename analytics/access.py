"""Who may read the value analytics, as an Oscar permission list (see oscar.views.decorators).

Plain data that imports nothing: the dashboard's views require it, and the portal's dashboard
menu and links (portal/dashboard_access.py) read the same list.
"""

ANALYSTS = ["is_staff", "value_analytics.view_analytics"]
