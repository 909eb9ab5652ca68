from dataclasses import dataclass

from django import template
from oscar.views.decorators import check_permissions

from ..access import PLANNERS
from ..selectors.delivery import shipments_of, slot_booked_for

register = template.Library()


@dataclass(frozen=True)
class OrderDelivery:
    slot: object
    shipments: list
    may_record: bool


@register.simple_tag(takes_context=True)
def order_delivery(context, order):
    """`{% order_delivery order as delivery %}` on the staff order page: its slot and shipments,
    and whether the viewer may record one (planners, as the view requires)."""
    user = context.get("user")
    return OrderDelivery(
        slot=slot_booked_for(order.number),
        shipments=list(shipments_of(order.pk)),
        may_record=bool(user and check_permissions(user, PLANNERS)),
    )
