"""The live quote's amounts go through configurator_tags' `currency`: Oscar's filter, remembered per
value, currency and language. The same text as Oscar's for every value, however often asked."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import translation
from oscar.templatetags.currency_filters import currency as oscar_currency

from configurator.templatetags.configurator_tags import currency

VALUES = [
    Decimal("0"), Decimal("12.5"), Decimal("12.50"), Decimal("1234.567"), Decimal("-3.20"), 10, 10.0, "10",
    "not a number", None, "",
]  # fmt: skip


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("code", [None, "GBP", "EUR", "USD"])
def test_the_same_text_as_oscars_filter_twice(value, code):
    assert currency(value, code) == oscar_currency(value, code)
    assert currency(value, code) == oscar_currency(value, code)


def test_the_language_is_part_of_the_key():
    with translation.override("en-gb"):
        british = currency(Decimal("1234.50"), "EUR")
    with translation.override("de"):
        assert currency(Decimal("1234.50"), "EUR") == oscar_currency(Decimal("1234.50"), "EUR") != british


def test_a_changed_currency_format_is_not_served_from_memory():
    before = currency(Decimal("5"), "GBP")
    with override_settings(OSCAR_CURRENCY_FORMAT={"GBP": {"format": "#,##0.00 ¤"}}):
        after = currency(Decimal("5"), "GBP")
        assert after == oscar_currency(Decimal("5"), "GBP") != before
    assert currency(Decimal("5"), "GBP") == before


def test_an_unhashable_value_is_formatted_afresh():
    assert currency({}, "GBP") == oscar_currency({}, "GBP") == ""
