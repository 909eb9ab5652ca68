"""What the reconciler (portal/reconcile.py) finds about design changes, and does again.

- a difference awaiting payment ten minutes on: the gateway asked how its payment stands (a
  webhook lost) and that applied; a day on and still unpaid, the change abandoned (its payment
  cancelled), so an open payment is not left behind;
- a change applied without its follow-up (a task lost): costs, points, invoice and mail again,
  each idempotent;
- money owed back and never refunded (a cheaper design's difference, a paid change not applied):
  asked for again with the same key.
"""

from datetime import timedelta

from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from oscar.core.loading import get_model

from ..payments.gateways import PaymentUnknown, gateway
from ..payments.models import RefundRequest
from ..payments.services.payment_state import apply_payment_state
from . import change_payments, tasks
from .models import DesignChange

Source = get_model("payment", "Source")
State = DesignChange.State
ABANDONED_AFTER = timedelta(hours=24)  # a difference unpaid this long: the customer walked away


def changes_awaiting_payment(*, grace=timedelta(minutes=10), limit=200):
    """Ids of changes still awaiting their difference `grace` after they were confirmed."""
    since = timezone.now() - grace
    awaiting = DesignChange.objects.filter(state=State.AWAITING_PAYMENT, created_at__lt=since)
    return list(awaiting.exclude(payment_reference="").order_by("pk").values_list("pk", flat=True)[:limit])


def check_change_payment(change_id):
    """Ask the gateway how a change's payment stands and apply it; abandon the change if it is
    still unpaid ABANDONED_AFTER it was confirmed. GatewayUnavailable is raised (ask again later)."""
    change = DesignChange.objects.get(pk=change_id)
    if change.state != State.AWAITING_PAYMENT:
        return None
    try:
        outcome = apply_payment_state(gateway().retrieve(change.payment_reference), via="reconciler")
    except PaymentUnknown:
        outcome = None
    change.refresh_from_db()
    if change.state == State.AWAITING_PAYMENT and change.created_at < timezone.now() - ABANDONED_AFTER:
        change_payments.abandon_change(change=change)
    return outcome


def changes_missing_followups(*, within=timedelta(days=7), grace=timedelta(minutes=10), limit=200):
    """Ids of changes applied (or refused) in the last `within`, older than `grace`, whose e-mail
    never went: their follow-up task was lost."""
    now = timezone.now()
    return list(
        DesignChange.objects.filter(
            state__in=[State.APPLIED, State.REFUSED],
            emailed_at__isnull=True,
            decided_at__gte=now - within,
            decided_at__lt=now - grace,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def redo_followups(change_id):
    change = DesignChange.objects.get(pk=change_id)
    if change.state == State.APPLIED:
        tasks.after_design_change.delay(change_id)
    else:
        tasks.send_design_change_mail.delay(change_id)


def changes_to_refund(*, within=timedelta(days=30), grace=timedelta(minutes=10), limit=200):
    """Ids of changes of the last `within` whose money is owed back and was never refunded: a
    cheaper design's difference with no refund made under its token, or a paid difference whose
    change was not applied and whose payment still holds money."""
    now = timezone.now()
    recent = DesignChange.objects.filter(decided_at__gte=now - within, decided_at__lt=now - grace)
    made = RefundRequest.objects.filter(token=OuterRef("refund_token")).exclude(gateway_reference="")
    cheaper = recent.filter(state=State.APPLIED, difference__lt=0).exclude(Exists(made))
    holding = Source.objects.filter(
        order=OuterRef("order"), reference=OuterRef("payment_reference"), amount_debited__gt=F("amount_refunded")
    )
    unapplied = recent.exclude(state=State.APPLIED).exclude(payment_reference="").filter(Exists(holding))
    ids = set(cheaper.values_list("pk", flat=True)) | set(unapplied.values_list("pk", flat=True))
    return sorted(ids)[:limit]


def retry_refund(change_id):
    """The money of a change asked for back again, with the same key."""
    change = DesignChange.objects.get(pk=change_id)
    if change.state == State.APPLIED:
        return change_payments.refund_difference(change_id=change_id)
    return change_payments.refund_unapplied_change(change_id=change_id)
