"""Who may use the planner board, as an Oscar permission list (see oscar.views.decorators).

Plain data that imports nothing: the board's views require it, and the portal's dashboard
menu and links (portal/dashboard_access.py) read the same list, so what a planner is shown
is what a planner may open.
"""

PLANNERS = ["is_staff", "production.plan_production"]

# The shop-floor terminal (/floor/): operators, who need not be staff; planners may use it too.
OPERATORS = ["production.operate_floor"]
