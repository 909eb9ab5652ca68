"""A remake or repair started from a complaint: the link from a ticket to the work order it sent
back to the workshop. Production keeps the work (and does not know tickets); care keeps why."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RemakeKind(models.TextChoices):
    # The same words as production's WorkOrder.REMAKE / REPAIR: care passes them through.
    REMAKE = "remake", _("Remake")
    REPAIR = "repair", _("Repair")


class Remake(models.Model):
    """One remake or repair of one line for one ticket: a double click starts it once."""

    # An erased account takes its tickets and their remakes with it; production keeps the work order.
    ticket = models.ForeignKey("care.Ticket", on_delete=models.CASCADE, related_name="remakes")
    line = models.ForeignKey("order.Line", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=RemakeKind.choices)
    reason = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField(default=1)
    work_order = models.OneToOneField("production.WorkOrder", on_delete=models.PROTECT, related_name="remake")
    promised_ship_date = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["ticket", "line", "kind"], name="care_remake_once")]
        permissions = [("start_remake", "Can start a remake or repair from a complaint (care console)")]

    def __str__(self):
        return f"{self.get_kind_display()} of line {self.line_id} for ticket {self.ticket_id}"


def remake_key(reference, line_id, kind):
    """The key production keeps on the work order, so its release is once per ticket, line and kind."""
    return f"care:{reference}:{line_id}:{kind}"
