"""The customer's whole picture beside a ticket in the console: their orders with the workshop's
stage and dates, points, tier and segment, and earlier tickets (surveys: care.surveys' tag).

Staff-only reads, used behind the console's permission (care.access). A fixed number of
queries however long the customer's history: the latest orders and tickets, and the work
orders of all those orders in one query (production.selectors.progress.orders_at_a_glance).
"""

from dataclasses import dataclass, field

from oscar.core.loading import get_model

from loyalty.models import Segment
from loyalty.selectors.accounts import account_summary
from production.selectors.progress import orders_at_a_glance

from .ticket import Ticket

Order = get_model("order", "Order")

LATEST_ORDERS = 8
EARLIER_TICKETS = 10


@dataclass
class CustomerPicture:
    """What staff see of the customer beside a ticket."""

    orders: list = field(default_factory=list)  # [(order, OrderAtAGlance or None)], newest first
    orders_count: int = 0
    points: object = None  # loyalty's AccountSummary; None for a guest
    earlier_tickets: list = field(default_factory=list)

    @property
    def more_orders(self):
        return self.orders_count > len(self.orders)

    @property
    def segment(self):
        """The segment in words ("Loyal (major)"), not its code."""
        if self.points is None or not self.points.segment:
            return ""
        return Segment(self.points.segment).label if self.points.segment in Segment.values else self.points.segment


def picture_for(ticket):
    """The picture of the ticket's customer: an account's orders and points, or a guest's orders
    and tickets by the address they wrote from."""
    if ticket.user_id is None:
        orders = Order.objects.filter(user__isnull=True, guest_email__iexact=ticket.guest_email)
        tickets = Ticket.objects.filter(user__isnull=True, guest_email__iexact=ticket.guest_email)
        points = None
    else:
        orders = Order.objects.filter(user_id=ticket.user_id)
        tickets = Ticket.objects.filter(user_id=ticket.user_id)
        points = account_summary(user=ticket.user)
    latest = list(orders.order_by("-date_placed", "-pk")[:LATEST_ORDERS])
    glances = orders_at_a_glance(order_ids=[order.pk for order in latest]) if latest else {}
    return CustomerPicture(
        orders=[(order, glances.get(order.pk)) for order in latest],
        orders_count=len(latest) if len(latest) < LATEST_ORDERS else orders.count(),
        points=points,
        earlier_tickets=list(
            tickets.exclude(pk=ticket.pk).select_related("topic").order_by("-opened_at", "-pk")[:EARLIER_TICKETS]
        ),
    )
