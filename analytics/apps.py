from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    # Oscar has an app labelled "analytics" (product and user records); ours takes another label.
    label = "value_analytics"
    verbose_name = _("Value analytics")
