"""quote(): price, cost, lead time and quantity discounts of valid configurations."""

from decimal import Decimal

import pytest

from configurator.engine import QuoteLine, compile_schema, evaluate, quote
from tests.configurator.engine_examples import fridge


def test_the_default_fridge(fridge_family):
    result = quote(fridge_family, evaluate(fridge_family, {}))
    assert result.currency == "GBP"
    assert result.unit_price == Decimal("1379.00")
    assert result.lines == [
        QuoteLine("Base price", Decimal("1299.00")),
        QuoteLine("Capacity: 340 L", Decimal("80.00"), "capacity"),
    ]
    assert (result.quantity, result.discount_percent) == (1, Decimal(0))
    assert result.unit_price_after_discount == result.total == Decimal("1379.00")
    assert result.unit_cost == Decimal("642.00")
    assert result.lead_days == 5


def test_every_priced_choice_adds_its_line_cost_and_lead_time(fridge_family):
    raw = {
        "finish": "steel",
        "capacity": 400,
        "layout": "wine",
        "ice_maker": True,
        "extras": ["water_kit", "led"],
        "engraving": "For Ada",
        "quantity": 12,
    }
    result = quote(fridge_family, evaluate(fridge_family, raw))
    assert result.lines == [
        QuoteLine("Base price", Decimal("1299.00")),
        QuoteLine("Finish: Brushed steel", Decimal("120.00"), "finish"),
        QuoteLine("Capacity: 400 L", Decimal("200.00"), "capacity"),
        QuoteLine("Layout: Wine rack", Decimal("250.00"), "layout"),
        QuoteLine("Ice maker", Decimal("149.00"), "ice_maker"),
        QuoteLine("Extras: Water connection kit", Decimal("39.00"), "extras"),
        QuoteLine("Extras: LED strip", Decimal("15.00"), "extras"),
        QuoteLine("Engraving", Decimal("20.00"), "engraving"),
        QuoteLine("Quantity discount (10%)", Decimal("-209.20")),
    ]
    assert result.unit_price == Decimal("2092.00")
    assert result.discount_percent == Decimal("10")
    assert result.unit_price_after_discount == Decimal("1882.80")
    assert result.total == Decimal("22593.60")
    assert result.unit_cost == Decimal("905.00")
    assert result.lead_days == 5 + 2 + 3 + 1 + 1
    assert sum(line.amount for line in result.lines) == result.unit_price_after_discount


@pytest.mark.parametrize(("quantity", "percent"), [(1, "0"), (9, "0"), (10, "10"), (24, "10"), (25, "20"), (50, "20")])
def test_the_largest_quantity_break_reached_applies(fridge_family, quantity, percent):
    result = quote(fridge_family, {"quantity": quantity})
    assert result.discount_percent == Decimal(percent)
    assert result.total == (result.unit_price_after_discount * quantity).quantize(Decimal("0.01"))


def test_discounted_prices_round_half_up_to_the_penny(sofa_family):
    # 1405.00 less 7.5% is 1299.625: half-up gives 1299.63 (banker's rounding would give .62)
    result = quote(sofa_family, {"depth": 95, "quantity": 5})
    assert result.unit_price == Decimal("1405.00")
    assert result.unit_price_after_discount == Decimal("1299.63")
    assert result.lines[-1] == QuoteLine("Quantity discount (7.5%)", Decimal("-105.37"))
    assert result.total == Decimal("6498.15")


def test_sizes_below_the_base_value_lower_the_price(sofa_family):
    result = quote(sofa_family, {"depth": 60})
    assert QuoteLine("Depth: 60 cm", Decimal("-60.00"), "depth") in result.lines
    assert result.unit_price == Decimal("900.00") + Decimal("160.00") - Decimal("60.00") + Decimal("300.00")
    assert result.lead_days == 20 + 2  # the width is away from its base size


def test_a_number_at_its_base_value_adds_nothing(sofa_family):
    result = quote(sofa_family, {"width": 160, "depth": 80, "modules": 1})
    assert result.lines == [QuoteLine("Base price", Decimal("900.00"))]
    assert result.lead_days == 20


def test_only_valid_configurations_are_quoted(fridge_family):
    with pytest.raises(ValueError, match="An ice maker needs the water connection kit"):
        quote(fridge_family, evaluate(fridge_family, {"ice_maker": True}))


def test_a_price_sent_by_the_shopper_is_never_used(fridge_family):
    with pytest.raises(ValueError, match="“price” is not an option of this product"):
        quote(fridge_family, {"price": "0.01", "total": "0.01"})


def test_an_evaluation_of_another_version_is_refused(fridge_family):
    schema = fridge()
    schema["version"] = 4
    newer = compile_schema(schema)
    with pytest.raises(ValueError, match="fridge v4, not fridge v3"):
        quote(fridge_family, evaluate(newer, {}))
