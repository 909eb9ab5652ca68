"""Shipping methods come from the database, where staff edit them in Oscar's dashboard.

Oscar's own repository offers only free shipping. Ours offers every charge-based and
weight-based method that serves the destination country, cheapest first, with charges
read as VAT-inclusive (20%, like every price in the shop) so invoices show the VAT.
"""

from decimal import ROUND_HALF_UP, Decimal

from oscar.apps.shipping import repository
from oscar.core import prices
from oscar.core.loading import get_model

from loyalty.selectors.accounts import has_free_shipping

OrderAndItemCharges = get_model("shipping", "OrderAndItemCharges")
WeightBased = get_model("shipping", "WeightBased")


VAT_RATE = Decimal("0.20")


class VatInclusiveCharge:
    """A shipping method whose charge, entered VAT-inclusive, is split into net and VAT."""

    def __init__(self, method):
        self.method = method

    def __getattr__(self, name):
        return getattr(self.method, name)

    def calculate(self, basket):
        gross = self.method.calculate(basket).incl_tax
        net = (gross / (1 + VAT_RATE)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return prices.Price(currency=basket.currency, excl_tax=net, tax=gross - net)


def _serves(method, country_code):
    countries = {country.code for country in method.countries.all()}
    return not countries or country_code is None or country_code in countries


class TierFreeShipping(VatInclusiveCharge):
    """The cheapest method, free for customers whose loyalty tier includes free shipping."""

    @property
    def name(self):
        return f"{self.method.name} (free for your tier)"

    def calculate(self, basket):
        return prices.Price(currency=basket.currency, excl_tax=Decimal("0.00"), tax=Decimal("0.00"))


class Repository(repository.Repository):
    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        country_code = getattr(getattr(shipping_addr, "country", None), "code", None)
        methods = [
            *OrderAndItemCharges.objects.prefetch_related("countries"),
            *WeightBased.objects.prefetch_related("countries", "bands"),
        ]
        methods = [method for method in methods if _serves(method, country_code)]
        if not methods:
            return list(self.methods)
        methods = sorted(
            (VatInclusiveCharge(method) for method in methods), key=lambda method: method.calculate(basket).incl_tax
        )
        if has_free_shipping(user=basket.owner):
            methods[0] = TierFreeShipping(methods[0].method)
        return methods
