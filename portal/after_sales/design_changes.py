"""A customer changes the design of a paid line from the hub, until production starts.

The new configuration is checked against the family's rules and priced by the checkout's own
strategy (never read from a form); the customer sees the difference and the new promised ship
date before confirming (`quote_change`). On confirming (`request_change`):

- cheaper or the same: applied at once in one transaction (the line's work withdrawn by the
  conditional update the start button races against, the line's configuration and price, the
  order's total, the work made again for the new design, the promise moved, the change recorded
  under the form's one-time key); after it commits the difference is refunded through the
  dashboard's refund path (`order_refunded` takes back the points the refunded share earned);
- dearer: the change waits for its difference, charged with a payment of its own
  (`change_payments`); nothing about the order changes until that payment succeeds, and then
  the same transaction applies it. A payment abandoned leaves the order as it was.

Either way the customer is e-mailed, and the order page and its timeline show the change.
"""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from atelier.orders import CONFIGURATION_OPTION, line_configuration
from configurator.quoting import configure
from configurator.services import InvalidConfiguration, line_attribute_value
from production import tasks as production_tasks
from production.models import PromisedDate
from production.selectors.release import configuration_of
from production.services.rework import repromise_order, rework_line
from production.services.withdrawal import ProductionStarted, withdraw_order_work

from . import tasks
from .change_selectors import ChangeRefused, change_refusal
from .models import DesignChange, summary_differences
from .selectors import started_words

__all__ = ["ChangeRefused", "InvalidConfiguration", "PriceChanged", "quote_change", "request_change"]

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")
LinePrice = get_model("order", "LinePrice")
Selector = get_class("partner.strategy", "Selector")
EventHandler = get_class("order.processing", "EventHandler")
CENT = Decimal("0.01")


class PriceChanged(Exception):
    """The difference is no longer what the customer confirmed (prices or the plan moved, or the
    form was altered): nothing changed; `quote` is today's, to confirm again."""

    def __init__(self, quote):
        self.quote = quote
        super().__init__(_("The price of this change has changed since you saw it: check it and confirm again."))


@dataclass(frozen=True)
class ChangeQuote:
    """A new design for a paid line, checked and priced: what confirming it would do."""

    line: object
    configuration: object
    text: str  # the line's configuration text for the new design
    old_text: str
    unit_incl_tax: Decimal
    unit_excl_tax: Decimal
    old_price: Decimal  # the line's price before offers, VAT included
    new_price: Decimal
    currency: str
    old_ship_date: date | None
    new_ship_date: date | None

    @property
    def difference(self):
        return self.new_price - self.old_price

    @property
    def refund_amount(self):
        return max(-self.difference, 0)

    @property
    def values(self):
        return self.configuration.values_for_storage

    @property
    def differences(self):
        return summary_differences(self.old_text, self.text)

    @property
    def unchanged(self):
        return self.text == self.old_text


def quote_change(*, order, line, values):
    """Check `values` as the new design of `line` and price it. Reads only.

    Raises InvalidConfiguration (the rules it breaks) or ChangeRefused (the product is no longer
    sold). The price is the checkout's: the partner strategy's for the configuration text."""
    family_slug, _version, _values = configuration_of(line)
    configuration = configure(family_slug=family_slug, values=values, quantity=line.quantity)
    if not configuration.is_valid:
        raise InvalidConfiguration(configuration)
    text = line_attribute_value(configuration)
    info = Selector().strategy(user=order.user).fetch_for_configuration(line.product, text, line.quantity)
    quantity = line.quantity
    permitted, reason = info.availability.is_purchase_permitted(quantity)
    if not permitted or not info.price.exists:
        raise ChangeRefused(str(reason or _("This design cannot be made any more.")))
    return ChangeQuote(
        line=line,
        configuration=configuration,
        text=text,
        old_text=line_configuration(line),
        unit_incl_tax=info.price.incl_tax,
        unit_excl_tax=info.price.excl_tax,
        old_price=line.line_price_before_discounts_incl_tax,
        new_price=(info.price.incl_tax * quantity).quantize(CENT),
        currency=order.currency,
        old_ship_date=promised_ship_date(order),
        new_ship_date=_ship_date_after_change(order, line, configuration.ship_date),
    )


def promised_ship_date(order):
    return PromisedDate.objects.filter(order_id=order.pk).values_list("ship_date", flat=True).first()


def _ship_date_after_change(order, line, estimate):
    """The changed line's estimate from today; the order's other made-to-order lines keep theirs,
    so the order ships by the later of the two."""
    others = [other for other in order.lines.exclude(pk=line.pk) if configuration_of(other)]
    promised = promised_ship_date(order)
    if others and promised and estimate:
        return max(promised, estimate)
    return estimate or promised


def request_change(*, order, line, values, by, key, expected_difference):
    """Confirm the new design `values` of `line`, once per `key`.

    Refuses (ChangeRefused, nothing changed) an order that is not paid, whose production started
    (including a start racing this call: the withdrawal's conditional update decides), or a
    design that is the one ordered; raises InvalidConfiguration for a design that breaks a rule,
    PriceChanged when today's difference is not `expected_difference` (what the customer saw).
    The same `key` again (a double click) returns the change it made. Returns the DesignChange:
    applied (a refund of a cheaper design asked for after commit) or awaiting its payment.
    """
    done = DesignChange.objects.filter(key=key).first()
    if done is not None:
        return _same_click(done, order, line)
    early = change_refusal(order)
    if early is not None:
        raise early
    quote = quote_change(order=order, line=line, values=values)
    if quote.unchanged:
        raise ChangeRefused(_("This is the design you ordered: change an option first."))
    if quote.difference != expected_difference:
        raise PriceChanged(quote)
    if quote.difference > 0:
        from . import change_payments

        return change_payments.open_charge(order=order, quote=quote, by=by, key=key)
    return _apply_now(order, quote, by, key)


def _same_click(done, order, line):
    if done.order_id != order.pk or done.line_id != line.pk:  # a key is one form's, for one line
        raise ChangeRefused(_("This form was for another order: open the order and try again."))
    return done


def new_change(*, order, quote, by, key, state):
    return DesignChange(
        order=order,
        line=quote.line,
        key=key,
        refund_token=DesignChange.refund_token_for(key),
        state=state,
        requested_by=by,
        old_configuration=quote.old_text,
        new_configuration=quote.text,
        old_price=quote.old_price,
        new_price=quote.new_price,
        difference=quote.difference,
        currency=quote.currency,
        old_ship_date=quote.old_ship_date,
        new_ship_date=quote.new_ship_date,
    )


def _apply_now(order, quote, by, key):
    """A cheaper (or equal) design: applied in one transaction, the difference refunded after."""
    try:
        with transaction.atomic():
            withdrawn = withdraw_line(order, quote.line, by)
            locked = Order.objects.select_for_update().get(pk=order.pk)
            done = DesignChange.objects.filter(key=key).first()
            if done is not None:  # the same click, a moment earlier, won the lock
                return _same_click(done, order, quote.line)
            late = change_refusal(locked) or changed_meanwhile(locked, quote.line.pk, quote.old_text)
            if late is not None:
                raise late
            withdrawn += withdraw_line(order, quote.line, by)  # released while we waited for the order
            change = new_change(order=locked, quote=quote, by=by, key=key, state=DesignChange.State.APPLIED)
            change.decided_at = timezone.now()
            change.save()
            apply_to_order(change=change, order=locked, quote_values=quote.values, withdrawn=withdrawn)
    except ProductionStarted as started:
        raise ChangeRefused(started_words(started.step), production_started=True) from started
    if change.difference < 0:
        from . import change_payments

        change_payments.refund_difference(change_id=change.pk)
    return change


def changed_meanwhile(order, line_id, old_text):
    """ChangeRefused if the line no longer carries `old_text` (another window changed it first:
    the difference was worked out from a design that is gone); None if it still does."""
    line = order.lines.prefetch_related("attributes__option").get(pk=line_id)
    if line_configuration(line) == old_text:
        return None
    return ChangeRefused(
        _("This design was changed meanwhile, perhaps in another window: open the order and review it again.")
    )


def withdraw_line(order, line, by):
    """The line's work withdrawn (raises ProductionStarted if the order's production began)."""
    why = f"design of order {order.number}, line {line.pk}, changed by the customer"
    return withdraw_order_work(order_id=order.pk, line_id=line.pk, why=why, user=by)


def apply_to_order(*, change, order, quote_values, withdrawn):
    """Write the change into the order; the caller holds the transaction, the order's lock and the
    line's work withdrawn. The line's configuration, prices and the order's totals; the work made
    again for the new design; the promise; a note; after commit the plan, costs, points and mail."""
    line = order.lines.get(pk=change.line_id)
    line.attributes.filter(option__code=CONFIGURATION_OPTION).update(value=change.new_configuration)
    _reprice(order, line, change)
    line = order.lines.prefetch_related("attributes__option").get(pk=change.line_id)
    ship_date = change.new_ship_date
    if ship_date is not None:
        repromise_order(order_id=order.pk, ship_date=ship_date)
    why = f"order {order.number} line {line.pk} changed by the customer"
    reworked = rework_line(line=line, values=quote_values, ship_date=ship_date or timezone.localdate(), why=why)
    words = "; ".join(f"{name}: {old} → {new}" for name, old, new in change.differences)
    money = (
        f"{change.difference} {order.currency} charged"
        if change.difference > 0
        else f"{-change.difference} {order.currency} to refund"
        if change.difference < 0
        else "no difference in price"
    )
    EventHandler().create_note(
        order, f"Design of {line.title} changed by the customer before production ({words}); {money}."
    )
    change_id = change.pk
    transaction.on_commit(lambda: tasks.after_design_change.delay(change_id))
    trigger = f"order {order.number} design changed"
    plants = {work_order.plant_id for work_order in withdrawn} | ({reworked.plant_id} if reworked else set())
    for plant_id in sorted(plants):
        transaction.on_commit(lambda plant_id=plant_id: production_tasks.replan_plant.delay(plant_id, trigger))


def _reprice(order, line, change):
    """The line at its new price (offers already given stay as they were), the order's totals moved
    by the same amount, VAT split by the checkout's strategy."""
    quantity = line.quantity
    info = (
        Selector().strategy(user=order.user).fetch_for_configuration(line.product, change.new_configuration, quantity)
    )
    new_incl = change.new_price
    new_excl = (info.price.excl_tax * quantity).quantize(CENT)
    moved_incl = new_incl - line.line_price_before_discounts_incl_tax
    moved_excl = new_excl - line.line_price_before_discounts_excl_tax
    line.unit_price_incl_tax, line.unit_price_excl_tax = info.price.incl_tax, info.price.excl_tax
    line.line_price_before_discounts_incl_tax, line.line_price_before_discounts_excl_tax = new_incl, new_excl
    line.line_price_incl_tax += moved_incl
    line.line_price_excl_tax += moved_excl
    line.save(
        update_fields=[
            "unit_price_incl_tax",
            "unit_price_excl_tax",
            "line_price_before_discounts_incl_tax",
            "line_price_before_discounts_excl_tax",
            "line_price_incl_tax",
            "line_price_excl_tax",
        ]
    )
    LinePrice.objects.filter(line=line).update(price_incl_tax=info.price.incl_tax, price_excl_tax=info.price.excl_tax)
    order.total_incl_tax += moved_incl
    order.total_excl_tax += moved_excl
    order.save(update_fields=["total_incl_tax", "total_excl_tax"])


def after_applied(*, change_id):
    """What follows an applied change, each part idempotent: the line costed again, the points
    for a paid difference earned, the invoice rendered again, the customer e-mailed."""
    from analytics.services import recost_changed_line
    from loyalty.services.extra_payments import earn_for_extra_payment
    from portal import events

    from . import change_mail

    change = DesignChange.objects.get(pk=change_id)
    if change.state != DesignChange.State.APPLIED:
        return
    recost_changed_line(order_id=change.order_id, line_id=change.line_id)
    if change.difference > 0:
        earn_for_extra_payment(
            order_id=change.order_id,
            line_id=change.line_id,
            amount=change.difference,
            reference=change.payment_reference,
        )
    events.refresh_invoice(change.order_id)
    change_mail.send_change_mail(change_id=change_id)
