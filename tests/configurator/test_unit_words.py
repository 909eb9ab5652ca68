"""A number reads with its unit as English says it: "the smallest is 1 shirt", "the largest is
500 shirts". An option's unit has the form for any number but one (`unit`) and, where it
differs, the form for one (`unit_singular`); messages, price lines and summaries pick by the
number."""

import pytest

from configurator import engine, services
from configurator.describe import describe
from configurator.models import Option, ProductFamily
from tests.configurator.engine_examples import fridge

TEE = "printed-tee"


def family_with(**options):
    """The example fridge, with these options' settings changed."""
    schema = fridge()
    for option in schema["options"]:
        option.update(options.get(option["code"], {}))
    return engine.compile_schema(schema)


def message_for(compiled, **values):
    (problem,) = engine.evaluate(compiled, values).errors
    return problem.message


SHIRTS = {"quantity": {"name": "How many", "min": 1, "max": 500, "unit": "shirts", "unit_singular": "shirt"}}


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (0, "How many: the smallest is 1 shirt."),
        (501, "How many: the largest is 500 shirts."),
    ],
)
def test_the_range_message_says_shirt_for_one_and_shirts_for_more(quantity, message):
    assert message_for(family_with(**SHIRTS), quantity=quantity) == message


def test_a_largest_of_one_is_singular_and_a_smallest_of_two_plural():
    one_to_one = family_with(quantity={"min": 1, "max": 1, "unit": "crates", "unit_singular": "crate"})
    from_two = family_with(quantity={"min": 2, "max": 5, "default": 2, "unit": "crates", "unit_singular": "crate"})

    assert message_for(one_to_one, quantity=2) == "Quantity: the largest is 1 crate."
    assert message_for(from_two, quantity=1) == "Quantity: the smallest is 2 crates."


def test_a_unit_without_a_singular_reads_the_same_after_one():
    centimetres = family_with(quantity={"min": 1, "max": 9, "unit": "cm"})

    assert message_for(centimetres, quantity=0) == "Quantity: the smallest is 1 cm."


def test_a_step_reads_by_its_own_number():
    steps = family_with(
        quantity={"min": 2, "max": 20, "step": 2, "default": 2, "unit": "pairs", "unit_singular": "pair"}
    )

    assert message_for(steps, quantity=3) == "Quantity: use steps of 2 pairs from 2 pairs."


@pytest.mark.parametrize(
    ("limits", "text", "message"),
    [
        ({"max_length": 1}, "ab", "Engraving: use at most 1 character."),
        ({"max_length": 2}, "abc", "Engraving: use at most 2 characters."),
        ({"min_length": 2}, "a", "Engraving: use at least 2 characters."),
    ],
)
def test_text_lengths_read_character_for_one_and_characters_for_more(limits, text, message):
    assert message_for(family_with(engraving={**limits, "pattern": None}), engraving=text) == message


@pytest.mark.parametrize(("value", "words"), [(1, "1 seat"), (2, "2 seats"), ("1", "1 seat"), ("1.5", "1.5 seats")])
def test_a_summary_says_seat_for_one_and_seats_for_more(value, words):
    options = [{"code": "seats", "name": "Seats", "kind": "integer", "unit": "seats", "unit_singular": "seat"}]

    assert describe(options, {"seats": value}) == [("Seats", words)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quantity", "message"),
    [("0", "How many: the smallest is 1 shirt."), ("501", "How many: the largest is 500 shirts.")],
)
def test_the_page_and_the_api_say_it_as_the_family_spells_it(client, quantity, message):
    Option.objects.filter(family__slug=TEE, code="quantity").update(unit="shirts", unit_singular="shirt")
    services.publish_version(family=ProductFamily.objects.get(slug=TEE))

    page = client.post(f"/configure/{TEE}/", {"action": "update", "quantity": quantity})
    api = client.post(
        f"/api/configurator/families/{TEE}/quote/",
        {"values": {"quantity": int(quantity)}},
        content_type="application/json",
    )

    assert page.status_code == 200
    assert next(option for option in page.context["panel"].options if option.code == "quantity").errors == [message]
    assert api.status_code == 422
    assert [error["message"] for error in api.json()["errors"]] == [message]


@pytest.mark.django_db
def test_the_published_schema_carries_both_forms():
    Option.objects.filter(family__slug=TEE, code="quantity").update(unit="shirts", unit_singular="shirt")

    version = services.publish_version(family=ProductFamily.objects.get(slug=TEE))

    quantity = next(option for option in version.schema["options"] if option["code"] == "quantity")
    assert (quantity["unit"], quantity["unit_singular"]) == ("shirts", "shirt")
