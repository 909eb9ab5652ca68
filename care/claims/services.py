"""Claims' writes: a customer files a return or warranty claim; staff decide it once; a refund
made by the portal is recorded. Each is one transaction; the customer is told of every step by
e-mail after commit (care.claims.mail) and sees it on the order's timeline."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_model

from loyalty.wallet.ledger import WalletRefused
from loyalty.wallet.services.cards import issue_store_credit

from .. import priority
from ..audit import EventKind
from ..references import ALPHABET
from ..remake import RemakeKind
from ..services.audit import record
from ..services.errors import TicketRefused
from ..services.opening import open_ticket
from ..services.remakes import start_remake
from ..services.replies import reply
from ..thread import Author, TicketMessage
from ..ticket import ACTIVE_STATES, Severity, Ticket
from ..topic import Topic
from . import mail, refunds
from .models import Claim, ClaimEvent, ClaimKind, ClaimStep, Decision
from .rules import ClaimRefused, eligibility, refund_amount

Order = get_model("order", "Order")

# The decisions offered to staff for each kind: stocked goods are not made in the workshop.
DECISIONS = {
    ClaimKind.RETURN: (Decision.REFUND, Decision.STORE_CREDIT, Decision.REJECT),
    ClaimKind.WARRANTY: (Decision.REPAIR, Decision.REMAKE, Decision.REFUND, Decision.STORE_CREDIT, Decision.REJECT),
}
# A claim topic made on first use (settings CARE_RETURN_TOPIC, CARE_WARRANTY_TOPIC name it): name, queue, complaint.
TOPICS = {
    ClaimKind.RETURN: ("Returns", "Customer service", False),
    ClaimKind.WARRANTY: ("Product quality", "Quality", True),
}


def _new_rma():
    for _attempt in range(10):
        rma = "RMA-" + "".join(secrets.choice(ALPHABET) for _ in range(6))
        if not Claim.objects.filter(rma=rma).exists():
            return rma
    raise RuntimeError("no free RMA number after 10 draws")


def claim_topic(kind):
    """The topic the claim's ticket opens under (settings CARE_RETURN_TOPIC / CARE_WARRANTY_TOPIC),
    made with its queue on first use so a shop without the demo's topics still takes claims."""
    name, queue, complaint = TOPICS[kind]
    slug = settings.CARE_WARRANTY_TOPIC if kind == ClaimKind.WARRANTY else settings.CARE_RETURN_TOPIC
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        group, _created = Group.objects.get_or_create(name=queue)
        topic, _created = Topic.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "queue": group, "is_complaint": complaint, "default_priority": priority.NORMAL},
        )
    return topic


def _linked_ticket(*, user, line, kind):
    """The customer's active ticket about this item, if any: the claim joins it rather than opening another.
    A warranty claim joins only a complaint, so staff can send the item back to the workshop from it."""
    tickets = Ticket.objects.filter(user=user, line=line, state__in=ACTIVE_STATES)
    if kind == ClaimKind.WARRANTY:
        tickets = tickets.filter(topic__is_complaint=True)
    return tickets.order_by("-last_activity_at").first()


def _event(claim, step, words, *, actor=None, at):
    event = ClaimEvent.objects.create(claim=claim, step=step, words=words, actor=actor, at=at)
    mail.mail_after_commit(event)
    return event


def file_claim(*, user, order, line, kind, reason, quantity, photos=(), submission_key, now=None):
    """File a return (stocked goods, within CARE_RETURN_DAYS of delivery) or a warranty claim
    (made-to-order goods, within CARE_WARRANTY_DAYS) for `quantity` pieces of `line`; returns
    (claim, created).

    Idempotent per `submission_key` (the form's one-time token): a double submit returns the
    first claim. The order row is locked while the rules are asked again, and one undecided claim
    per item is a unique index, so two tabs file one claim. `photos` are (upload, content type)
    pairs already checked (care.claims.forms), at most CARE_CLAIM_PHOTOS: they go on the claim's
    message in the ticket, kept privately. The claim opens a ticket (or joins the customer's
    active one about the item) without the ticket's own acknowledgement: the claim's e-mail,
    after commit, gives the RMA, the ticket and the return label.
    """
    earlier = Claim.objects.filter(submission_key=submission_key).first()
    if earlier is not None:
        if earlier.user_id != user.pk:
            raise ClaimRefused(_("This form was already used. Please reload the page and try again."))
        return earlier, False
    if order.user_id != user.pk or line.order_id != order.pk:
        raise ClaimRefused(_("We could not find that order in your account."))
    reason = (reason or "").strip()
    if not reason:
        raise ClaimRefused(_("Please tell us what is wrong."))
    photos = list(photos)
    if len(photos) > settings.CARE_CLAIM_PHOTOS:
        raise ClaimRefused(_("Please attach at most %(n)d photos.") % {"n": settings.CARE_CLAIM_PHOTOS})
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            check = eligibility(order=locked, line=line, kind=kind, today=timezone.localdate(now))
            if not check.allowed:
                raise ClaimRefused(check.refusal)
            if not 1 <= quantity <= check.quantity:
                raise ClaimRefused(
                    _("Choose between 1 and %(n)d pieces of %(title)s.") % {"n": check.quantity, "title": line.title}
                )
            claim = _file(user, locked, line, ClaimKind(kind), reason, quantity, photos, submission_key, check, now)
    except IntegrityError:
        # The same form twice at once (its key), or a claim for the item filed in another tab.
        earlier = Claim.objects.filter(submission_key=submission_key, user=user).first()
        if earlier is not None:
            return earlier, False
        raise ClaimRefused(eligibility(order=order, line=line, kind=kind).refusal or _("Please try again.")) from None
    return claim, True


def _file(user, order, line, kind, reason, quantity, photos, submission_key, check, now):
    rma = _new_rma()
    body = _("%(kind)s %(rma)s: %(title)s × %(quantity)d\n\n%(reason)s") % {
        "kind": kind.label, "rma": rma, "title": line.title, "quantity": quantity, "reason": reason,
    }  # fmt: skip
    ticket = _linked_ticket(user=user, line=line, kind=kind)
    if ticket is not None:
        try:
            message, _created = reply(
                ticket=ticket, body=body, author_kind=Author.CUSTOMER, author=user, attachments=photos, now=now
            )
        except TicketRefused:  # closed between the read and the lock: a ticket of its own, then
            ticket = None
    if ticket is None:
        ticket, _created = open_ticket(
            topic=claim_topic(kind),
            subject=_("%(kind)s %(rma)s: %(title)s") % {"kind": kind.label, "rma": rma, "title": line.title},
            body=body,
            user=user,
            severity=Severity.MAJOR if kind == ClaimKind.WARRANTY else Severity.NONE,
            line=line,
            attachments=photos,
            acknowledge=False,
            now=now,
        )
        message = ticket.messages.get()
    claim = Claim.objects.create(
        rma=rma,
        kind=kind,
        user=user,
        order=order,
        line=line,
        quantity=quantity,
        reason=reason,
        ticket=ticket,
        message=message,
        delivered_on=check.delivered,
        submission_key=submission_key,
    )
    record(ticket, EventKind.CLAIM, after=f"{kind.label} {rma}", actor=user, actor_kind=Author.CUSTOMER, at=now)
    words = (
        _("Return %(rma)s filed for %(title)s. Print the return label and send it back to us.")
        if kind == ClaimKind.RETURN
        else _("Warranty claim %(rma)s filed for %(title)s. Our quality team will look at it.")
    )
    _event(claim, ClaimStep.FILED, words % {"rma": rma, "title": line.title}, actor=user, at=now)
    return claim


DECIDED_WORDS = {
    Decision.REFUND: gettext_lazy("We will refund %(amount)s for %(title)s (%(rma)s): %(reason)s"),
    Decision.STORE_CREDIT: gettext_lazy(
        "We added %(amount)s of store credit to your wallet for %(title)s (%(rma)s): %(reason)s"
    ),
    Decision.REPAIR: gettext_lazy("The workshop will repair %(title)s (%(rma)s): %(reason)s"),
    Decision.REMAKE: gettext_lazy("The workshop will make %(title)s again for you (%(rma)s): %(reason)s"),
    Decision.REJECT: gettext_lazy("We cannot accept claim %(rma)s for %(title)s: %(reason)s"),
}


def decide_claim(*, claim, decision, reason, actor, now=None):
    """Decide `claim` once: refund (the line's price as paid for the pieces claimed, fixed here,
    never from a form), store credit (the same amount, added to the customer's wallet in this
    transaction, once per claim by the wallet's key), repair or remake (a work order through
    care's remakes, linked to the claim), or reject, each with the reason the customer reads.

    The decision is one conditional UPDATE of the undecided row, so of two staff deciding at once
    (or one clicking twice) the first wins and the other is refused with what was decided (the
    remake's work order is made in the same transaction, so a refused decision leaves none).
    After commit the customer is e-mailed and a refund is asked of the portal's refund path
    (care.claims.refunds), idempotent per claim. Returns the claim as decided.
    """
    decision = Decision(decision)
    reason = (reason or "").strip()
    if not reason:
        raise ClaimRefused(_("Give the reason for the decision: the customer reads it."))
    if decision not in DECISIONS[ClaimKind(claim.kind)]:
        raise ClaimRefused(
            _("A %(kind)s cannot be decided as %(decision)s.")
            % {"kind": ClaimKind(claim.kind).label.lower(), "decision": decision.label.lower()}
        )
    now = now or timezone.now()
    line = claim.line
    amount = refund_amount(line, claim.quantity) if decision in (Decision.REFUND, Decision.STORE_CREDIT) else None
    with transaction.atomic():
        won = Claim.objects.filter(pk=claim.pk, decision="").update(
            decision=decision, decision_reason=reason, decided_by=actor, decided_at=now, refund_amount=amount
        )
        if not won:
            raise ClaimRefused(_already_decided(Claim.objects.select_related("decided_by").get(pk=claim.pk)))
        claim = Claim.objects.select_related("ticket", "line", "order", "user").get(pk=claim.pk)
        if decision in (Decision.REPAIR, Decision.REMAKE):
            try:
                remake, _created = start_remake(
                    ticket=claim.ticket, line=line, kind=RemakeKind(decision.value), reason=reason,
                    actor=actor, quantity=claim.quantity, now=now,
                )  # fmt: skip
            except TicketRefused as refusal:
                raise ClaimRefused(str(refusal)) from refusal
            Claim.objects.filter(pk=claim.pk).update(remake=remake)
            claim.remake = remake
        if decision == Decision.STORE_CREDIT:
            try:
                issue_store_credit(
                    claim.user, amount, _("%(kind)s %(rma)s: %(title)s") % {
                        "kind": ClaimKind(claim.kind).label, "rma": claim.rma, "title": line.title,
                    }, reference=claim.rma, by=actor, key=f"claim-{claim.rma}",
                )  # fmt: skip
            except WalletRefused as refusal:
                raise ClaimRefused(str(refusal)) from refusal
        record(
            claim.ticket, EventKind.CLAIM, before=claim.rma, after=decision.label, actor=actor,
            actor_kind=Author.STAFF, note=reason, at=now,
        )  # fmt: skip
        words = DECIDED_WORDS[decision] % {
            "amount": f"{amount} {claim.order.currency}" if amount is not None else "",
            "title": line.title, "rma": claim.rma, "reason": reason,
        }  # fmt: skip
        TicketMessage.objects.create(ticket=claim.ticket, author_kind=Author.SYSTEM, body=words, created=now)
        Ticket.objects.filter(pk=claim.ticket_id).update(last_activity_at=now)
        _event(claim, ClaimStep.DECIDED, words, actor=actor, at=now)
        if decision == Decision.REFUND:
            claim_id = claim.pk
            transaction.on_commit(lambda: refunds.request_refund(claim_id))
    return claim


def _already_decided(claim):
    who = claim.decided_by.get_full_name() or claim.decided_by.email if claim.decided_by else _("someone")
    return _("%(rma)s was already decided by %(who)s: %(decision)s.") % {
        "rma": claim.rma, "who": who, "decision": claim.get_decision_display().lower(),
    }  # fmt: skip


def record_refund(*, claim_id, amount, now=None):
    """The portal made the claim's refund: noted once on the claim, its timeline and thread, and the
    customer e-mailed. A second call (a retry, the reconciler) changes nothing; returns whether it noted."""
    now = now or timezone.now()
    amount = Decimal(amount).quantize(Decimal("0.01"))
    with transaction.atomic():
        claimed = Claim.objects.filter(pk=claim_id, refunded_at__isnull=True)
        if not claimed.update(refunded_at=now, refunded_amount=amount):
            return False
        claim = Claim.objects.select_related("order", "line").get(pk=claim_id)
        words = _("Refunded %(amount)s %(currency)s to your card for %(title)s (%(rma)s).") % {
            "amount": amount, "currency": claim.order.currency, "title": claim.line.title, "rma": claim.rma,
        }  # fmt: skip
        TicketMessage.objects.create(ticket_id=claim.ticket_id, author_kind=Author.SYSTEM, body=words, created=now)
        _event(claim, ClaimStep.REFUNDED, words, at=now)
    return True
