"""What the shopper may pick next: disabled choices with reasons, numeric bounds, derived options."""

from decimal import Decimal

from configurator.engine import OptionAvailability, compile_schema, evaluate, naive_evaluate
from tests.configurator.engine_examples import ICE_MAKER_NEEDS_KIT, NO_ICE_WITH_DRAWERS, WINE_NEEDS_380, fridge, sofa


def test_choices_that_would_break_a_rule_are_disabled_with_its_message(fridge_family):
    availability = evaluate(fridge_family, {}).availability
    assert availability["layout"] == OptionAvailability(disabled={"wine": [WINE_NEEDS_380]})
    assert availability["ice_maker"] == OptionAvailability(disabled={"true": [ICE_MAKER_NEEDS_KIT]})
    assert availability["hinge"] == OptionAvailability()
    assert availability["extras"] == OptionAvailability()
    assert availability["engraving"] == OptionAvailability()


def test_every_rule_a_choice_would_break_is_given(fridge_family):
    availability = evaluate(fridge_family, {"layout": "drawers"}).availability
    assert availability["ice_maker"].disabled == {"true": [ICE_MAKER_NEEDS_KIT, NO_ICE_WITH_DRAWERS]}


def test_availability_follows_the_other_selections(fridge_family):
    availability = evaluate(fridge_family, {"ice_maker": True, "extras": ["water_kit"], "capacity": 400}).availability
    assert availability["layout"].disabled == {"drawers": [NO_ICE_WITH_DRAWERS]}
    assert availability["ice_maker"].disabled == {}


def test_a_full_multi_disables_the_unticked_choices(fridge_family):
    availability = evaluate(fridge_family, {"extras": ["water_kit", "crisper"]}).availability
    assert availability["extras"].disabled == {"led": ["Extras: choose at most 2."]}


def test_a_multi_choice_is_disabled_when_ticking_it_breaks_a_rule():
    schema = fridge()
    schema["rules"].append(
        {
            "id": 30,
            "kind": "excludes",
            "when": [{"option": "hinge", "op": "is", "value": "left"}],
            "then": [{"option": "extras", "op": "includes", "value": "led"}],
            "message": "The LED strip sits on the hinge side",
        }
    )
    family = compile_schema(schema)
    assert evaluate(family, {"hinge": "left"}).availability["extras"].disabled == {
        "led": ["The LED strip sits on the hinge side"]
    }
    # with the strip already ticked, the strip is what breaks the rule, and left is disabled
    evaluation = evaluate(family, {"hinge": "left", "extras": ["led"]})
    assert evaluation.availability["extras"].disabled == {"led": ["The LED strip sits on the hinge side"]}
    assert evaluation.availability["hinge"].disabled == {"left": ["The LED strip sits on the hinge side"]}


def test_choices_that_cannot_fix_a_broken_rule_on_their_own_are_not_disabled():
    schema = {
        "family": "lamp",
        "version": 1,
        "base_price": "50",
        "options": [
            {
                "code": code,
                "name": code.title(),
                "kind": "choice",
                "required": True,
                "default": "x",
                "choices": [{"code": "x"}, {"code": "y"}],
            }
            for code in ("shade", "base", "cable")
        ],
        "rules": [
            {
                "id": 1,
                "kind": "requires",
                "when": [{"option": "shade", "op": "is", "value": "x"}],
                "then": [{"option": "base", "op": "is", "value": "y"}, {"option": "cable", "op": "is", "value": "y"}],
                "message": "The x shade needs the y base and the y cable",
            },
        ],
    }
    family = compile_schema(schema)
    evaluation = evaluate(family, {})
    assert [error.rule_id for error in evaluation.errors] == [1]
    assert evaluation.availability["shade"].disabled == {"x": ["The x shade needs the y base and the y cable"]}
    # neither the base nor the cable alone can mend it, so neither greys out a choice
    assert evaluation.availability["base"].disabled == {}
    assert evaluation.availability["cable"].disabled == {}
    assert naive_evaluate(family, {}) == evaluation


def test_numeric_bounds_come_from_rules_with_their_reasons(fridge_family):
    capacity = evaluate(fridge_family, {"layout": "wine", "capacity": 400}).availability["capacity"]
    assert capacity == OptionAvailability(min=380, max=500, reasons=[WINE_NEEDS_380])
    assert evaluate(fridge_family, {}).availability["capacity"] == OptionAvailability(min=300, max=500)


def test_constraints_bound_both_options_they_compare(sofa_family):
    availability = evaluate(sofa_family, {"width": 200, "depth": 90, "modules": 3}).availability
    assert availability["depth"] == OptionAvailability(min=60, max=100, reasons=["Depth can be at most half the width"])
    assert availability["width"] == OptionAvailability(
        min=180, max=320, reasons=["Depth can be at most half the width"]
    )
    assert availability["modules"] == OptionAvailability(
        min=1, max=5, reasons=["A sofa has at most 6 modules", "Each module needs 40 cm of width"]
    )


def test_a_bound_between_grid_steps_rounds_to_the_allowed_step(sofa_family):
    # modules <= 190 * 0.025 = 4.75: 4 is the largest whole number allowed
    availability = evaluate(sofa_family, {"width": 190, "modules": 2}).availability
    assert availability["modules"].max == 4


def test_decimal_bounds_are_decimals_at_the_step_precision(sofa_family):
    availability = evaluate(sofa_family, {"fabric": "velvet"}).availability
    assert availability["firmness"] == OptionAvailability(
        min=Decimal("1.0"), max=Decimal("4.0"), reasons=["Velvet comes with soft to medium cushions"]
    )
    assert str(availability["firmness"].max) == "4.0"
    assert evaluate(sofa_family, {}).availability["firmness"] == OptionAvailability(
        min=Decimal("1.0"), max=Decimal("5.0")
    )


def test_velvet_is_disabled_while_the_cushions_are_firm(sofa_family):
    availability = evaluate(sofa_family, {"firmness": "4.5"}).availability
    assert availability["fabric"].disabled == {"velvet": ["Velvet comes with soft to medium cushions"]}


def test_derived_options_show_the_rule_that_sets_them(fridge_family):
    availability = evaluate(fridge_family, {"destination": "eu"}).availability
    assert availability["plug"] == OptionAvailability(
        disabled={
            "type_g": ["Plug follows the destination country"],
            "type_a": ["Plug follows the destination country"],
        },
        derived_by="Plug follows the destination country",
    )
    assert availability["voltage"] == OptionAvailability(
        disabled={"v120": ["Voltage follows the plug"]}, derived_by="Voltage follows the plug"
    )


def test_a_derived_number_is_pinned_to_its_value():
    schema = sofa()
    schema["rules"].append(
        {
            "id": 20,
            "kind": "derive",
            "option": "modules",
            "value": 2,
            "message": "Two-seaters have two modules",
            "when": [{"option": "width", "op": "lte", "value": 180}],
        }
    )
    family = compile_schema(schema)
    assert evaluate(family, {"width": 170}).availability["modules"] == OptionAvailability(
        min=2, max=2, reasons=["Two-seaters have two modules"], derived_by="Two-seaters have two modules"
    )
