"""Oscar's basket, forked so configured lines price, check and describe themselves as configured.

A line that cannot be bought as it stands (portal/partner/strategy.py says why) stays in the
basket and renders: `Line.problem` is the reason shown next to it, `Line.fix_url` opens a
design the configurator can mend, and the basket's totals count only the lines that have a
price (Oscar re-priced an unpriced line as one item and raised when that one was fine).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from oscar.apps.basket.abstract_models import AbstractBasket, AbstractLine
from oscar.core.utils import round_half_up_two_dec
from oscar.templatetags.currency_filters import currency

from atelier.orders import configuration_in, line_configuration, read_configuration
from configurator.describe import line_summary
from configurator.panel import configure_url
from loyalty.wallet.purchase import gift_card_text, line_gift_card_text, read_choice
from portal.partner.strategy import PRICE_UNKNOWN

HUNDRED = Decimal(100)
PENNY = Decimal("0.01")


class Basket(AbstractBasket):
    def get_stock_info(self, product, options):
        """Oscar's hook for options that change price: a configuration is priced as configured."""
        text = configuration_in(options)
        if text is not None:
            return self.strategy.fetch_for_configuration(product, text)
        gift_card = gift_card_text(options)
        if gift_card is not None:
            return self.strategy.fetch_for_gift_card(product, gift_card)
        return super().get_stock_info(product, options)

    def is_quantity_allowed(self, qty, line=None):
        """Oscar's check, except that a configured line's range applies to that line alone.

        Oscar adds up every line of one stock record, so two designs of 300 shirts each would
        break a 500 limit that is meant per design; and it asks the line's policy about the
        change (`qty`), not about the quantity the line would have.
        """
        if line is not None and line.configuration_text is not None:
            permitted, reason = line.purchase_info.availability.is_purchase_permitted(line.quantity + qty)
            if not permitted:
                return False, reason
            return super().is_quantity_allowed(qty)
        return super().is_quantity_allowed(qty, line)

    def _get_total(self, model_property):
        """The sum over the lines that have a price; a flagged line without one counts nothing."""
        total = Decimal("0.00")
        for line in self.all_lines():
            if not line.purchase_info.price.exists:
                continue
            value = getattr(line, model_property)
            if value is not None:
                total += value
        return round_half_up_two_dec(total)

    @property
    def is_tax_known(self):
        return (not self.is_empty) and all(
            line.is_tax_known for line in self.all_lines() if line.purchase_info.price.exists
        )

    @property
    def problem_lines(self):
        """The lines that cannot be ordered as they stand; checkout waits until there are none."""
        return [line for line in self.all_lines() if line.problem]


class Line(AbstractLine):
    @property
    def configuration_text(self):
        """The stored configuration of a configured line, as the line carries it; None otherwise."""
        return line_configuration(self)

    @property
    def description(self):
        """The product and, for a configured line, its choices in words instead of raw data."""
        text = self.configuration_text
        if text is not None:
            summary = line_summary(text)
            return f"{self.product} — {summary}" if summary else str(self.product)
        gift_card = line_gift_card_text(self)
        if gift_card is not None and self.purchase_info.price.exists:
            choice = read_choice(gift_card)
            return _("%(product)s of £%(amount)s for %(name)s, sent %(date)s") % {
                "product": self.product,
                "amount": f"{choice.amount:.0f}",
                "name": choice.recipient_name,
                "date": choice.deliver_on.strftime("%-d %B %Y"),
            }
        return super().description

    @property
    def problem(self):
        """Why this line cannot be ordered as it stands, in words; None when it can."""
        info = self.purchase_info
        permitted, reason = info.availability.is_purchase_permitted(self.quantity)
        if not permitted:
            return str(reason) or _("It cannot be ordered at the moment.")
        if not info.price.exists:
            return str(PRICE_UNKNOWN)
        return None

    @property
    def fix_url(self):
        """The configurator opened on this line's design, for a design the current rules refuse."""
        configuration = getattr(self.purchase_info.availability, "configuration", None)
        if configuration is None or configuration.is_valid or configuration.only_quantity_is_wrong:
            return None
        family_slug, _version, values = read_configuration(self.configuration_text)
        return configure_url(family_slug=family_slug, values=values)

    @property
    def quantity_range(self):
        """(smallest, largest) quantity this design may be bought in, given its other choices; None if unknown."""
        configuration = getattr(self.purchase_info.availability, "configuration", None)
        if configuration is None:
            return None
        code = next((option["code"] for option in configuration.family.options if option["kind"] == "quantity"), None)
        allowed = configuration.evaluation.availability.get(code) if code else None
        if allowed is None or allowed.min is None or allowed.max is None:
            return None
        return allowed.min, allowed.max

    def get_warning(self):
        """Oscar's price-change warning, except that a quantity break is named as the bulk price."""
        if self.problem:
            return _("%(product)s: %(problem)s") % {"product": self.product.get_title(), "problem": self.problem}
        return self._bulk_price_warning() or super().get_warning()

    def _bulk_price_warning(self):
        configuration = getattr(self.purchase_info.availability, "configuration", None)
        if configuration is None or configuration.quote is None or self.price_incl_tax is None:
            return None
        quote = configuration.quote
        now = self.purchase_info.price.incl_tax
        if now == self.price_incl_tax:
            return None
        breaks = configuration.family.compiled.quantity_breaks
        if not breaks:
            return None
        levels = {Decimal(0), *(brk.discount_percent for brk in breaks)}
        at_each_level = {(quote.unit_price * (1 - level / HUNDRED)).quantize(PENNY, ROUND_HALF_UP) for level in levels}
        if self.price_incl_tax not in at_each_level:
            return None  # the price itself changed, not only the quantity: Oscar's warning says so
        values = {"product": self.product.get_title(), "price": currency(now, self.price_currency)}
        applying = [brk for brk in breaks if quote.quantity >= brk.min_quantity]
        if applying:
            values["from"] = applying[-1].min_quantity
            return _("%(product)s is %(price)s each: the bulk price for %(from)s or more.") % values
        values["from"] = breaks[0].min_quantity
        return _("%(product)s is %(price)s each: bulk prices start at %(from)s.") % values


from oscar.apps.basket.models import *  # noqa: E402, F403
