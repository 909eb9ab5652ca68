"""Reads: a customer's reminder preferences and the channels stopped, and how each reminder type performs."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from oscar.core.loading import get_model

from atelier.orders import PURCHASED

from .models import SERVICE_TRIGGERS, Channel, ConsentRecord, ReminderConsent, ReminderSend, Trigger

Order = get_model("order", "Order")


def preferences_for(*, user):
    """Rows for the preferences page: each reminder type with its channels allowed or not."""
    withdrawn = set(ReminderConsent.objects.filter(user=user, allowed=False).values_list("trigger", "channel"))
    return [
        {
            "trigger": value,
            "label": label,
            "channels": [
                {"channel": c, "label": c_label, "allowed": (value, c) not in withdrawn}
                for c, c_label in Channel.choices
            ],
        }
        for value, label in Trigger.choices
    ]


def consent_questions():
    """What sign-up asks: each reminder type with its channels, ticked in advance only for
    news about the customer's own orders (`SERVICE_TRIGGERS`), never for marketing."""
    return [
        {
            "trigger": value,
            "label": label,
            "service": value in SERVICE_TRIGGERS,
            "channels": [{"channel": c, "label": c_label} for c, c_label in Channel.choices],
        }
        for value, label in Trigger.choices
    ]


def withdrawn_channels(user_ids):
    """(customer, reminder type, channel) for every channel these customers have stopped."""
    rows = ReminderConsent.objects.filter(user_id__in=user_ids, allowed=False)
    return set(rows.values_list("user_id", "trigger", "channel"))


def consent_records_for(*, user):
    """What the customer was asked about reminders and answered, newest first."""
    return ConsentRecord.objects.filter(user=user).order_by("-recorded_at", "-pk")


@dataclass
class TypeStats:
    trigger: str
    label: str
    sent: int
    opened: int
    clicked: int
    converted: int
    control: int
    control_converted: int

    @staticmethod
    def _rate(part, whole):
        return part / whole if whole else None

    @property
    def open_rate(self):
        return self._rate(self.opened, self.sent)

    @property
    def click_rate(self):
        return self._rate(self.clicked, self.sent)

    @property
    def conversion_rate(self):
        return self._rate(self.converted, self.sent)

    @property
    def control_rate(self):
        return self._rate(self.control_converted, self.control)

    @property
    def lift(self):
        """Conversion rate of those reminded minus that of the control group, in points."""
        if self.conversion_rate is None or self.control_rate is None:
            return None
        return self.conversion_rate - self.control_rate


def reminder_stats():
    """Per reminder type: sent, opened (inbox read), clicked, converted (an order within 7 days),
    and the same conversion for the hold-out control group. One grouped query."""
    ordered = Order.objects.filter(
        user_id=OuterRef("user_id"),
        status__in=PURCHASED,
        date_placed__gte=OuterRef("window_start"),
        date_placed__lt=OuterRef("window_end"),
    )
    sent, held = ReminderSend.Status.SENT, ReminderSend.Status.HELD_OUT
    rows = (
        ReminderSend.objects.filter(status__in=[sent, held])
        .annotate(converted=Exists(ordered))
        .values("rule__trigger")
        .annotate(
            sent=Count("id", filter=Q(status=sent)),
            opened=Count("id", filter=Q(status=sent, notification__date_read__isnull=False)),
            clicked=Count("id", filter=Q(status=sent, clicked_at__isnull=False)),
            converted_n=Count("id", filter=Q(status=sent, converted=True)),
            control=Count("id", filter=Q(status=held)),
            control_converted=Count("id", filter=Q(status=held, converted=True)),
        )
    )
    by_trigger = {row["rule__trigger"]: row for row in rows}
    labels = dict(Trigger.choices)
    stats = []
    for trigger in Trigger.values:
        row = by_trigger.get(trigger, {})
        stats.append(
            TypeStats(
                trigger=trigger,
                label=str(labels[trigger]),
                sent=row.get("sent", 0),
                opened=row.get("opened", 0),
                clicked=row.get("clicked", 0),
                converted=row.get("converted_n", 0),
                control=row.get("control", 0),
                control_converted=row.get("control_converted", 0),
            )
        )
    return stats
