"""Staff edit a draft; rules are checked when saved; publishing makes a new version shoppers see."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from oscar.core.loading import get_class, get_model

from configurator import services
from configurator.models import Choice, ProductFamily, Rule

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")


def fridge():
    return ProductFamily.objects.get(slug="atelier-fridge")


def test_a_rule_naming_an_unknown_option_is_refused_when_saved():
    rule = Rule(
        family=fridge(),
        kind="requires",
        message="Needs a turbo",
        definition={"when": [{"option": "turbo", "op": "is", "value": True}], "then": []},
    )

    with pytest.raises(ValidationError, match="turbo"):
        rule.full_clean()


def test_a_contradictory_rule_is_refused_when_saved():
    rule = Rule(
        family=fridge(),
        kind="requires",
        message="Ice makers need no water kit",
        definition={
            "when": [{"option": "ice_maker", "op": "is", "value": True}],
            "then": [{"option": "water_kit", "op": "is", "value": False}],
        },
    )

    with pytest.raises(ValidationError):
        rule.full_clean()


def test_circular_derived_values_are_refused():
    family = fridge()
    rule = Rule(
        family=family,
        kind="derive",
        message="Country follows the plug",
        definition={"option": "country", "value": "us", "when": [{"option": "plug", "op": "is", "value": "type_b"}]},
    )

    with pytest.raises(ValidationError):
        rule.full_clean()


def test_publishing_a_price_change_reprices_baskets_at_once(client):
    client.post("/configure/atelier-fridge/", {"action": "basket", "finish": "steel"})
    Choice.objects.filter(option__family=fridge(), option__code="finish", code="steel").update(price=Decimal("200"))

    version = services.publish_version(family=fridge())

    assert version.number == 2
    basket = Basket.objects.filter(status=Basket.OPEN, lines__isnull=False).distinct().get()
    basket.strategy = get_class("partner.strategy", "Selector")().strategy()
    line = basket.all_lines()[0]
    assert line.unit_price_incl_tax == Decimal("1649.00")  # 1,299 + 150 + 200
    assert "increased" in client.get("/basket/").content.decode()


def test_a_basket_line_that_no_longer_validates_cannot_be_checked_out(client):
    client.post("/configure/atelier-fridge/", {"action": "basket", "handle": "strap", "finish": "clay"})
    Rule.objects.create(
        family=fridge(),
        kind="excludes",
        message="No straps on clay doors.",
        definition={
            "when": [{"option": "finish", "op": "is", "value": "clay"}],
            "then": [{"option": "handle", "op": "is", "value": "strap"}],
        },
    )
    services.publish_version(family=fridge())

    html = client.get("/basket/").content.decode()
    assert "No longer possible as configured: No straps on clay doors." in html
    response = client.get("/checkout/")
    assert response.status_code == 302
    assert response["Location"].startswith("/basket/")


def test_publish_refuses_a_broken_draft_and_keeps_the_current_version():
    family = fridge()
    family.options.filter(code="hinge").update(default="middle")

    with pytest.raises(services.SchemaProblems):
        services.publish_version(family=family)

    family.refresh_from_db()
    assert family.current_version.number == 1
