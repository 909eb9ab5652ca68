"""What a ticket is about, and so who answers it and how fast."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import priority


class Topic(models.Model):
    """A kind of question: routes a ticket to a staff queue (a group) with its promise.

    Edited by service leads as a Wagtail snippet (care/wagtail_hooks.py): topics change with
    the season (a sale, a new product family), and editors already keep the help centre there.
    """

    PRIORITIES = [(value, _(label)) for value, label in priority.LABELS.items()]

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), unique=True, help_text=_("Used in links from help pages (?topic=...)."))
    queue = models.ForeignKey(
        "auth.Group",
        verbose_name=_("staff queue"),
        on_delete=models.PROTECT,
        related_name="care_topics",
        help_text=_("The group whose members answer these tickets."),
    )
    first_response_hours = models.PositiveSmallIntegerField(_("first response within (working hours)"), default=24)
    resolution_hours = models.PositiveSmallIntegerField(_("resolved within (working hours)"), default=80)
    default_priority = models.PositiveSmallIntegerField(
        _("default priority"), choices=PRIORITIES, default=priority.NORMAL
    )
    is_complaint = models.BooleanField(
        _("complaint about quality"),
        default=False,
        help_text=_("The customer is asked how serious it is; severity raises the priority."),
    )
    customer_may_choose = models.BooleanField(
        _("offered to customers"), default=True, help_text=_("Off: only staff may file tickets under it.")
    )
    position = models.PositiveSmallIntegerField(_("position in the list"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("ticket topic")
        verbose_name_plural = _("ticket topics")

    def __str__(self):
        return self.name
