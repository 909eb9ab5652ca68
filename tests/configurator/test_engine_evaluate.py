"""evaluate(): parsing shopper input, defaults and derived values, rule checks, error order."""

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from configurator.engine import Problem, compile_schema, evaluate, form_value
from tests.configurator.engine_examples import ICE_MAKER_NEEDS_KIT, NO_ICE_WITH_DRAWERS, WINE_NEEDS_380, fridge

PLUG_FOLLOWS = "Plug follows the destination country"


def on(field, code, message):
    """A problem with one field's value."""
    return Problem(field, None, code, message, (field,))


FRIDGE_DEFAULTS = {
    "destination": "uk",
    "hinge": "right",
    "finish": "white",
    "capacity": 340,
    "layout": "standard",
    "ice_maker": False,
    "extras": [],
    "plug": "type_g",
    "voltage": "v230",
    "engraving": "",
    "quantity": 1,
}


def test_nothing_given_means_the_defaults(fridge_family):
    evaluation = evaluate(fridge_family, {})
    assert evaluation.is_valid
    assert evaluation.errors == []
    assert evaluation.values == FRIDGE_DEFAULTS
    assert evaluation.given == frozenset()


def test_form_strings_and_json_give_the_same_configuration(fridge_family):
    form = {
        "hinge": ["left"],
        "ice_maker": ["false", "on"],
        "extras": ["", "water_kit"],
        "capacity": ["400"],
        "quantity": ["3"],
        "engraving": ["  For Ada  "],
    }
    typed = {
        "hinge": "left",
        "ice_maker": True,
        "extras": ["water_kit"],
        "capacity": 400,
        "quantity": 3,
        "engraving": "For Ada",
    }
    decoded = {code: form_value(fridge_family.by_code[code], strings) for code, strings in form.items()}
    from_form, from_json = evaluate(fridge_family, decoded), evaluate(fridge_family, typed)
    assert decoded == {**typed, "engraving": "  For Ada  "}
    assert from_form.is_valid
    assert from_form.values == from_json.values
    assert from_form.canonical == from_json.canonical
    assert from_form.values["engraving"] == "For Ada"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[("true", True), ("on", True), ("1", True), ("yes", True), ("TRUE", True)],
        *[("false", False), ("off", False), ("0", False), ("no", False)],
        *[("", None), ("maybe", "maybe")],
    ],
)
def test_boolean_words_from_forms(fridge_family, raw, expected):
    assert form_value(fridge_family.by_code["ice_maker"], ["false", raw]) == expected


@pytest.mark.parametrize(
    ("strings", "expected"),
    [(["400"], 400), ([" 400.0 "], 400), (["390.5"], Decimal("390.5")), (["big"], "big"), ([" "], None), ([], None)],
)
def test_number_strings_from_forms(fridge_family, strings, expected):
    assert form_value(fridge_family.by_code["capacity"], strings) == expected


def test_blank_values_count_as_not_given(fridge_family):
    evaluation = evaluate(fridge_family, {"hinge": "", "capacity": None, "engraving": "", "ice_maker": None})
    assert evaluation.values == FRIDGE_DEFAULTS
    assert evaluation.given == frozenset()


def test_multi_values_are_sorted_and_deduplicated(fridge_family):
    evaluation = evaluate(fridge_family, {"extras": ["led", "crisper", "led"]})
    assert evaluation.values["extras"] == ["crisper", "led"]


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"price": "0.01"}, on("price", "unknown_option", "“price” is not an option of this product.")),
        ({"hinge": "up"}, on("hinge", "invalid_choice", "Hinge side: “up” is not one of the choices.")),
        ({"hinge": ["left", "right"]}, on("hinge", "invalid", "Hinge side: choose one of the listed options.")),
        ({"hinge": ["left"]}, on("hinge", "invalid", "Hinge side: choose one of the listed options.")),
        ({"hinge": 1}, on("hinge", "invalid", "Hinge side: choose one of the listed options.")),
        ({"hinge": True}, on("hinge", "invalid", "Hinge side: choose one of the listed options.")),
        ({"hinge": {"side": "left"}}, on("hinge", "invalid", "Hinge side: choose one of the listed options.")),
        ({"ice_maker": "maybe"}, on("ice_maker", "invalid", "Ice maker: choose yes or no.")),
        ({"ice_maker": "true"}, on("ice_maker", "invalid", "Ice maker: choose yes or no.")),
        ({"ice_maker": 1}, on("ice_maker", "invalid", "Ice maker: choose yes or no.")),
        ({"ice_maker": 2}, on("ice_maker", "invalid", "Ice maker: choose yes or no.")),
        ({"ice_maker": [True]}, on("ice_maker", "invalid", "Ice maker: choose yes or no.")),
        ({"capacity": "big"}, on("capacity", "invalid", "Capacity: enter a whole number.")),
        ({"capacity": "400"}, on("capacity", "invalid", "Capacity: enter a whole number.")),
        ({"capacity": " "}, on("capacity", "invalid", "Capacity: enter a whole number.")),
        ({"capacity": 390.5}, on("capacity", "invalid", "Capacity: enter a whole number.")),
        ({"capacity": True}, on("capacity", "invalid", "Capacity: enter a whole number.")),
        ({"capacity": [400]}, on("capacity", "invalid", "Capacity: enter a whole number.")),
        ({"capacity": 280}, on("capacity", "below_min", "Capacity: the smallest is 300 L.")),
        ({"capacity": 520}, on("capacity", "above_max", "Capacity: the largest is 500 L.")),
        ({"capacity": 520.0}, on("capacity", "above_max", "Capacity: the largest is 500 L.")),
        ({"capacity": 390}, on("capacity", "off_step", "Capacity: use steps of 20 L from 300 L.")),
        ({"quantity": 0}, on("quantity", "below_min", "Quantity: the smallest is 1.")),
        ({"extras": ["ice"]}, on("extras", "invalid_choice", "Extras: “ice” is not one of the choices.")),
        ({"extras": 5}, on("extras", "invalid", "Extras: choose from the listed options.")),
        ({"extras": "led"}, on("extras", "invalid", "Extras: choose from the listed options.")),
        ({"extras": ["led", 5]}, on("extras", "invalid", "Extras: choose from the listed options.")),
        ({"extras": ["water_kit", "crisper", "led"]}, on("extras", "too_many", "Extras: choose at most 2.")),
        ({"engraving": "x" * 25}, on("engraving", "too_long", "Engraving: use at most 24 characters.")),
        ({"engraving": 42}, on("engraving", "invalid", "Engraving: enter some text.")),
        ({"engraving": ["For Ada"]}, on("engraving", "invalid", "Engraving: enter some text.")),
        (
            {"engraving": "Hi <3"},
            on("engraving", "pattern", "Engraving: use only letters, digits, spaces and . , ! & - '."),
        ),
    ],
)
def test_each_unusable_value_is_reported_on_its_field(fridge_family, raw, problem):
    evaluation = evaluate(fridge_family, raw)
    assert evaluation.errors == [problem]
    assert not evaluation.is_valid


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"firmness": "3.25"}, on("firmness", "off_step", "Cushion firmness: use steps of 0.5 from 1.0.")),
        ({"firmness": "soft"}, on("firmness", "invalid", "Cushion firmness: enter a number.")),
        ({"firmness": "NaN"}, on("firmness", "invalid", "Cushion firmness: enter a number.")),
        ({"firmness": 5.5}, on("firmness", "above_max", "Cushion firmness: the largest is 5.0.")),
        ({"firmness": True}, on("firmness", "invalid", "Cushion firmness: enter a number.")),
        ({"firmness": ["3.0"]}, on("firmness", "invalid", "Cushion firmness: enter a number.")),
    ],
)
def test_decimal_values_are_checked_against_range_and_step(sofa_family, raw, problem):
    assert evaluate(sofa_family, raw).errors == [problem]


def test_decimal_values_are_normalised_to_the_step(sofa_family):
    for raw in ("3", "3.0", "3.00", 3, 3.0, Decimal("3.000")):
        evaluation = evaluate(sofa_family, {"firmness": raw})
        assert evaluation.values["firmness"] == Decimal("3.0")
        assert str(evaluation.values["firmness"]) == "3.0"
    assert len({evaluate(sofa_family, {"firmness": raw}).canonical for raw in ("3", "3.0", 3.0)}) == 1


def test_required_values_left_empty_are_reported():
    schema = {
        "family": "tee",
        "version": 1,
        "base_price": "10",
        "options": [
            {
                "code": "size",
                "name": "Size",
                "kind": "choice",
                "required": True,
                "choices": [{"code": "m"}, {"code": "l"}],
            },
            {"code": "name", "name": "Name", "kind": "text", "required": True, "max_length": 12},
            {
                "code": "prints",
                "name": "Prints",
                "kind": "multi",
                "min_selected": 1,
                "choices": [{"code": "front"}, {"code": "back"}],
            },
        ],
    }
    family = compile_schema(schema)
    assert evaluate(family, {}).errors == [
        on("size", "required", "Size: please choose one."),
        on("name", "required", "Name: please fill this in."),
        on("prints", "too_few", "Prints: choose at least 1."),
    ]
    assert evaluate(family, {"size": "m", "name": "Ada", "prints": []}).errors == [
        on("prints", "too_few", "Prints: choose at least 1.")
    ]
    assert evaluate(family, {"size": "m", "name": "Ada", "prints": ["back"]}).is_valid


def test_text_shorter_than_its_minimum_is_reported():
    schema = {
        "family": "tee",
        "version": 1,
        "base_price": "10",
        "options": [{"code": "initials", "name": "Initials", "kind": "text", "min_length": 2, "max_length": 3}],
    }
    family = compile_schema(schema)
    assert evaluate(family, {"initials": "A"}).errors == [
        on("initials", "too_short", "Initials: use at least 2 characters.")
    ]


def test_requires_rule_is_reported_with_every_option_it_names(fridge_family):
    assert evaluate(fridge_family, {"ice_maker": True}).errors == [
        Problem("ice_maker", 1, "requires", ICE_MAKER_NEEDS_KIT, ("ice_maker", "extras"))
    ]
    assert evaluate(fridge_family, {"ice_maker": True, "extras": ["water_kit"]}).is_valid


def test_available_when_rule_is_reported_on_the_restricted_option(fridge_family):
    assert evaluate(fridge_family, {"layout": "wine"}).errors == [
        Problem("layout", 2, "available_when", WINE_NEEDS_380, ("layout", "capacity"))
    ]
    assert evaluate(fridge_family, {"layout": "wine", "capacity": 380}).is_valid


def test_excludes_rule_is_reported(fridge_family):
    raw = {"layout": "drawers", "ice_maker": True, "extras": ["water_kit"]}
    assert evaluate(fridge_family, raw).errors == [
        Problem("layout", 3, "excludes", NO_ICE_WITH_DRAWERS, ("layout", "ice_maker"))
    ]


@pytest.mark.parametrize(
    ("raw", "problems"),
    [
        (
            {"depth": 105},
            [Problem("depth", 11, "constraint", "Depth can be at most half the width", ("depth", "width"))],
        ),
        ({"depth": 100}, []),
        (
            {"modules": 7, "width": 320},
            [Problem("modules", 12, "constraint", "A sofa has at most 6 modules", ("modules",))],
        ),
        ({"modules": 5}, []),
        (
            {"modules": 5, "width": 190},
            [Problem("modules", 13, "constraint", "Each module needs 40 cm of width", ("modules", "width"))],
        ),
    ],
)
def test_constraint_rules_compare_numeric_options(sofa_family, raw, problems):
    assert evaluate(sofa_family, raw).errors == problems


def test_requires_rule_on_a_decimal_option(sofa_family):
    assert evaluate(sofa_family, {"fabric": "velvet", "firmness": "4.5"}).errors == [
        Problem("fabric", 14, "requires", "Velvet comes with soft to medium cushions", ("fabric", "firmness"))
    ]
    assert evaluate(sofa_family, {"fabric": "velvet", "firmness": "4"}).is_valid


def test_derive_rules_set_values_in_dependency_order(fridge_family):
    evaluation = evaluate(fridge_family, {"destination": "us"})
    assert evaluation.is_valid
    assert (evaluation.values["plug"], evaluation.values["voltage"]) == ("type_a", "v120")
    assert evaluation.availability["plug"].derived_by == PLUG_FOLLOWS
    assert evaluation.availability["voltage"].derived_by == "Voltage follows the plug"


def test_a_value_given_for_a_derived_option_must_match(fridge_family):
    assert evaluate(fridge_family, {"destination": "us", "plug": "type_a"}).is_valid
    evaluation = evaluate(fridge_family, {"destination": "us", "plug": "type_g"})
    assert evaluation.errors == [Problem("plug", 5, "derived", PLUG_FOLLOWS, ("plug",))]
    assert evaluation.values["plug"] == "type_a"


def test_default_rules_fill_only_what_the_shopper_left_out(fridge_family):
    assert evaluate(fridge_family, {"destination": "us"}).values["finish"] == "steel"
    assert evaluate(fridge_family, {"destination": "us", "finish": "black"}).values["finish"] == "black"
    assert evaluate(fridge_family, {"destination": "eu"}).values["finish"] == "white"


def test_errors_come_in_a_fixed_order(fridge_family):
    raw = {"zzz": 1, "layout": "wine", "ice_maker": True, "hinge": "up", "aaa": 2, "capacity": 300}
    errors = evaluate(fridge_family, raw).errors
    assert [(error.field, error.rule_id, error.code) for error in errors] == [
        ("aaa", None, "unknown_option"),
        ("zzz", None, "unknown_option"),
        ("hinge", None, "invalid_choice"),
        ("ice_maker", 1, "requires"),
        ("layout", 2, "available_when"),
    ]
    shuffled = dict(reversed(list(raw.items())))
    assert evaluate(fridge_family, shuffled) == evaluate(fridge_family, raw)


def test_rules_naming_a_field_with_a_bad_value_are_not_reported_until_it_is_fixed(fridge_family):
    assert evaluate(fridge_family, {"ice_maker": True, "extras": ["ice"]}).errors == [
        on("extras", "invalid_choice", "Extras: “ice” is not one of the choices.")
    ]


def test_equal_configurations_have_equal_canonical_keys(fridge_family):
    implicit = evaluate(fridge_family, {})
    explicit = evaluate(fridge_family, dict(FRIDGE_DEFAULTS))
    as_form = evaluate(fridge_family, {"hinge": "right", "capacity": "340", "ice_maker": "false", "quantity": "1"})
    assert implicit.canonical == explicit.canonical == as_form.canonical
    assert evaluate(fridge_family, {"hinge": "left"}).canonical != implicit.canonical
    assert implicit.canonical == (
        '{"family":"fridge","values":{"capacity":340,"destination":"uk","engraving":"","extras":[],'
        '"finish":"white","hinge":"right","ice_maker":false,"layout":"standard","plug":"type_g",'
        '"quantity":1,"voltage":"v230"},"version":3}'
    )


def test_a_new_version_changes_the_canonical_key():
    schema = fridge()
    schema["version"] = 4
    assert evaluate(compile_schema(schema), {}).canonical != evaluate(compile_schema(fridge()), {}).canonical


def test_evaluation_values_are_not_shared_with_the_schema(fridge_family):
    evaluate(fridge_family, {}).values["extras"].append("led")
    assert evaluate(fridge_family, {}).values["extras"] == []


def test_engine_imports_no_web_framework():
    code = (
        "import sys, configurator.engine\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'oscar', 'wagtail', 'celery'))\n"
        "print(','.join(loaded))"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
