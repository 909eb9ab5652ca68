"""Demo for the campaign ROI page: one reminder rule with a customer reminded and one held out,
each with an order of the demo's history inside their window, so the page shows a hold-out
comparison. No order or customer is added (other pages' demo figures stay as they are); the
campaign is loyalty's "Winter double points", on everything, so it shows as having no control.

Ben was reminded he was short of the next tier two days before his tote (DEMO-1005); Ada was
held out of the same reminder two days before her tees and totes (DEMO-1003).
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from loyalty.reminders.models import ReminderRule, ReminderSend, Trigger
from loyalty.reminders.services import selection

SENDS = [
    ("ben@example.com", "DEMO-1005", ReminderSend.Status.SENT),
    ("ada@example.com", "DEMO-1003", ReminderSend.Status.HELD_OUT),
]


def load_roi_sends():
    rule = ReminderRule.objects.filter(trigger=Trigger.TIER_GAP).first()
    if rule is None:
        return 0
    Order = get_model("order", "Order")
    orders = Order.objects.filter(number__in=[number for _, number, _ in SENDS])
    placed = dict(orders.values_list("number", "date_placed"))
    people = dict(
        get_user_model().objects.filter(email__in=[email for email, _, _ in SENDS]).values_list("email", "pk")
    )
    created = 0
    for email, number, status in SENDS:
        if number not in placed or email not in people:
            continue
        start = placed[number] - timedelta(days=2)
        _, was_created = ReminderSend.objects.get_or_create(
            dedupe_key=f"{Trigger.TIER_GAP}:{people[email]}:demo-roi",
            defaults={
                "rule": rule,
                "user_id": people[email],
                "holdout": status == ReminderSend.Status.HELD_OUT,
                "status": status,
                "created_at": start,
                "sent_at": start if status == ReminderSend.Status.SENT else None,
                "channels": "inbox" if status == ReminderSend.Status.SENT else "",
                "window_start": start,
                "window_end": start + selection.CONVERSION_WINDOW,
            },
        )
        created += was_created
    return created
