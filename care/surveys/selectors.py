"""Reads for surveys: the order a customer may answer for, their survey, staff summaries. No writes."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import OrderStatus

from ..topic import Topic
from .models import TICKET_AT_MOST, Survey

Order = get_model("order", "Order")
OrderStatusChange = get_model("order", "OrderStatusChange")
ProductReview = get_model("reviews", "ProductReview")


def _orders():
    return Order.objects.select_related("user")


def order_for(*, user, number):
    """The order `number` of the signed-in `user`; 404 for anyone else's, in any spelling."""
    if not user.is_authenticated:
        raise Http404
    try:
        return _orders().get(number=number, user=user)
    except Order.DoesNotExist:
        raise Http404 from None


def order_for_link(*, number, user_id):
    """The order a signed link names, if it is still that customer's; None otherwise."""
    return _orders().filter(number=number, user_id=user_id).first()


def was_delivered(order):
    """Delivered now, or delivered once and refunded since (the survey still asks how it turned out)."""
    if order.status == OrderStatus.DELIVERED:
        return True
    return OrderStatusChange.objects.filter(order=order, new_status=OrderStatus.DELIVERED).exists()


def survey_of(order):
    return Survey.objects.filter(order=order).first()


def lines_of(order):
    return list(order.lines.select_related("product").order_by("pk"))


def quality_topic():
    """The topic a low score opens its ticket under: SURVEY_TICKET_TOPIC, else the first complaint topic."""
    slug = getattr(settings, "SURVEY_TICKET_TOPIC", "product-quality")
    return Topic.objects.filter(slug=slug).select_related("queue").first() or (
        Topic.objects.filter(is_complaint=True).select_related("queue").order_by("position", "pk").first()
    )


def reviewable_products(*, order, user):
    """The order's products still on sale that `user` has not reviewed yet, each once, in line order."""
    already = ProductReview.objects.filter(product=OuterRef("product"), user=user) if user.is_authenticated else None
    lines = order.lines.filter(product__isnull=False, product__is_public=True).select_related("product")
    if already is not None:
        lines = lines.exclude(Exists(already))
    products = {}
    for line in lines.order_by("pk"):
        products.setdefault(line.product_id, line.product)
    return list(products.values())


def surveys_for_ticket(ticket):
    """The surveys linked to `ticket` (the one that opened it) and the customer's others, newest first."""
    if ticket.user_id is None:
        return Survey.objects.none()
    return (
        Survey.objects.filter(Q(ticket=ticket) | Q(user_id=ticket.user_id))
        .select_related("order")
        .order_by("-answered_at", "-pk")[:10]
    )


def monthly_scores():
    """Per month answered: the number of surveys, the average score, and how many asked to be contacted.

    The seam for the care reports (issue #18 item 7): a chart reads these rows.
    """
    return (
        Survey.objects.annotate(month=TruncMonth("answered_at"))
        .values("month")
        .annotate(
            answered=Count("pk"),
            average=Avg("score"),
            low=Count("pk", filter=Q(score__lte=TICKET_AT_MOST)),
            fives=Count("pk", filter=Q(score=5)),
        )
        .order_by("-month")
    )


def latest_surveys():
    return Survey.objects.select_related("order", "user", "ticket").order_by("-answered_at", "-pk")


def low_scores_without_ticket(*, within=timedelta(days=7), grace=timedelta(minutes=5), limit=200):
    """Ids of surveys scored low 5 minutes to 7 days ago whose ticket was never opened (its task lost)."""
    now = timezone.now()
    surveys = Survey.objects.filter(
        score__lte=TICKET_AT_MOST,
        ticket_claimed_at__isnull=True,
        answered_at__lte=now - grace,
        answered_at__gte=now - within,
    )
    return list(surveys.order_by("pk").values_list("pk", flat=True)[:limit])
