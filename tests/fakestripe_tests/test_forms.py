"""Stripe's form encoding, parsed and checked without a server."""

import pytest

from tests.fakestripe.errors import StripeError
from tests.fakestripe.forms import Bool, Int, ListOf, Metadata, Obj, Schema, Str, parse_form, validate
from tests.fakestripe.payment_methods import CARD_NUMBERS, luhn_valid


def test_nested_keys_and_both_list_styles_are_parsed():
    tree = parse_form(
        "amount=1000&metadata[order_number]=100001&metadata[basket_id]=7"
        "&payment_method_types[0]=card&payment_method_types[1]=link"
        "&expand[]=latest_charge&expand[]=payment_method&a[b][c]=deep"
    )

    assert tree == {
        "amount": "1000",
        "metadata": {"order_number": "100001", "basket_id": "7"},
        "payment_method_types": {"0": "card", "1": "link"},
        "expand": ["latest_charge", "payment_method"],
        "a": {"b": {"c": "deep"}},
    }


def test_schema_types_values_and_turns_indexed_keys_into_lists():
    schema = Schema(
        {
            "amount": Int(),
            "confirm": Bool(),
            "metadata": Metadata(),
            "payment_method_types": ListOf(Str()),
            "automatic_payment_methods": Obj({"enabled": Bool()}),
        }
    )
    tree = parse_form(
        "amount=1000&confirm=true&metadata[0]=zero&payment_method_types[1]=b&payment_method_types[0]=a"
        "&automatic_payment_methods[enabled]=false"
    )

    assert validate(schema, tree) == {
        "amount": 1000,
        "confirm": True,
        "metadata": {"0": "zero"},  # a metadata key that looks like an index stays a key
        "payment_method_types": ["a", "b"],
        "automatic_payment_methods": {"enabled": False},
    }


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        ("amount=1000&currncy=eur", "currncy", "parameter_unknown"),
        ("automatic_payment_methods[enabeld]=true", "automatic_payment_methods[enabeld]", "parameter_unknown"),
        ("amount=ten", "amount", "parameter_invalid_integer"),
        ("confirm=yes", "confirm", "parameter_invalid_boolean"),
        ("currency=eur", "amount", "parameter_missing"),
    ],
)
def test_schema_refuses_what_stripe_refuses(body, param, code):
    schema = Schema(
        {"amount": Int(), "currency": Str(), "confirm": Bool(), "automatic_payment_methods": Obj({"enabled": Bool()})},
        required=("amount",),
    )

    with pytest.raises(StripeError) as refused:
        validate(schema, parse_form(body))

    assert (refused.value.status, refused.value.param, refused.value.code) == (400, param, code)
    assert refused.value.saved is False  # a validation failure is never saved under an idempotency key


def test_conflicting_keys_are_refused():
    with pytest.raises(StripeError):
        parse_form("metadata=x&metadata[a]=b")
    with pytest.raises(StripeError):
        parse_form("amount=1&amount=2")


def test_every_test_card_number_passes_luhn():
    assert all(luhn_valid(number) for number in CARD_NUMBERS)
    assert not luhn_valid("4242424242424241")
