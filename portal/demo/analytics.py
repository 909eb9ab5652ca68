"""Demo costs: what the stocked accessories cost us, and every paid demo order's line costs
frozen, as `order_paid` would; a merchandiser who reads the margins; and the customers' value classes.

The demo pays its orders by recording the payment (orders.record_payment) without sending
`order_paid`, so this step calls the same service the effect's task calls, once the factory's
routings and rates exist. Costs already kept are left as they are.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from oscar.core.loading import get_model

from analytics.models import ProductCost
from analytics.reclassify import reclassify_customers
from analytics.services import freeze_order_costs
from atelier.orders import PURCHASED, OrderStatus

# UPC: what one unit costs us, landed (the filter sells at 29.00, the care kit at 24.00).
UNIT_COSTS = {"ATL-FILTER": Decimal("11.40"), "ATL-CAREKIT": Decimal("8.75")}


def load_product_costs():
    Product = get_model("catalogue", "Product")
    created = 0
    for product in Product.objects.filter(upc__in=list(UNIT_COSTS), cost__isnull=True):
        ProductCost.objects.create(product=product, unit_cost=UNIT_COSTS[product.upc])
        created += 1
    return created


def load_line_costs():
    Order = get_model("order", "Order")
    created = 0
    paid = Order.objects.filter(status__in=[*PURCHASED, OrderStatus.REFUNDED], lines__cost__isnull=True)
    for order_id in paid.distinct().order_by("pk").values_list("pk", flat=True):
        created += len(freeze_order_costs(order_id=order_id))
    return created


MERCHANDISERS = "Merchandisers"
MERCHANDISER = ("merchandiser@atelier.example", "atelier-merchant", "Maya", "Kowalski")


def load_merchandiser():
    """The Merchandisers group may read the value analytics (the margin dashboard), and Maya is
    one of them: staff, that page and nothing else of the dashboard. The admin, a superuser, may too."""
    created = 0
    group, was_created = Group.objects.get_or_create(name=MERCHANDISERS)
    created += was_created
    permission = Permission.objects.get(content_type__app_label="value_analytics", codename="view_analytics")
    if not group.permissions.filter(pk=permission.pk).exists():
        group.permissions.add(permission)
        created += 1
    email, password, first_name, last_name = MERCHANDISER
    user_model = get_user_model()
    if not user_model.objects.filter(email=email).exists():
        user = user_model.objects.create_user(
            email=email, password=password, first_name=first_name, last_name=last_name
        )
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(group)
        created += 1
    return created


def load_value_classes():
    """Every demo customer's value class, as the nightly run would set it, so the value-classes page,
    the staff pages of a customer and the targeted content show them. After the line costs: the
    contribution reads them. Run again, it changes nothing."""
    return reclassify_customers().changed
