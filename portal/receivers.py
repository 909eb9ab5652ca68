"""Every signal from Django, Oscar or Wagtail that crosses apps is received here, and only here.

The portal's own facts (an order paid, an order refunded) are not signals: they are the
functions of portal/events.py, called where the fact is established.
"""

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_save
from django.utils.translation import ngettext
from oscar.core.loading import get_class, get_model

from atelier.orders import CLOSED, OrderStatus
from configurator import services as configurator_services
from configurator.ownership import session_designs
from configurator.quote_extras import register_provider as register_quote_extra
from loyalty import tasks as loyalty_tasks
from loyalty.selectors.previews import points_for_product_id
from loyalty.wallet import tasks as wallet_tasks
from production.services.delivery_slots import release_slot

from . import dashboard_access, product_views


def claim_anonymous_designs(sender, request, user, **kwargs):
    """Designs saved before signing in become the shopper's own."""
    if request is not None and hasattr(request, "session"):
        configurator_services.claim_designs(user=user, design_uuids=session_designs(request))


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


def wallet_follows_order_status(sender, order, old_status, new_status, **kwargs):
    """Gift cards and store credit: back on a failed payment (taken again on the pay page), and for
    good, spent money included, once the order is cancelled or refunded in full."""
    number, why = order.number, f"Order {order.number}: {new_status.lower()}"
    if new_status == OrderStatus.PAYMENT_FAILED:
        transaction.on_commit(lambda: wallet_tasks.release_for_order.delay(number, why))
    elif new_status in CLOSED:
        transaction.on_commit(lambda: wallet_tasks.return_for_closed_order.delay(number, why))


def slot_follows_order_status(sender, order, old_status, new_status, **kwargs):
    """A cancelled or refunded order gives its two-person delivery slot back, in the same
    transaction as the change (a payment that failed may still be retried: it keeps it)."""
    if new_status in CLOSED:
        release_slot(order_number=order.number)


def earn_points_line(*, request, product_id, total):
    """Under the configurator's live quote: what this configuration would earn. The product's earning
    scope is cached per process and scope version (`previews.product_scope_for`): no query for a guest."""
    points = points_for_product_id(user=request.user, product_id=product_id, amount=total)
    return ngettext("Earn %(n)s point", "Earn %(n)s points", points) % {"n": points} if points else None


def review_points(sender, instance, **kwargs):
    """An approved review by a signed-in customer earns the review bonus (once per review)."""
    if instance.user_id and instance.status == instance.APPROVED:
        user_id, review_id = instance.user_id, instance.pk
        transaction.on_commit(lambda: loyalty_tasks.award_review_bonus.delay(user_id, review_id))


def connect():
    user_logged_in.connect(claim_anonymous_designs, dispatch_uid="portal-claim-designs")
    # Oscar's product-view analytics, counted in memory and written in batches (portal/product_views.py).
    product_views.connect()
    # The header's dashboard link, kept per user until users, groups or permissions change.
    dashboard_access.connect()
    register_quote_extra(earn_points_line)
    post_save.connect(review_points, sender=get_model("reviews", "ProductReview"), dispatch_uid="loyalty-review-points")
    get_class("order.signals", "order_status_changed").connect(
        points_follow_order_status, dispatch_uid="loyalty-order-status"
    )
    get_class("order.signals", "order_status_changed").connect(
        wallet_follows_order_status, dispatch_uid="wallet-order-status"
    )
    get_class("order.signals", "order_status_changed").connect(
        slot_follows_order_status, dispatch_uid="production-delivery-slot"
    )
