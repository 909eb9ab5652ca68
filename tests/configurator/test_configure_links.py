"""A link that opens the configurator on a stored design (the basket's "Change it in the
designer", the order page's "Adjust it in the configurator") opens it on exactly that design:
one function writes both, as the plain form would send it. A multiple choice with nothing
ticked stays unticked (it was left out of the link, so its default came back) and an option
not chosen stays not chosen (it was written "None", an error on the page)."""

import json
import re
from html import unescape

import pytest
from oscar.core.loading import get_model

from configurator import services
from configurator.models import Choice, Option, ProductFamily, Rule
from configurator.panel import configure_url
from configurator.selectors import forget_published_family
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
TEE = "printed-tee"


def add_optional_options(slug):
    """A multiple choice ticked by default (a gift box) and a choice with no default (a sleeve)."""
    family = ProductFamily.objects.get(slug=slug)
    extras = Option.objects.create(
        family=family, code="extras", name="Extras", kind="multi", required=False, default="gift_box", position=90
    )
    Choice.objects.create(option=extras, code="gift_box", name="Gift box", position=0)
    Choice.objects.create(option=extras, code="card", name="Card", position=1)
    sleeve = Option.objects.create(
        family=family, code="sleeve", name="Sleeve", kind="choice", required=False, position=91
    )
    Choice.objects.create(option=sleeve, code="short", name="Short", position=0)
    Choice.objects.create(option=sleeve, code="long", name="Long", position=1)
    services.publish_version(family=family)
    forget_published_family(slug)


def opened(client, url):
    """What the configurator's page shows for each option, opened on `url`."""
    response = client.get(url)
    assert response.status_code == 200
    return {option.code: (option.value, option.errors) for option in response.context["panel"].options}


def test_the_link_writes_each_kind_as_the_form_sends_it():
    url = configure_url(family_slug=TEE, values={"extras": [], "sleeve": None, "gift": True, "size": "m", "n": 3})

    assert url == "/configure/printed-tee/?extras=&sleeve=&gift=true&size=m&n=3"
    assert configure_url(family_slug=TEE, values={"extras": ["card", "gift_box"]}) == (
        "/configure/printed-tee/?extras=&extras=card&extras=gift_box"
    )


def test_the_baskets_link_opens_the_design_as_it_is_in_the_basket(client):
    add_optional_options(TEE)
    response = client.post(
        f"/configure/{TEE}/", {"action": "basket", "colour": "sage", "position": "back", "extras": ""}
    )
    assert response.status_code == 302, response.content.decode()[:300]
    line = Line.objects.filter(product__upc="ATL-TEE", basket__status=Basket.OPEN).latest("pk")
    stored = json.loads(line.attributes.get().value)["values"]
    assert (stored["extras"], stored["sleeve"]) == ([], None)
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
    forget_published_family(TEE)

    html = client.get("/basket/").content.decode()
    link = unescape(re.search(r'<a href="([^"]+)">Change it in the designer</a>', html).group(1))
    shown = opened(client, link)

    assert shown["extras"] == ([], [])
    assert shown["sleeve"] == (None, [])
    assert shown["colour"][0] == "sage" and shown["position"][0] == "back"


def test_the_orders_link_opens_the_past_design_as_it_was_ordered(client):
    fridge = {"hinge": "left", "finish": "sage", "ice_maker": True, "water_kit": True}
    order = OrderFactory(status="Delivered", configured=[("atelier-fridge", fridge, 1)])
    client.force_login(order.user)
    line = order.lines.get()
    attribute = line.attributes.get()
    data = json.loads(attribute.value)
    add_optional_options(data["family"])
    changed = Option.objects.filter(family__slug=data["family"], kind="choice").exclude(code="sleeve").first()
    data["values"].update({"extras": [], "sleeve": None, changed.code: "discontinued-choice"})
    attribute.value = json.dumps(data)
    attribute.save()

    response = client.post(f"/accounts/orders/{order.number}/{line.pk}/", {"action": "reorder"}, follow=True)
    html = response.content.decode()
    link = unescape(re.search(r'<a href="([^"]+)">Adjust it in the configurator</a>', html).group(1))
    shown = opened(client, link)

    assert shown["extras"] == ([], [])
    assert shown["sleeve"] == (None, [])
    assert shown[changed.code][1] == [f"{changed.name}: “discontinued-choice” is not one of the choices."]
