"""Which items of an order may be claimed, how and until when: the return window for stocked goods,
the warranty for goods made to order, both counted from delivery (settings CARE_RETURN_DAYS and
CARE_WARRANTY_DAYS). Reads only; the service asks again inside its transaction."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from atelier.orders import CLOSED, OrderStatus, line_configuration

from .models import Claim, ClaimKind, Decision


class ClaimRefused(Exception):
    """The claim or decision cannot be made; the text says why, in words for whoever asked."""


@dataclass(frozen=True)
class Eligibility:
    line: object
    kind: str
    deadline: date | None = None
    delivered: date | None = None
    quantity: int = 0  # pieces that may still be claimed
    refusal: str = ""
    open_claim: object = None

    @property
    def allowed(self):
        return not self.refusal


def kind_for(line):
    """Stocked goods are returned; what the workshop made for the customer is claimed under the warranty."""
    return ClaimKind.WARRANTY if line_configuration(line) is not None else ClaimKind.RETURN


def period(kind):
    days = settings.CARE_RETURN_DAYS if kind == ClaimKind.RETURN else settings.CARE_WARRANTY_DAYS
    return timedelta(days=days)


def delivered_on(order):
    """The day the order was delivered (its first move to Delivered), or None while it is not."""
    change = order.status_changes.filter(new_status=OrderStatus.DELIVERED).order_by("date_created").first()
    if change is not None:
        return timezone.localtime(change.date_created).date()
    if order.status == OrderStatus.DELIVERED:  # imported as delivered, no history: counted from placing
        return timezone.localtime(order.date_placed).date()
    return None


def claimable_quantity(line):
    """Pieces of the line not claimed yet: every claim counts but a rejected one."""
    taken = Claim.objects.filter(line=line).exclude(decision=Decision.REJECT).aggregate(n=Sum("quantity"))["n"]
    return line.quantity - (taken or 0)


def _day(value):
    return formats.date_format(value, "j F Y")


UNKNOWN = object()


def eligibility(*, order, line, kind=None, today=None, delivered=UNKNOWN):
    """Whether `line` of `order` may be claimed as `kind` (by default the kind its goods take) today.
    `delivered`: the order's `delivered_on`, when the caller asks for several lines."""
    natural = kind_for(line)
    kind = ClaimKind(kind) if kind else natural
    today = today or timezone.localdate()
    title = line.title
    if order.status in CLOSED:
        return Eligibility(line, kind, refusal=_("This order was cancelled or refunded: there is nothing to claim."))
    if delivered is UNKNOWN:
        delivered = delivered_on(order)
    if delivered is None:
        return Eligibility(line, kind, refusal=_("Returns and warranty claims open once the order is delivered."))
    if kind != natural:
        words = (
            _(
                "%(title)s was made to order for you, so it cannot be returned. "
                "If it is faulty, claim under the warranty."
            )
            if kind == ClaimKind.RETURN
            else _("%(title)s is stocked goods: send it back as a return within %(days)d days of delivery.")
        )
        return Eligibility(line, kind, refusal=words % {"title": title, "days": settings.CARE_RETURN_DAYS})
    deadline = delivered + period(kind)
    if today > deadline:
        words = (
            _("The %(days)d-day return window for %(title)s closed on %(date)s.")
            if kind == ClaimKind.RETURN
            else _("The warranty on %(title)s ran out on %(date)s.")
        )
        words = words % {"days": settings.CARE_RETURN_DAYS, "title": title, "date": _day(deadline)}
        return Eligibility(line, kind, deadline, delivered, refusal=words)
    open_claim = Claim.objects.filter(line=line, decision="").first()
    if open_claim is not None:
        return Eligibility(
            line,
            kind,
            deadline,
            delivered,
            open_claim=open_claim,
            refusal=_("%(title)s already has a claim waiting for our decision: %(rma)s.")
            % {"title": title, "rma": open_claim.rma},
        )
    left = claimable_quantity(line)
    if left <= 0:
        words = _("Every piece of %(title)s has been claimed already.") % {"title": title}
        return Eligibility(line, kind, deadline, delivered, refusal=words)
    return Eligibility(line, kind, deadline, delivered, quantity=left)


def refund_amount(line, quantity):
    """What the pieces cost the customer: the line's price as paid (after its discounts), pro rata."""
    return (line.line_price_incl_tax * quantity / line.quantity).quantize(Decimal("0.01"))
