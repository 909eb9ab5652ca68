"""Demo reminders: a rule per trigger, the water filter's interval, published message texts
(tier notices too), and a few reminders already in the demo shoppers' inboxes (sent through the real engine)."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from configurator.models import ProductFamily
from loyalty import notices
from loyalty.models import TierNotice
from loyalty.reminders.models import (
    ReminderMessage,
    ReminderRule,
    ReminderSend,
    ReplenishmentInterval,
    Trigger,
)
from loyalty.reminders.services import delivery, selection

from .catalogue import product
from .people import EDITORS

# trigger: (N, lookback days, weekly cap, hold-out %, email, inbox)
RULES = {
    Trigger.BIRTHDAY: (0, 3, 3, 10, True, True),
    Trigger.ANNIVERSARY: (0, 3, 3, 10, True, True),
    Trigger.REPLENISHMENT: (0, 14, 3, 10, True, True),
    Trigger.SAVED_DESIGN: (3, 7, 2, 10, True, True),
    Trigger.ABANDONED_BASKET: (24, 3, 2, 10, True, False),
    Trigger.POINTS_EXPIRING: (30, 7, 3, 10, True, True),
    Trigger.TIER_GAP: (150, 7, 2, 10, True, True),
    Trigger.WIN_BACK: (365, 7, 1, 20, True, True),
    Trigger.ORDER_SHIPPED: (0, 3, 10, 0, True, True),
    Trigger.ORDER_DELIVERED: (0, 3, 10, 0, True, True),
    Trigger.SURVEY: (5, 10, 3, 0, True, True),
}

# trigger: (subject, body, button label): the copy editors start from in Wagtail.
COPY = {
    Trigger.BIRTHDAY: (
        "Happy birthday, {first_name}!",
        "Everyone at the {shop_name} workshop wishes you a wonderful day.\n\n"
        "Whatever you are celebrating with, we hope it was made with care.",
        "Treat yourself",
    ),
    Trigger.ANNIVERSARY: (
        "{amount} years since your first {shop_name} order",
        "Hello {first_name},\n\n{amount} years ago today you ordered from us for the first time. "
        "Thank you for every order since.",
        "Look back at your orders",
    ),
    Trigger.REPLENISHMENT: (
        "Your fridge's {product} is due for a change",
        "Hello {first_name},\n\nfilters keep water and ice tasting fresh for about six months, "
        "and yours has been in for that long now.\n\nA new {product} takes two minutes to fit.",
        "Reorder the {product}",
    ),
    Trigger.SAVED_DESIGN: (
        "Your {product} is still waiting for you",
        "Hello {first_name},\n\nyou saved a {product} design a few days ago. It is exactly as you left it, "
        "and the price is held when you come back: {design_link}",
        "Open your design",
    ),
    Trigger.ABANDONED_BASKET: (
        "You left something in your basket",
        "Hello {first_name},\n\nyour basket is saved. Everything we make is built to order, "
        "so the sooner you order, the sooner we start.",
        "Back to your basket",
    ),
    Trigger.POINTS_EXPIRING: (
        "{points} points expire on {expires_on}",
        "Hello {first_name},\n\n{points} of your points expire on {expires_on}. "
        "Use them as a discount at checkout before then.",
        "Spend your points",
    ),
    Trigger.TIER_GAP: (
        "{amount} away from {tier}",
        "Hello {first_name},\n\nyou are {amount} of orders away from {tier} and its benefits: "
        "more points on every order, and free delivery at the higher tiers.",
        "See what is new",
    ),
    Trigger.WIN_BACK: (
        "We miss you, {first_name}",
        "Hello {first_name},\n\nit has been a while since your last order. The workshop has new fabrics, "
        "finishes and prints since then.",
        "See what is new",
    ),
    Trigger.ORDER_SHIPPED: (
        "Order {order_number} is on its way",
        "Hello {first_name},\n\nyour order {order_number} has left the workshop and is with the carrier.",
        "Follow your order",
    ),
    Trigger.ORDER_DELIVERED: (
        "Order {order_number} has arrived",
        "Hello {first_name},\n\nyour order {order_number} has been delivered. We hope you love it.",
        "See your order",
    ),
    Trigger.SURVEY: (
        "How did we do with order {order_number}?",
        "Hello {first_name},\n\nyou have had order {order_number} for a few days now. "
        "Two questions, one minute: how did we do?",
        "Answer two questions",
    ),
}


def load_rules():
    created = 0
    for trigger, (n, lookback, cap, holdout, email, inbox) in RULES.items():
        _, was_created = ReminderRule.objects.get_or_create(
            trigger=trigger,
            defaults={
                "enabled": True,
                "threshold": n,
                "lookback_days": lookback,
                "weekly_cap": cap,
                "holdout_percent": holdout,
                "send_email": email,
                "send_inbox": inbox,
                "quiet_start": time(21),
                "quiet_end": time(8),
            },
        )
        created += was_created
    fridge = ProductFamily.objects.filter(slug="atelier-fridge").first()
    if fridge and not ReplenishmentInterval.objects.filter(family=fridge).exists():
        ReplenishmentInterval.objects.create(
            family=fridge, item="water filter", reorder_product=product("ATL-FILTER"), interval_days=182
        )
        created += 1
    return created


def load_messages():
    created = 0
    for trigger, (subject, body, label) in COPY.items():
        if ReminderMessage.objects.filter(trigger=trigger, language="en-gb").exists():
            continue
        message = ReminderMessage(trigger=trigger, language="en-gb", subject=subject, body=body, button_label=label)
        message.full_clean()
        message.save()
        message.save_revision().publish()
        created += 1
    for kind, (subject, body) in notices.DEFAULT_COPY.items():
        if TierNotice.objects.filter(kind=kind, language="en-gb").exists():
            continue
        notice = TierNotice(kind=kind, language="en-gb", subject=subject, body=body)
        notice.full_clean()
        notice.save()
        notice.save_revision().publish()
        created += 1
    editors = Group.objects.filter(name=EDITORS).first()
    if editors:
        for model in (ReminderMessage, TierNotice):
            content_type = ContentType.objects.get_for_model(model)
            editors.permissions.add(*Permission.objects.filter(content_type=content_type))
    return created


def load_sent_reminders():
    """A reminder or two in Ada's and Ben's inboxes, delivered by the engine as a run would."""
    users = {u.email: u for u in get_user_model().objects.filter(email__in=["ada@example.com", "ben@example.com"])}
    if len(users) < 2:
        return 0
    rules = {r.trigger: r for r in ReminderRule.objects.all()}
    # Noon today, shop time: never inside anyone's quiet hours, so nothing is deferred.
    noon = timezone.make_aware(datetime.combine(timezone.localdate(), time(12)))
    filter_path = product("ATL-FILTER").get_absolute_url()
    wanted = [
        (users["ada@example.com"], Trigger.REPLENISHMENT, "demo", {"product": "water filter", "link": filter_path}),
        (
            users["ada@example.com"],
            Trigger.SURVEY,
            "DEMO-1003",
            {"order_number": "DEMO-1003", "link": "/accounts/orders/DEMO-1003/"},
        ),
        (users["ben@example.com"], Trigger.WIN_BACK, "demo", {"link": "/catalogue/"}),
    ]
    ids = []
    for user, trigger, cause, context in wanted:
        send, was_created = ReminderSend.objects.get_or_create(
            dedupe_key=f"{trigger}:{user.pk}:{cause}",
            defaults={
                "rule": rules[trigger],
                "user": user,
                "context": context,
                "created_at": noon - timedelta(minutes=5),
                "window_start": noon,
                "window_end": noon + selection.CONVERSION_WINDOW,
            },
        )
        if was_created:
            ids.append(send.pk)
    if ids:
        delivery.deliver_sends(send_ids=ids, now=noon)
    return len(ids)
