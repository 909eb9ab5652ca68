"""Who is due a reminder now, per trigger: one set-based query each, no per-customer loop.

Each trigger returns a `Selection`: a queryset of plain rows (`.values(...)`) plus how to
read the customer, the cause and the placeholder values from a row. The engine adds what
every trigger shares (active customers, eligible segments, the weekly cap) to the same
query before it runs, so a run over a million customers is a handful of SQL statements.

The cause is what makes a reminder unique: the year for a birthday, the order number for a
shipping notice, the date of the last purchase for a win-back. A new cause (next year, the
next order) is a new reminder; the same cause is never sent twice.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, Max, Min, OuterRef, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from oscar.core.loading import get_model
from oscar.templatetags.currency_filters import currency

from atelier.orders import CLOSED, PURCHASED, OrderStatus
from configurator.models import SavedDesign
from loyalty.selectors.audiences import expiring_points, tier_gaps

from .links import path_with_arg
from .models import ReminderRule, ReplenishmentInterval, Trigger

Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")
OrderStatusChange = get_model("order", "OrderStatusChange")
Basket = get_model("basket", "Basket")


@dataclass
class Selection:
    queryset: QuerySet  # a .values() queryset, one row per candidate
    user_prefix: str  # the lookup path from the queryset's model to the customer: "", "user__", "owner__"
    read: Callable[[dict], tuple[int, str, dict]]  # row -> (user id, cause, placeholder values)


def _account_link(name, *args):
    return reverse(name, args=args)


def birthday(rule, now):
    today = timezone.localdate(now)
    users = get_user_model().objects.filter(birth_date__month=today.month, birth_date__day=today.day)
    if today.month == 2 and today.day == 28 and not _is_leap(today.year):
        # Born on 29 February: celebrated on the 28th in other years.
        users = get_user_model().objects.filter(birth_date__month=2, birth_date__day__in=(28, 29))
    rows = users.values("id", "first_name")
    return [Selection(rows, "", lambda r: (r["id"], str(today.year), {"link": "/catalogue/"}))]


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def anniversary(rule, now):
    today = timezone.localdate(now)
    start_of_year = timezone.make_aware(datetime.combine(today.replace(month=1, day=1), time.min))
    rows = (
        Order.objects.filter(
            user__isnull=False,
            status__in=PURCHASED,
            date_placed__month=today.month,
            date_placed__day=today.day,
            date_placed__lt=start_of_year,
        )
        .values("user_id", "user__first_name")
        .annotate(first=Min("date_placed"))
    )
    orders_link = _account_link("customer:order-list")

    def read(r):
        years = today.year - timezone.localtime(r["first"]).year
        return r["user_id"], str(today.year), {"amount": str(years), "link": orders_link}

    return [Selection(rows, "user__", read)]


def replenishment(rule, now):
    selections = []
    intervals = ReplenishmentInterval.objects.select_related("family", "reorder_product")
    for interval in intervals:
        products = [interval.family.product_id] + ([interval.reorder_product_id] if interval.reorder_product_id else [])
        due = now - timedelta(days=interval.interval_days)
        rows = (
            OrderLine.objects.filter(order__user__isnull=False, order__status__in=PURCHASED, product_id__in=products)
            .values("order__user_id", "order__user__first_name")
            .annotate(last=Max("order__date_placed"))
            # Only just due: a customer who has been due for months had the reminder back then.
            .filter(last__lte=due, last__gt=due - timedelta(days=rule.lookback_days))
        )
        link = interval.reorder_product.get_absolute_url() if interval.reorder_product else "/catalogue/"
        context = {"product": interval.item, "link": link}

        def read(r, interval_id=interval.pk, context=context):
            cause = f"{interval_id}:{timezone.localtime(r['last']):%Y%m%d}"
            return r["order__user_id"], cause, context

        selections.append(Selection(rows, "order__user__", read))
    return selections


def saved_design(rule, now):
    older_than = now - timedelta(days=rule.threshold)
    ordered_since = OrderLine.objects.filter(
        order__user_id=OuterRef("owner_id"),
        product_id=OuterRef("family__product_id"),
        order__date_placed__gte=OuterRef("created_at"),
    )
    rows = (
        SavedDesign.objects.sold()  # no reminder to come back to a product no longer sold
        .filter(
            owner__isnull=False,
            is_preset=False,
            created_at__lte=older_than,
            created_at__gt=older_than - timedelta(days=rule.lookback_days),
        )
        .exclude(Exists(ordered_since))
        .values("id", "owner_id", "family__name", "share_token")
    )

    def read(r):
        link = path_with_arg("configurator:shared-design", r["share_token"])
        return r["owner_id"], str(r["id"]), {"product": r["family__name"], "design_link": link, "link": link}

    return [Selection(rows, "owner__", read)]


def abandoned_basket(rule, now):
    idle_since = now - timedelta(hours=rule.threshold)
    rows = (
        Basket.objects.filter(status="Open", owner__isnull=False)
        .values("id", "owner_id")
        .annotate(last=Max("lines__date_updated"))
        .filter(last__lte=idle_since, last__gt=idle_since - timedelta(days=rule.lookback_days))
    )
    basket_link = reverse("basket:summary")

    def read(r):
        # A basket changed again and left again is a new cause.
        return r["owner_id"], f"{r['id']}:{r['last']:%Y%m%d%H}", {"link": basket_link}

    return [Selection(rows, "owner__", read)]


def win_back(rule, now):
    rows = (
        Order.objects.filter(user__isnull=False, status__in=PURCHASED)
        .values("user_id")
        .annotate(last=Max("date_placed"))
        .filter(last__lte=now - timedelta(days=rule.threshold))
    )

    def read(r):
        # Once per lapse: a new order and a new lapse make a new cause.
        return r["user_id"], f"{r['last']:%Y%m%d}", {"link": "/catalogue/"}

    return [Selection(rows, "user__", read)]


# Order news and the survey are keyed by what happened to the order (its change of status, in
# Oscar's OrderStatusChange), never by its status when the hourly run comes: an order shipped and
# delivered between two runs gets both notices, each once (the cause is the order number).
def _status_changes(status, since, until=None):
    changes = OrderStatusChange.objects.filter(new_status=status, date_created__gt=since, order__user__isnull=False)
    if until is not None:
        changes = changes.filter(date_created__lte=until)
    return changes


def _order_rows(changes):
    return changes.values("order__user_id", "order__number")


def _order_read(r):
    number = r["order__number"]
    return r["order__user_id"], number, {"order_number": number, "link": path_with_arg("customer:order", number)}


# A notice says the order left the workshop or arrived: true when it happened, whatever the order
# did since (delivered before the run, refunded on its way), so neither looks at the status now.
def order_shipped(rule, now):
    rows = _order_rows(_status_changes(OrderStatus.SHIPPED, now - timedelta(days=rule.lookback_days)))
    return [Selection(rows, "order__user__", _order_read)]


def order_delivered(rule, now):
    rows = _order_rows(_status_changes(OrderStatus.DELIVERED, now - timedelta(days=rule.lookback_days)))
    return [Selection(rows, "order__user__", _order_read)]


def survey(rule, now):
    """N days after delivery, unless the order was refunded or cancelled before the survey was due.

    The survey asks how the order turned out. A customer whose money went back before we would
    ask has already told us (a return, a claim), and a survey then reads as not listening. A
    refund after the survey was due does not undo the days they lived with the order, so a run
    that comes late (within the lookback) still asks; the status now decides nothing.
    """
    due_after = timedelta(days=rule.threshold)
    until = now - due_after
    withdrawn_before_due = OrderStatusChange.objects.filter(
        order_id=OuterRef("order_id"),
        new_status__in=CLOSED,
        date_created__lte=OuterRef("date_created") + due_after,
    )
    delivered = _status_changes(OrderStatus.DELIVERED, until - timedelta(days=rule.lookback_days), until)
    rows = _order_rows(delivered.exclude(Exists(withdrawn_before_due)))
    return [Selection(rows, "order__user__", _order_read)]


def points_expiring(rule, now):
    """Loyalty's expiring lots, summed per customer and expiry date: one reminder per date."""
    today = timezone.localdate(now)
    rows = expiring_points(within_days=rule.threshold, today=today)
    points_link = reverse("loyalty:points")

    def read(r):
        context = {
            "points": f"{r['points']:,}",
            "expires_on": formats.date_format(r["expires_on"], "j F Y"),
            "link": points_link,
        }
        return r["user_id"], f"{r['expires_on']:%Y%m%d}", context

    return [Selection(rows, "account__user__", read)]


def tier_gap(rule, now):
    """Customers within N (spend, in the shop's currency) of their next tier; once a year per tier."""
    year = timezone.localdate(now).year
    rows = tier_gaps(within_amount=rule.threshold)

    def read(r):
        amount = currency(r["amount_short"], settings.OSCAR_DEFAULT_CURRENCY)
        context = {"tier": r["next_tier"], "amount": amount, "link": "/catalogue/"}
        return r["user_id"], f"{r['next_tier']}:{year}", context

    return [Selection(rows, "user__", read)]


SELECTORS = {
    Trigger.BIRTHDAY: birthday,
    Trigger.ANNIVERSARY: anniversary,
    Trigger.REPLENISHMENT: replenishment,
    Trigger.SAVED_DESIGN: saved_design,
    Trigger.ABANDONED_BASKET: abandoned_basket,
    Trigger.POINTS_EXPIRING: points_expiring,
    Trigger.TIER_GAP: tier_gap,
    Trigger.WIN_BACK: win_back,
    Trigger.ORDER_SHIPPED: order_shipped,
    Trigger.ORDER_DELIVERED: order_delivered,
    Trigger.SURVEY: survey,
}


def selections_for(rule: ReminderRule, now):
    """The rule's candidate queries, or none for a trigger this installation cannot evaluate."""
    selector = SELECTORS.get(rule.trigger)
    return selector(rule, now) if selector else []
