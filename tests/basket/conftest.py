"""Baskets holding a line that breaks a rule, made the ways such a line really arrives.

Each kind of bad line starts as a good T-shirt line added through the configurator's page and
is then broken as it would be in life: staff withdraw the product or the family, publish a
version that no longer accepts it, the stored row is edited by hand or tampered with, or the
price cannot be computed.
"""

import json

import pytest
from oscar.core.loading import get_model

from atelier.orders import CONFIGURATION_OPTION
from configurator import services
from configurator.models import ProductFamily, Rule
from configurator.selectors import forget_families_by_product, forget_published_family

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
LineAttribute = get_model("basket", "LineAttribute")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

TEE = "printed-tee"


def add_tee(client, **values):
    response = client.post(f"/configure/{TEE}/", {"action": "basket", **values})
    assert response.status_code == 302, response.content.decode()[:400]
    return Line.objects.filter(product__upc="ATL-TEE", basket__status=Basket.OPEN).latest("pk")


def add_filter(client, quantity=1):
    product = Product.objects.get(upc="ATL-FILTER")
    response = client.post(f"/basket/add/{product.pk}/", {"quantity": quantity})
    assert response.status_code == 302
    return Line.objects.filter(product=product, basket__status=Basket.OPEN).latest("pk")


def _forget_caches():
    forget_published_family(TEE)
    forget_families_by_product()


def _store_configuration(line, value):
    LineAttribute.objects.filter(line=line, option__code=CONFIGURATION_OPTION).update(value=value)


def _configuration(line):
    return json.loads(LineAttribute.objects.get(line=line, option__code=CONFIGURATION_OPTION).value)


def over_the_limit(line):
    Line.objects.filter(pk=line.pk).update(quantity=501)


def product_withdrawn(line):
    Product.objects.filter(pk=line.product_id).update(is_public=False)


def family_withdrawn(line):
    ProductFamily.objects.filter(slug=TEE).update(current_version=None)
    _forget_caches()


def version_no_longer_accepts_it(line):
    """Staff publish a rule that the stored design (sage shirt, printed on the back) now breaks."""
    family = ProductFamily.objects.get(slug=TEE)
    Rule.objects.create(
        family=family,
        kind="excludes",
        message="Sage shirts are printed on the front only.",
        definition={
            "when": [{"option": "colour", "op": "is", "value": "sage"}],
            "then": [{"option": "position", "op": "is", "value": "back"}],
        },
    )
    services.publish_version(family=family)
    _forget_caches()


def malformed(line):
    _store_configuration(line, '{"family": "printed-tee", "version": 1, "values": {')


def tampered_values(line):
    _store_configuration(line, json.dumps({**_configuration(line), "values": ["colour", "sage"]}))


def tampered_family(line):
    """The line says it is a fridge; the product is still the T-shirt."""
    _store_configuration(line, json.dumps({**_configuration(line), "family": "atelier-fridge", "values": {}}))


def unknown_family(line):
    _store_configuration(line, json.dumps({**_configuration(line), "family": "no-such-family"}))


def unpriceable(line, monkeypatch):
    """The engine fails while pricing (a bug, a schema it cannot read): the price cannot be computed."""

    def fails(*args, **kwargs):
        raise ArithmeticError("cannot price")

    monkeypatch.setattr("configurator.engine.quote", fails)


BAD_TEE_LINES = {
    "over_the_limit": over_the_limit,
    "product_withdrawn": product_withdrawn,
    "family_withdrawn": family_withdrawn,
    "version_no_longer_accepts_it": version_no_longer_accepts_it,
    "malformed": malformed,
    "tampered_values": tampered_values,
    "tampered_family": tampered_family,
    "unknown_family": unknown_family,
    "unpriceable": unpriceable,
}

# What the basket says about each, next to the line.
PROBLEMS = {
    "over_the_limit": "How many: the largest is 500 shirts.",
    "product_withdrawn": "No longer sold. Please remove it.",
    "family_withdrawn": "No longer sold. Please remove it.",
    "version_no_longer_accepts_it": "No longer possible as configured: Sage shirts are printed on the front only.",
    "malformed": "This design can no longer be read.",
    "tampered_values": "This design can no longer be read.",
    "tampered_family": "This design can no longer be read.",
    "unknown_family": "No longer sold. Please remove it.",
    "unpriceable": "Its price cannot be worked out at the moment.",
}


@pytest.fixture(params=sorted(BAD_TEE_LINES))
def bad_kind(request):
    return request.param


def break_line(kind, line, monkeypatch):
    breaker = BAD_TEE_LINES[kind]
    if kind == "unpriceable":
        breaker(line, monkeypatch)
    else:
        breaker(line)
