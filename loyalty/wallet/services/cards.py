"""Gift cards issued for paid orders and sent on their delivery date; store credit issued by staff;
a card added to a customer's wallet."""

import logging
import uuid
from dataclasses import replace

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.pdf import html_to_pdf

from .. import codes
from ..ledger import WalletRefused, amount_of, locked_store_credit, post
from ..models import GiftCardPurchase, StoredValue, WalletEntry
from ..purchase import UnreadableGiftCard, gift_card_text, read_choice
from ..selectors import due_purchases
from .checkout import find_card

logger = logging.getLogger(__name__)
Kind = WalletEntry.Kind


def issue_cards_for_order(*, order_id):
    """The order is paid: a gift card for each of its gift card lines, its balance the amount bought,
    to be sent on the line's delivery date. Idempotent (one card per order line, by a unique column).
    Returns the purchases made now."""
    Line = get_model("order", "Line")
    made = []
    lines = Line.objects.filter(order_id=order_id, gift_card_purchase__isnull=True).select_related("order")
    for line in lines.prefetch_related("attributes__option"):
        text = gift_card_text(line.attributes.all())
        if text is None:
            continue
        try:
            choice = read_choice(text, today=line.order.date_placed.date())
        except UnreadableGiftCard:
            logger.exception("Order %s line %s: its gift card cannot be read", line.order.number, line.pk)
            continue
        # Loaded with what the line was sold at, whatever its text says (the order's price was checked
        # against the limits when the basket was priced; the text could only have been edited since).
        if line.unit_price_incl_tax != choice.amount:
            logger.warning("Order %s line %s: gift card text says %s, sold at %s", line.order.number, line.pk,
                           choice.amount, line.unit_price_incl_tax)  # fmt: skip
            choice = replace(choice, amount=line.unit_price_incl_tax)
        try:
            with transaction.atomic():
                made.append(_issue(line, choice))
        except IntegrityError:
            continue  # issued by a concurrent run of this task
    return made


def _issue(line, choice):
    card = StoredValue.objects.create(
        kind=StoredValue.Kind.GIFT_CARD,
        initial_amount=choice.amount,
        currency=line.order.currency,
        expires_on=max(choice.deliver_on, timezone.localdate())
        + relativedelta(months=settings.WALLET_GIFT_CARD_MONTHS),
    )
    purchase = GiftCardPurchase.objects.create(
        card=card,
        order_line=line,
        recipient_name=choice.recipient_name,
        recipient_email=choice.recipient_email,
        sender_name=choice.sender_name,
        message=choice.message,
        deliver_on=choice.deliver_on,
    )
    post(
        card, kind=Kind.ISSUE, amount=choice.amount, reason=f"Bought on order {line.order.number}",
        key=f"issue:line:{line.pk}", reference=line.order.number,
    )  # fmt: skip
    return purchase


def send_gift_card(*, purchase_id):
    """Make the card's code, e-mail it to the recipient with the PDF card, and keep only its digest.
    Once per card: the purchase row is locked and `sent_at` set in the same transaction, so a second
    run finds it sent. If the mail cannot be sent, nothing is kept and the next run makes a new code
    (nobody has seen the first). Returns True if sent now."""
    with transaction.atomic():
        purchase = GiftCardPurchase.objects.select_for_update().select_related("card").get(pk=purchase_id)
        if purchase.sent_at is not None:
            return False
        code = codes.new_code()
        card = purchase.card
        card.code_digest, card.code_hint = codes.digest(code), codes.hint(code)
        card.save(update_fields=["code_digest", "code_hint"])
        context = {"purchase": purchase, "card": card, "code": code, "site_name": settings.OSCAR_SHOP_NAME}
        message = EmailMultiAlternatives(
            subject=render_to_string("wallet/emails/gift_card_subject.txt", context).strip(),
            body=render_to_string("wallet/emails/gift_card.txt", context),
            to=[purchase.recipient_email],
        )
        message.attach_alternative(render_to_string("wallet/emails/gift_card.html", context), "text/html")
        message.attach(f"gift-card-{card.code_hint}.pdf", gift_card_pdf(context), "application/pdf")
        message.send()
        purchase.sent_at = timezone.now()
        purchase.save(update_fields=["sent_at"])
        return True


def gift_card_pdf(context):
    """The printable card: amount, code, message and expiry, by the project's PDF renderer."""
    return html_to_pdf(render_to_string("wallet/gift_card_pdf.html", context))


def send_due_gift_cards(*, today=None):
    """Beat: every card due by today and not sent yet, each on its own. Returns how many were sent."""
    sent = 0
    for purchase_id in due_purchases(today=today or timezone.localdate()):
        try:
            sent += send_gift_card(purchase_id=purchase_id)
        except Exception:  # one card's mail failing must not hold back the others; the next run retries
            logger.exception("Sending gift card purchase %s failed", purchase_id)
    return sent


def issue_store_credit(user, amount, reason, reference="", *, by=None, key=None):
    """Store credit for `user`: `amount` (pounds and pence, at most WALLET_STORE_CREDIT_MAX at once)
    added to their balance with `reason`, optionally linked to `reference` (a claim, an order).
    Idempotent per `key` (a form's one-time key, a claim's id): the same key again returns the
    entry it made. Locks the customer's credit. Raises WalletRefused for an amount that is not one."""
    amount = amount_of(amount, most=settings.WALLET_STORE_CREDIT_MAX)
    if not str(reason).strip():
        raise WalletRefused("Say why the credit is given.")
    key = f"credit:{key or uuid.uuid4().hex}"
    with transaction.atomic():
        credit = locked_store_credit(user.pk)
        done = WalletEntry.objects.filter(idempotency_key=key).first()
        if done is not None:
            return done
        return post(
            credit, kind=Kind.CREDIT, amount=amount, reason=str(reason).strip(), key=key, reference=reference,
            created_by=by,
        )  # fmt: skip


def add_card_to_wallet(*, user, code):
    """The gift card `code` goes into `user`'s wallet: its balance shown in the hub, usable at
    checkout without typing the code. Refused for an unknown code (the one message for every wrong
    code) or a card already in someone else's wallet."""
    card = find_card(code)
    updated = StoredValue.objects.filter(pk=card.pk, holder__isnull=True).update(holder=user)
    card.refresh_from_db()
    if not updated and card.holder_id != user.pk:
        raise WalletRefused("This gift card is already in another customer's wallet.")
    return card
