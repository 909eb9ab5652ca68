"""Writes of assisted baskets: start one, put products in, send it for payment, the customer's acceptance.

Every write locks the assisted basket's row first (that row only, not the basket or the customer
joined to it), so a line added while another tab sends the basket is either in what was sent or
refused, and a double submit does the thing once.
Prices are never taken from a form: stocked products are priced by the customer's strategy,
configured ones by the configurator (`add_configuration_to_basket`), and the basket is priced
again at checkout like any other.
"""

import contextlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model
from oscar.templatetags.currency_filters import currency

from atelier.orders import CONFIGURATION_OPTION
from care import services as care_services
from care.thread import Author
from configurator import selectors as configurator_selectors
from configurator import services as configurator_services

from .models import AssistedBasket

Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")
State = AssistedBasket.State


class BasketRefused(Exception):
    """What staff asked cannot be done to this basket; the message says why, in words."""


def priced(assisted):
    """The assisted basket's Oscar basket, priced as the customer would be priced."""
    basket = assisted.basket
    basket.strategy = Selector().strategy(user=assisted.customer)
    return basket


def start_basket(*, customer, staff, ticket=None, submission_key=None):
    """A new, empty basket for `customer`; returns (assisted, created).

    Idempotent per `submission_key` (the start form's one-time token): a second submission
    returns the first basket. A ticket given must be the customer's own.
    """
    if ticket is not None and ticket.user_id != customer.pk:
        raise BasketRefused(_("That ticket is not this customer's."))
    if submission_key is not None:
        earlier = AssistedBasket.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            if earlier.customer_id != customer.pk:
                raise BasketRefused(_("This form was already used. Please reload the page and try again."))
            return earlier, False
    try:
        with transaction.atomic():
            # SAVED and no owner: Oscar's middleware and basket pages never pick it up (see the package).
            basket = Basket.objects.create(owner=None, status=Basket.SAVED)
            assisted = AssistedBasket.objects.create(
                basket=basket, customer=customer, created_by=staff, ticket=ticket, submission_key=submission_key
            )
    except IntegrityError:
        earlier = AssistedBasket.objects.filter(submission_key=submission_key).first() if submission_key else None
        if earlier is None or earlier.customer_id != customer.pk:
            raise
        return earlier, False
    return assisted, True


def _locked(assisted):
    return (
        AssistedBasket.objects.select_for_update(of=("self",)).select_related("basket", "customer").get(pk=assisted.pk)
    )


def _locked_draft(assisted):
    locked = _locked(assisted)
    if locked.state != State.DRAFT:
        raise BasketRefused(_("This basket was sent to the customer already: it can no longer be changed."))
    return locked


def add_stocked_product(*, assisted, product, quantity):
    """Add `quantity` of a product bought as it is; BasketRefused with the reason if it cannot be bought so."""
    if quantity < 1:
        raise BasketRefused(_("Enter 1 or more."))
    if configurator_selectors.family_for_product(product.pk):
        raise BasketRefused(_("%(product)s is made to order: choose its options first.") % {"product": product})
    with transaction.atomic():
        basket = priced(_locked_draft(assisted))
        info = basket.strategy.fetch_for_product(product)
        if not info.availability.is_available_to_buy or not info.price.exists:
            raise BasketRefused(_("%(product)s cannot be bought at the moment.") % {"product": product})
        in_basket = sum(
            basket.lines.filter(product=product)
            .exclude(attributes__option__code=CONFIGURATION_OPTION)
            .values_list("quantity", flat=True)
        )
        permitted, reason = info.availability.is_purchase_permitted(in_basket + quantity)
        if permitted:
            permitted, reason = basket.is_quantity_allowed(quantity)
        if not permitted:
            raise BasketRefused(_("%(product)s: %(reason)s") % {"product": product, "reason": reason})
        line, _created = basket.add_product(product, quantity)
    return line


def add_configured_product(*, assisted, family_slug, values):
    """Add a configured product as the configurator adds it: checked against the family's rules, priced there.

    Raises configurator's InvalidConfiguration (naming each problem) and adds nothing if the
    design or its quantity is not allowed.
    """
    with transaction.atomic():
        basket = priced(_locked_draft(assisted))
        line, configuration = configurator_services.add_configuration_to_basket(
            basket=basket, family_slug=family_slug, values=values
        )
    return line, configuration


def remove_line(*, assisted, line_id):
    with transaction.atomic():
        basket = _locked_draft(assisted).basket
        deleted, _rows = basket.lines.filter(pk=line_id).delete()
    return bool(deleted)


def link_days():
    return settings.ASSISTED_BASKET_LINK_DAYS


def send_for_payment(*, assisted, staff, now=None):
    """Send the basket to its customer: the pay link by e-mail after commit; returns (assisted, sent).

    Once: a basket already sent is returned with sent False and nothing is sent again. An empty
    basket, or one with a line that cannot be bought as it stands, is refused. An earlier basket
    sent to the same customer and not yet accepted is replaced (its link then says so). The
    ticket it was built from, if any and not closed, gets an internal note.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(assisted)
        if locked.state != State.DRAFT:
            return locked, False
        basket = priced(locked)
        if basket.is_empty:
            raise BasketRefused(_("Add at least one product before sending the basket."))
        if basket.problem_lines:
            raise BasketRefused(
                _("%(problem)s Mend or remove it before sending the basket.")
                % {"problem": basket.problem_lines[0].get_warning()}
            )
        AssistedBasket.objects.filter(customer=locked.customer, state=State.SENT).update(
            state=State.REPLACED, replaced_at=now
        )
        locked.state, locked.sent_at = State.SENT, now
        locked.expires_at = now + timedelta(days=link_days())
        locked.save(update_fields=["state", "sent_at", "expires_at"])
        if locked.ticket_id is not None:
            _note_on_ticket(locked, basket, staff)
        _mail_after_commit(locked)
    return locked, True


def _note_on_ticket(assisted, basket, staff):
    body = _("Basket sent for payment: %(items)s, %(total)s. The link is good until %(date)s.") % {
        "items": ", ".join(f"{line.description} × {line.quantity}" for line in basket.all_lines()),
        "total": currency(basket.total_incl_tax, basket.currency),
        "date": timezone.localtime(assisted.expires_at).strftime("%-d %B %Y, %H:%M"),
    }
    # A closed ticket takes no notes; the basket's own page still says when it was sent.
    with contextlib.suppress(care_services.TicketRefused):
        care_services.reply(ticket=assisted.ticket, body=body, author_kind=Author.STAFF, author=staff, internal=True)


def _mail_after_commit(assisted):
    from . import tasks  # the task calls back into mail, which reads this module's models

    assisted_id = assisted.pk
    transaction.on_commit(lambda: tasks.send_pay_link_mail.delay(assisted_id))


class LinkRefused(Exception):
    """Why a pay link does not open its basket for this visitor; `kind` says which of the cases it is."""

    INVALID, OTHER_CUSTOMER, EXPIRED, REPLACED, ACCEPTED = "invalid", "other", "expired", "replaced", "accepted"

    def __init__(self, kind, assisted=None):
        self.kind = kind
        self.assisted = assisted
        super().__init__(kind)


def check_link(*, assisted, user, now=None):
    """Raise LinkRefused unless `user` may accept `assisted` now (theirs, sent, not expired or replaced)."""
    if assisted is None or assisted.state == State.DRAFT:
        raise LinkRefused(LinkRefused.INVALID)
    if assisted.customer_id != user.pk:
        raise LinkRefused(LinkRefused.OTHER_CUSTOMER)
    if assisted.state == State.ACCEPTED:
        raise LinkRefused(LinkRefused.ACCEPTED, assisted)
    if assisted.state == State.REPLACED:
        raise LinkRefused(LinkRefused.REPLACED, assisted)
    if assisted.is_expired(now):
        raise LinkRefused(LinkRefused.EXPIRED, assisted)


def accept(*, assisted, user, now=None):
    """The customer takes the basket: it becomes their open basket; returns the number of earlier lines set aside.

    Once (the row is locked and checked again: a second acceptance raises LinkRefused
    ACCEPTED). The lines of the customer's earlier open basket move to their "saved for later"
    basket, so checkout holds what staff prepared and nothing is lost.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(assisted)
        check_link(assisted=locked, user=user, now=now)
        set_aside = 0
        for earlier in Basket.open.filter(owner=user).exclude(pk=locked.basket_id):
            lines = earlier.lines.count()
            if lines:
                saved = Basket.saved.filter(owner=user).first() or Basket.objects.create(
                    owner=user, status=Basket.SAVED
                )
                saved.merge(earlier)
                set_aside += lines
            else:
                Basket.objects.filter(pk=earlier.pk).update(status=Basket.MERGED, date_merged=now)
        Basket.objects.filter(pk=locked.basket_id).update(owner=user, status=Basket.OPEN)
        locked.state, locked.accepted_at = State.ACCEPTED, now
        locked.save(update_fields=["state", "accepted_at"])
    return set_aside
