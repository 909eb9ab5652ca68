"""Every signal from Django, Oscar or Wagtail that crosses apps is received here, and only here."""

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_save
from django.utils.translation import ngettext
from oscar.core.loading import get_class, get_model

from atelier.orders import OrderStatus
from configurator import services as configurator_services
from configurator.ownership import session_designs
from configurator.quote_extras import register_provider as register_quote_extra
from loyalty import selectors as loyalty_selectors
from loyalty import tasks as loyalty_tasks
from production import tasks as production_tasks

from .documents import tasks as document_tasks
from .events import order_paid_signal, order_refunded_signal


def claim_anonymous_designs(sender, request, user, **kwargs):
    """Designs saved before signing in become the shopper's own."""
    if request is not None and hasattr(request, "session"):
        configurator_services.claim_designs(user=user, design_uuids=session_designs(request))


def confirm_paid_order(sender, order_id, **kwargs):
    document_tasks.send_order_confirmation.delay(order_id)


def release_to_production(sender, order_id, **kwargs):
    """Production plans the order, weighted by the customer's tier (production never reads loyalty)."""
    user_id = get_model("order", "Order").objects.filter(pk=order_id).values_list("user_id", flat=True).first()
    weight = loyalty_selectors.production_weight(user_id=user_id) if user_id else 1
    production_tasks.release_paid_order.delay(order_id, customer_weight=weight)


def refresh_invoice(sender, order_id, **kwargs):
    document_tasks.render_invoice.delay(order_id)


def earn_points(sender, order_id, number, **kwargs):
    loyalty_tasks.earn_for_paid_order.delay(order_id, number)


def reverse_points(sender, order_id, amount, refund_reference, **kwargs):
    loyalty_tasks.reverse_for_refund.delay(order_id, str(amount), refund_reference)


# Order statuses that move points: delivered orders' points become available; points held for
# an order whose payment failed or that was cancelled go back to the customer.
POINTS_ON_STATUS = {
    OrderStatus.DELIVERED: "vest",
    OrderStatus.PAYMENT_FAILED: "release",
    OrderStatus.CANCELLED: "release",
}


def points_follow_order_status(sender, order, old_status, new_status, **kwargs):
    action = POINTS_ON_STATUS.get(new_status)
    number = order.number
    if action == "vest":
        transaction.on_commit(lambda: loyalty_tasks.vest_delivered_order.delay(number))
    elif action == "release":
        why = f"Order {number}: {new_status.lower()}"
        transaction.on_commit(lambda: loyalty_tasks.release_points_for_order.delay(number, why))


def earn_points_line(*, request, product_id, total):
    """Under the configurator's live quote: what this configuration would earn."""
    product = get_model("catalogue", "Product").objects.filter(pk=product_id).first()
    if product is None:
        return None
    points = loyalty_selectors.points_for_product(user=request.user, product=product, amount=total)
    return ngettext("Earn %(n)s point", "Earn %(n)s points", points) % {"n": points} if points else None


def review_points(sender, instance, **kwargs):
    """An approved review by a signed-in customer earns the review bonus (once per review)."""
    if instance.user_id and instance.status == instance.APPROVED:
        user_id, review_id = instance.user_id, instance.pk
        transaction.on_commit(lambda: loyalty_tasks.award_review_bonus.delay(user_id, review_id))


def connect():
    user_logged_in.connect(claim_anonymous_designs, dispatch_uid="portal-claim-designs")
    order_paid_signal.connect(confirm_paid_order, dispatch_uid="portal-confirm-paid-order")
    order_paid_signal.connect(release_to_production, dispatch_uid="portal-release-to-production")
    order_refunded_signal.connect(refresh_invoice, dispatch_uid="portal-refresh-invoice")
    order_paid_signal.connect(earn_points, dispatch_uid="loyalty-earn-points")
    order_refunded_signal.connect(reverse_points, dispatch_uid="loyalty-reverse-points")
    register_quote_extra(earn_points_line)
    post_save.connect(review_points, sender=get_model("reviews", "ProductReview"), dispatch_uid="loyalty-review-points")
    get_class("order.signals", "order_status_changed").connect(
        points_follow_order_status, dispatch_uid="loyalty-order-status"
    )
