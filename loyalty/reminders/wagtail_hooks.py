"""Rules, messages, replenishment intervals and tier notices in Wagtail's admin, grouped under "Reminders"."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from loyalty.models import TierNotice

from .models import ReminderMessage, ReminderRule, ReplenishmentInterval


class ReminderMessageViewSet(SnippetViewSet):
    model = ReminderMessage
    icon = "mail"
    list_display = ["__str__", "subject", "live"]
    list_filter = ["trigger", "language"]


class ReminderRuleViewSet(SnippetViewSet):
    model = ReminderRule
    icon = "cogs"
    list_display = ["__str__", "enabled", "threshold", "weekly_cap", "holdout_percent"]


class ReplenishmentIntervalViewSet(SnippetViewSet):
    model = ReplenishmentInterval
    icon = "time"


class TierNoticeViewSet(SnippetViewSet):
    model = TierNotice
    icon = "pick"
    list_display = ["__str__", "subject", "live"]
    list_filter = ["kind", "language"]


class RemindersGroup(SnippetViewSetGroup):
    menu_label = _("Reminders")
    menu_icon = "mail"
    menu_name = "reminders"
    items = (ReminderMessageViewSet, TierNoticeViewSet, ReminderRuleViewSet, ReplenishmentIntervalViewSet)


register_snippet(RemindersGroup)
