"""How Atelier prices and offers products: Oscar's strategy seam.

- Prices are stored as shoppers see them, VAT included (20%); the strategy splits out the tax.
- A configurable product cannot be bought as it is: it is bought as a configuration. Its
  product price is the "from" price; a basket line carrying a configuration is validated
  and priced by the configurator against the family's current version every time the
  basket is loaded, so a changed rule or price reaches baskets at once and a client can
  never set a price.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.partner import availability, prices, strategy

from configurator import selectors, services

VAT_RATE = Decimal("0.20")
PENNY = Decimal("0.01")


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


class ConfigurationUnavailable(availability.Unavailable):
    """A configured line that no longer validates against the current rules."""

    def __init__(self, reason):
        self.message = reason

    def is_purchase_permitted(self, quantity):
        return False, self.message


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
        if stockrecord and selectors.family_for_product(product.pk):
            return ConfigureFirst()
        return super().availability_policy(product, stockrecord)

    def fetch_for_line(self, line, stockrecord=None):
        attribute = next(
            (attr for attr in line.attributes.all() if attr.option.code == selectors.LINE_OPTION_CODE), None
        )
        if attribute is None:
            return super().fetch_for_line(line, stockrecord)
        return self.fetch_for_configuration(line.product, attribute.value, line.quantity, stockrecord)

    def fetch_for_configuration(self, product, attribute_value, quantity=1, stockrecord=None):
        """Price and availability of a configured product, checked against the current version."""
        stockrecord = stockrecord or self.select_stockrecord(product)
        family_slug, version, values = services.parse_line_attribute(attribute_value)
        configuration = services.configure(
            family_slug=family_slug, values=values, quantity=quantity, made_on_version=version
        )
        if not configuration.is_valid:
            reasons = "; ".join(problem.message for problem in configuration.evaluation.errors)
            return strategy.PurchaseInfo(
                price=prices.Unavailable(),
                availability=ConfigurationUnavailable(_("No longer possible as configured: %s") % reasons),
                stockrecord=stockrecord,
            )
        return strategy.PurchaseInfo(
            price=vat_inclusive_price(configuration.quote.unit_price_after_discount, stockrecord.price_currency),
            availability=availability.Available(),
            stockrecord=stockrecord,
        )


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return AtelierStrategy(request)
