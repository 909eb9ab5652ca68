"""Shipping methods come from the database, where staff edit them in Oscar's dashboard.

Oscar's own repository offers only free shipping. Ours offers every charge-based and
weight-based method that serves the destination country, cheapest first.
"""

from oscar.apps.shipping import repository
from oscar.core.loading import get_model

OrderAndItemCharges = get_model("shipping", "OrderAndItemCharges")
WeightBased = get_model("shipping", "WeightBased")


def _serves(method, country_code):
    countries = {country.code for country in method.countries.all()}
    return not countries or country_code is None or country_code in countries


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
        return sorted(methods, key=lambda method: method.calculate(basket).excl_tax)
