"""Who sees which entry we add to Oscar's dashboard menu (Oscar's `access_fn` hook).

Plain functions of the user, importable from settings: they touch no models.
"""


def staff(user, url_name=None, url_args=None, url_kwargs=None):
    return user.is_active and user.is_staff


def content_editors(user, url_name=None, url_args=None, url_kwargs=None):
    return user.is_active and user.has_perm("wagtailadmin.access_admin")


def merchandisers(user, url_name=None, url_args=None, url_kwargs=None):
    return user.is_active and user.is_staff and user.has_perm("configurator.change_productfamily")


def reminder_analysts(user, url_name=None, url_args=None, url_kwargs=None):
    return user.is_active and user.is_staff and user.has_perm("reminders.view_remindersend")


def loyalty_staff(user, url_name=None, url_args=None, url_kwargs=None):
    return user.is_active and user.is_staff and user.has_perm("loyalty.manage_loyalty")


def planners(user, url_name=None, url_args=None, url_kwargs=None):
    return user.is_active and user.is_staff and user.has_perm("production.plan_production")
