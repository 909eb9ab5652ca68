"""Who may use loyalty's staff pages, as Oscar permission lists (see oscar.views.decorators).

Plain data that imports nothing: the views require these lists, and the portal's dashboard
menu and links (portal/dashboard_access.py) read the same ones.
"""

LOYALTY_STAFF = ["is_staff", "loyalty.manage_loyalty"]
REMINDER_ANALYSTS = ["is_staff", "reminders.view_remindersend"]
