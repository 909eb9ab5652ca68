"""How Atelier prices and offers products: Oscar's strategy seam.

- Prices are stored as shoppers see them, VAT included (20%); the strategy splits out the tax.
- A configurable product cannot be bought as it is: it is bought as a configuration. Its
  product price is the "from" price; a basket line carrying a configuration is validated
  and priced by the configurator against the family's current version every time the
  basket is loaded, so a changed rule or price reaches baskets at once and a client can
  never set a price.
- A line that cannot be bought as it is stored (the product or its family withdrawn, a design
  the current version refuses, a quantity outside the family's range, configuration text that
  cannot be read, a price that cannot be computed) is never an error: its availability
  refuses the purchase with the reason in words and its price is unavailable, so the basket
  shows the line flagged, its totals leave it out, and checkout stops until it is mended or
  removed (Oscar's `is_purchase_permitted` seam, which the basket form and checkout ask).
"""

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner import availability, prices, strategy

from atelier.orders import UnreadableConfiguration, line_configuration, read_configuration
from configurator import quoting, selectors
from loyalty.wallet.purchase import GIFT_CARD_UPC, UnreadableGiftCard, line_gift_card_text, read_choice

logger = logging.getLogger(__name__)

VAT_RATE = Decimal("0.20")
PENNY = Decimal("0.01")

NO_LONGER_SOLD = _("No longer sold. Please remove it.")
UNREADABLE = _("This design can no longer be read. Please remove it and design it again.")
PRICE_UNKNOWN = _("Its price cannot be worked out at the moment. Please remove it, or try again later.")


def vat_inclusive_price(gross, currency):
    gross = Decimal(gross).quantize(PENNY, rounding=ROUND_HALF_UP)
    excl_tax = (gross / (1 + VAT_RATE)).quantize(PENNY, rounding=ROUND_HALF_UP)
    return prices.TaxInclusiveFixedPrice(currency=currency, excl_tax=excl_tax, tax=gross - excl_tax)


class ConfigureFirst(availability.Base):
    """A configurable product: shown with its "from" price, bought only through the configurator."""

    code = "configure"
    message = _("Choose your options to see your price")

    def is_purchase_permitted(self, quantity):
        return False, _("Choose your options on the product page first.")

    @property
    def is_available_to_buy(self):
        return True


class Refused(availability.Unavailable):
    """Cannot be bought in any quantity as it stands; `message` says why and what to do."""

    def __init__(self, reason):
        self.message = reason

    def is_purchase_permitted(self, quantity):
        return False, self.message


class Configured(availability.Base):
    """A configured line: it may be bought in a quantity for which its configuration is valid.

    Asking about another quantity runs the configurator again, so the basket's quantity box
    is checked against the family's range and any rule on the quantity, and a line stored
    above the limit is mended by lowering its quantity. `configuration` is the check at the
    line's own quantity (None when it could not be made).
    """

    code = "available"
    message = _("Made to order")

    def __init__(self, attempt, quantity):
        self._attempt = attempt
        self.configuration, problem = attempt(quantity)
        self._problems = {quantity: problem}
        if problem:
            self.code = "unavailable"
            self.message = problem

    def is_purchase_permitted(self, quantity):
        if quantity not in self._problems:
            self._problems[quantity] = self._attempt(quantity)[1]
        problem = self._problems[quantity]
        return not problem, problem or ""


class ChooseGiftCardFirst(availability.Base):
    """The gift card product: bought from the gift card page, with an amount and a recipient."""

    code = "gift-card"
    message = _("Choose the amount and who it is for on the gift card page")

    def is_purchase_permitted(self, quantity):
        return False, _("Choose the amount and who it is for on the gift card page.")

    @property
    def is_available_to_buy(self):
        return True


class GiftCardLine(availability.Available):
    """A gift card line: one card per line (a second card, for whomever, is a line of its own)."""

    message = _("Sent by e-mail on the day you choose")

    def is_purchase_permitted(self, quantity):
        if quantity != 1:
            return False, _("One gift card per line: add another from the gift card page for a second one.")
        return True, ""


class AtelierStrategy(strategy.UseFirstStockRecord, strategy.StockRequired, strategy.Structured):
    def pricing_policy(self, product, stockrecord):
        if not stockrecord or stockrecord.price is None:
            return prices.Unavailable()
        return vat_inclusive_price(stockrecord.price, stockrecord.price_currency)

    def parent_pricing_policy(self, product, children_stock):
        records = [record for _, record in children_stock if record is not None and record.price is not None]
        if not records:
            return prices.Unavailable()
        cheapest = min(records, key=lambda record: record.price)
        return vat_inclusive_price(cheapest.price, cheapest.price_currency)

    def availability_policy(self, product, stockrecord):
        refused = self._refusal(product, stockrecord)
        if refused:
            return refused
        if stockrecord and selectors.family_for_product(product.pk):
            return ConfigureFirst()
        if product.upc == GIFT_CARD_UPC:
            return ChooseGiftCardFirst()
        return super().availability_policy(product, stockrecord)

    def _refusal(self, product, stockrecord):
        """Why nothing of this product can be bought whatever its options, or None."""
        if not product.is_public:
            return Refused(NO_LONGER_SOLD)
        if stockrecord is not None and stockrecord.price is None:
            return Refused(PRICE_UNKNOWN)
        return None

    def fetch_for_line(self, line, stockrecord=None):
        text = line_configuration(line)
        if text is not None:
            return self.fetch_for_configuration(line.product, text, line.quantity, stockrecord)
        gift_card = line_gift_card_text(line)
        if gift_card is not None:
            return self.fetch_for_gift_card(line.product, gift_card, stockrecord)
        return super().fetch_for_line(line, stockrecord)

    def fetch_for_gift_card(self, product, text, stockrecord=None):
        """A gift card line, priced at its amount read from the line (never a client's price) when
        that is within the limits; no VAT (a voucher is taxed when it is spent). Else refused."""
        stockrecord = stockrecord or self.select_stockrecord(product)
        refused = self._refusal(product, stockrecord) if stockrecord else Refused(NO_LONGER_SOLD)
        if product.upc != GIFT_CARD_UPC:
            refused = Refused(UNREADABLE)
        if not refused:
            try:
                choice = read_choice(text)
            except UnreadableGiftCard as error:
                refused = Refused(str(error))
        if refused:
            return strategy.PurchaseInfo(price=prices.Unavailable(), availability=refused, stockrecord=stockrecord)
        price = prices.TaxInclusiveFixedPrice(
            currency=stockrecord.price_currency, excl_tax=choice.amount, tax=Decimal("0.00")
        )
        return strategy.PurchaseInfo(price=price, availability=GiftCardLine(), stockrecord=stockrecord)

    def fetch_for_configuration(self, product, attribute_value, quantity=1, stockrecord=None):
        """Price and availability of a configured product, checked against the current version.

        Never raises for what a stored line holds: anything that stops the line being bought
        comes back as a refusing availability with the reason, and an unavailable price.
        """
        stockrecord = stockrecord or self.select_stockrecord(product)
        refused = self._refusal(product, stockrecord) if stockrecord else Refused(NO_LONGER_SOLD)
        if refused:
            return strategy.PurchaseInfo(price=prices.Unavailable(), availability=refused, stockrecord=stockrecord)
        try:
            family_slug, version, values = read_configuration(attribute_value)
        except UnreadableConfiguration:
            return strategy.PurchaseInfo(
                price=prices.Unavailable(), availability=Refused(UNREADABLE), stockrecord=stockrecord
            )

        def attempt(quantity):
            return _check_configuration(product, family_slug, version, values, quantity)

        policy = Configured(attempt, quantity)
        configuration = policy.configuration
        if configuration is None or not configuration.is_valid:
            price = prices.Unavailable()
        else:
            price = vat_inclusive_price(configuration.quote.unit_price_after_discount, stockrecord.price_currency)
        return strategy.PurchaseInfo(price=price, availability=policy, stockrecord=stockrecord)


def _check_configuration(product, family_slug, version, values, quantity):
    """(configuration or None, what stops it being bought in `quantity` or None)."""
    try:
        configuration = quoting.configure(
            family_slug=family_slug, values=values, quantity=quantity, made_on_version=version
        )
    except Http404:
        return None, NO_LONGER_SOLD
    except Exception:  # a stored line must never take the basket down; the log keeps the cause
        logger.exception("Could not price a configured line of %s (%s)", product.pk, family_slug)
        return None, PRICE_UNKNOWN
    if configuration.family.product_id != product.pk:
        return None, UNREADABLE  # a design of another family on this product: edited by hand
    if configuration.is_valid:
        return configuration, None
    reasons = "; ".join(problem.message.rstrip(". ") for problem in configuration.evaluation.errors) + "."
    if configuration.only_quantity_is_wrong:
        return configuration, reasons
    return configuration, _("No longer possible as configured: %s") % reasons


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return AtelierStrategy(request)
