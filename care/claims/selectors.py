"""Claims' reads. A customer's claim is loaded with its owner: anyone else's RMA is a 404."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from ..thread import TicketAttachment
from .models import Claim, ClaimEvent, ClaimKind, Decision
from .rules import delivered_on, eligibility

CLAIMS = Claim.objects.select_related("order", "line", "ticket", "remake__work_order", "decided_by").prefetch_related(
    Prefetch("events", queryset=ClaimEvent.objects.order_by("at", "pk")),
    Prefetch("message__attachments", queryset=TicketAttachment.objects.order_by("pk")),
)


def claim_for(*, user, rma):
    """The customer's own claim by RMA number, or 404 (another's, a made-up one, a guest)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such claim")
    claim = CLAIMS.filter(user=user, rma=str(rma or "").strip().upper()).first()
    if claim is None:
        raise Http404("No such claim")
    return claim


def claims_of_order(order):
    return list(CLAIMS.filter(order=order).order_by("created_at", "pk"))


@dataclass
class OrderClaims:
    """The order page's panel: its claims, and what each item may still be claimed as, until when."""

    claims: list = field(default_factory=list)
    lines: list = field(default_factory=list)  # Eligibility per line that may be claimed now
    refusals: list = field(default_factory=list)  # (line, words) for the items that may not, once delivered


def order_claims(order, *, today=None):
    lines = list(order.lines.prefetch_related("attributes__option").order_by("pk"))
    panel = OrderClaims(claims=claims_of_order(order))
    delivered = delivered_on(order)
    for line in lines:
        check = eligibility(order=order, line=line, today=today, delivered=delivered)
        if check.allowed:
            panel.lines.append(check)
        elif check.delivered is not None and check.open_claim is None:
            panel.refusals.append((line, check.refusal))
    return panel


@dataclass(frozen=True)
class ClaimProgress:
    """A claim as the order's timeline shows it: what it is about and each step told to the customer."""

    rma: str
    kind: str
    title: str
    decision: str
    steps: list  # (when, words), oldest first
    work_order_id: int | None = None
    line_id: int | None = None


def timeline_claims(order_id):
    """Every claim of the order with its steps, for portal/hub/timeline.py (the hub checked ownership)."""
    return timeline_claims_for_orders([order_id]).get(order_id, [])


def timeline_claims_for_orders(order_ids):
    """{order id: its `timeline_claims`} for several orders in two queries however many (an order
    without a claim is absent; the hub checked ownership)."""
    order_ids = list(order_ids)
    if not order_ids:
        return {}
    claims = Claim.objects.filter(order_id__in=order_ids).select_related("line", "remake").order_by("created_at", "pk")
    claims = claims.prefetch_related(Prefetch("events", queryset=ClaimEvent.objects.order_by("at", "pk")))
    by_order = {}
    for claim in claims:
        by_order.setdefault(claim.order_id, []).append(
            ClaimProgress(
                rma=claim.rma,
                kind=ClaimKind(claim.kind).label,
                title=claim.line.title,
                decision=claim.decision,
                steps=[(event.at, event.words) for event in claim.events.all()],
                work_order_id=claim.remake.work_order_id if claim.remake_id else None,
                line_id=claim.line_id,
            )
        )
    return by_order


# --- the care console -------------------------------------------------------------------------------


def staff_claims(*, show="open"):
    """The console's list: undecided claims oldest first (the queue), or every claim newest first."""
    claims = Claim.objects.select_related("order", "line", "user", "ticket", "decided_by")
    if show == "open":
        return claims.filter(decision="").order_by("created_at", "pk")
    return claims.order_by("-created_at", "-pk")


def staff_claim(*, rma):
    claim = CLAIMS.select_related("user").filter(rma=str(rma or "").strip().upper()).first()
    if claim is None:
        raise Http404("No such claim")
    return claim


def claims_to_refund(*, within=timedelta(days=30), limit=200):
    """Ids of claims decided as refunds in the last `within` whose refund is not recorded (the gateway
    refused or was down, a worker killed): the portal's `claim-refunds` reconciler asks again."""
    since = timezone.now() - within
    return list(
        Claim.objects.filter(decision=Decision.REFUND, refunded_at__isnull=True, decided_at__gte=since)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def claim_to_refund(claim_id):
    """The claim with its order and line, if it is a refund not yet recorded; else None."""
    return (
        Claim.objects.select_related("order", "line", "decided_by")
        .filter(pk=claim_id, decision=Decision.REFUND, refunded_at__isnull=True)
        .first()
    )
