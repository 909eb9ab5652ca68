from oscar.apps.basket.abstract_models import AbstractBasket, AbstractLine

from configurator.selectors import LINE_OPTION_CODE
from configurator.services import line_summary


class Basket(AbstractBasket):
    def get_stock_info(self, product, options):
        """Oscar's hook for options that change price: a configuration is priced as configured."""
        for option in options:
            code = option["option"].code if isinstance(option, dict) else option.option.code
            if code == LINE_OPTION_CODE:
                value = option["value"] if isinstance(option, dict) else option.value
                return self.strategy.fetch_for_configuration(product, value)
        return super().get_stock_info(product, options)


class Line(AbstractLine):
    @property
    def description(self):
        """The product and, for a configured line, its choices in words instead of raw data."""
        for attribute in self.attributes.all():
            if attribute.option.code == LINE_OPTION_CODE:
                return f"{self.product} — {line_summary(attribute.value)}"
        return super().description


from oscar.apps.basket.models import *  # noqa: E402, F403
