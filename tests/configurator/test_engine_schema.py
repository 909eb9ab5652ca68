"""compile_schema() refuses broken schemas; check_schema() finds what staff should fix."""

import re

import pytest

from configurator.engine import SchemaError, check_schema, compile_schema
from tests.configurator.engine_examples import fridge, sofa

ICE = "Rule 1 (“An ice maker needs the water connection kit”)"


def options(schema):
    return {option["code"]: option for option in schema["options"]}


def rule(schema, rule_id):
    return next(item for item in schema["rules"] if item["id"] == rule_id)


MUTATIONS = {
    "unknown option in a rule": (
        lambda s: rule(s, 1)["then"][0].update(option="water"),
        [f"{ICE}: names an unknown option 'water'"],
    ),
    "unknown choice in a rule": (
        lambda s: rule(s, 1)["then"][0].update(value="kit"),
        [f"{ICE}: option “extras” has no choice 'kit'"],
    ),
    "op not allowed on the kind": (
        lambda s: rule(s, 1)["when"][0].update(op="lt"),
        [f"{ICE}: op 'lt' cannot be used on boolean option “ice_maker”"],
    ),
    "unknown option kind": (
        lambda s: options(s)["hinge"].update(kind="colour"),
        [
            "Option “hinge”: unknown kind 'colour' "
            "(expected one of choice, multi, boolean, integer, decimal, text, quantity)"
        ],
    ),
    "min above max": (
        lambda s: options(s)["capacity"].update(min=600),
        ["Option “capacity”: “min” (600) is more than “max” (500)"],
    ),
    "default out of range": (
        lambda s: options(s)["capacity"].update(default=520),
        ["Option “capacity”: the default 520 is outside 300–500"],
    ),
    "default off step": (
        lambda s: options(s)["capacity"].update(default=350),
        ["Option “capacity”: the default 350 is not on a step of 20 from 300"],
    ),
    "default not a choice": (
        lambda s: options(s)["hinge"].update(default="up"),
        ["Option “hinge”: the default is not valid: Hinge side: “up” is not one of the choices."],
    ),
    "missing max": (
        lambda s: options(s)["capacity"].pop("max"),
        ["Option “capacity”: needs both “min” and “max”"],
    ),
    "bad multi limits": (
        lambda s: options(s)["extras"].update(min_selected=3, max_selected=2),
        ["Option “extras”: “min_selected” (3) is more than “max_selected” (2)"],
    ),
    "duplicate option": (
        lambda s: s["options"].append({"code": "hinge", "kind": "boolean"}),
        ["Option “hinge”: appears twice"],
    ),
    "duplicate choice": (
        lambda s: options(s)["layout"]["choices"].append({"code": "wine"}),
        ["Option “layout”: choice “wine” appears twice"],
    ),
    "two quantity options": (
        lambda s: s["options"].append({"code": "boxes", "kind": "quantity", "min": 1, "max": 3}),
        ["Schema: has more than one quantity option (quantity, boxes)"],
    ),
    "duplicate rule id": (
        lambda s: rule(s, 2).update(id=1),
        ["Rule 1: the id is used twice"],
    ),
    "derive value not a choice": (
        lambda s: rule(s, 4).update(value="type_z"),
        [
            "Rule 4 (“Plug follows the destination country”): the value 'type_z' does not fit option “plug” "
            "(“type_z” is not one of the choices.)"
        ],
    ),
    "constraint on a choice": (
        lambda s: s["rules"].append(
            {
                "id": 50,
                "kind": "constraint",
                "left": "hinge",
                "op": "lte",
                "right": {"option": None, "offset": "1"},
                "message": "Odd",
            }
        ),
        ["Rule 50 (“Odd”): “left” must name a numeric option, not 'hinge'"],
    ),
    "requires without then": (
        lambda s: s["rules"].append({"id": 52, "kind": "requires", "when": [], "then": [], "message": "Empty"}),
        ["Rule 52 (“Empty”): needs at least one “then” condition"],
    ),
    "rule without message": (
        lambda s: s["rules"].append(
            {
                "id": 53,
                "kind": "requires",
                "when": [],
                "message": " ",
                "then": [{"option": "hinge", "op": "is", "value": "left"}],
            }
        ),
        ["Rule 53: needs a message for shoppers"],
    ),
    "discount over 100": (
        lambda s: s["quantity_breaks"].append({"min_quantity": 100, "discount_percent": "150"}),
        ["Quantity break 3: “discount_percent” must be between 0 and 100, not '150'"],
    ),
}


@pytest.mark.parametrize("case", MUTATIONS)
def test_compile_schema_names_each_problem(case):
    mutate, problems = MUTATIONS[case]
    schema = fridge()
    mutate(schema)
    with pytest.raises(SchemaError) as raised:
        compile_schema(schema)
    assert raised.value.problems == problems
    assert check_schema(schema) == problems


def test_compile_schema_lists_every_problem_at_once():
    schema = fridge()
    schema["version"] = "3"
    options(schema)["capacity"]["default"] = 520
    rule(schema, 1)["then"][0]["value"] = "kit"
    with pytest.raises(SchemaError) as raised:
        compile_schema(schema)
    assert raised.value.problems == [
        "Schema: needs a whole-number “version”, not '3'",
        "Option “capacity”: the default 520 is outside 300–500",
        f"{ICE}: option “extras” has no choice 'kit'",
    ]


def test_bad_pattern_is_reported():
    schema = fridge()
    options(schema)["engraving"]["pattern"] = "(["
    with pytest.raises(SchemaError) as raised:
        compile_schema(schema)
    assert raised.value.problems[0].startswith("Option “engraving”: the pattern does not compile")


def test_the_example_schemas_have_no_deeper_problems():
    assert check_schema(fridge()) == []
    assert check_schema(sofa()) == []


def _with_rules(*rules, schema=None):
    schema = schema or fridge()
    schema["rules"].extend(rules)
    return schema


def test_circular_derive_rules_are_reported():
    schema = _with_rules(
        {
            "id": 60,
            "kind": "derive",
            "option": "hinge",
            "value": "left",
            "message": "Hinge follows the finish",
            "when": [{"option": "finish", "op": "is", "value": "black"}],
        },
        {
            "id": 61,
            "kind": "default",
            "option": "finish",
            "value": "black",
            "message": "Finish follows the hinge",
            "when": [{"option": "hinge", "op": "is", "value": "left"}],
        },
    )
    assert check_schema(schema) == [
        "Rule 60 (“Hinge follows the finish”) and Rule 61 (“Finish follows the hinge”) go round in a circle: "
        "finish from hinge from finish. Which value wins then depends on rule order.",
        "Rule 9 (“US fridges come in brushed steel unless you pick another finish”) and "
        "Rule 61 (“Finish follows the hinge”) both apply to some configurations; the first listed sets “finish”.",
    ]


def test_a_rule_whose_conditions_contradict_each_other_never_applies():
    schema = _with_rules(
        {
            "id": 62,
            "kind": "requires",
            "message": "Huge fridges hinge left",
            "when": [{"option": "capacity", "op": "gt", "value": 600}],
            "then": [{"option": "hinge", "op": "is", "value": "left"}],
        },
        {
            "id": 63,
            "kind": "excludes",
            "message": "Steel and black at once",
            "when": [
                {"option": "finish", "op": "is", "value": "steel"},
                {"option": "finish", "op": "is", "value": "black"},
            ],
            "then": [{"option": "hinge", "op": "is", "value": "left"}],
        },
    )
    assert check_schema(schema) == [
        "Rule 62 (“Huge fridges hinge left”) never applies: no allowed value of “Capacity” meets its conditions.",
        "Rule 63 (“Steel and black at once”) never applies: no value of “Finish” meets its conditions.",
    ]


def test_a_choice_other_rules_make_impossible_is_reported():
    schema = _with_rules(
        {
            "id": 64,
            "kind": "available_when",
            "option": "finish",
            "choices": ["black"],
            "message": "Black only for small wine fridges",
            "when": [
                {"option": "layout", "op": "is", "value": "wine"},
                {"option": "capacity", "op": "lt", "value": 380},
            ],
        },
    )
    problems = check_schema(schema)
    assert len(problems) == 1
    assert re.fullmatch(
        r"Rule 64 \(“Black only for small wine fridges”\) never applies: “finish” black can never be chosen "
        r"in a valid configuration \(\d+ configurations tried\)\.",
        problems[0],
    )


def test_two_rules_that_contradict_each_other_are_reported():
    schema = _with_rules(
        {
            "id": 65,
            "kind": "requires",
            "message": "Left hinges leave no room for the water kit",
            "when": [{"option": "hinge", "op": "is", "value": "left"}],
            "then": [{"option": "extras", "op": "not_includes", "value": "water_kit"}],
        },
    )
    (problem,) = check_schema(schema)
    assert re.fullmatch(
        re.escape(
            f"{ICE} and Rule 65 (“Left hinges leave no room for the water kit”) contradict each other: "
            "when both apply they can never both be satisfied "
        )
        + r"\(\d+ configurations tried\)\.",
        problem,
    )


def test_a_requirement_that_can_never_be_met_is_reported():
    schema = _with_rules(
        {
            "id": 66,
            "kind": "requires",
            "message": "Left hinges need a small wine fridge",
            "when": [{"option": "hinge", "op": "is", "value": "left"}],
            "then": [
                {"option": "layout", "op": "is", "value": "wine"},
                {"option": "capacity", "op": "lt", "value": 380},
            ],
        },
    )
    (problem,) = check_schema(schema)
    assert re.fullmatch(
        re.escape(
            "Rule 66 (“Left hinges need a small wine fridge”) contradicts "
            "Rule 2 (“The wine rack needs the 380 L body or larger”): when it applies they cannot all be satisfied "
        )
        + r"\(\d+ configurations tried\)\.",
        problem,
    )


def test_overlapping_derive_rules_are_reported():
    schema = _with_rules(
        {
            "id": 67,
            "kind": "derive",
            "option": "voltage",
            "value": "v120",
            "message": "Steel fridges run on 120 V",
            "when": [{"option": "finish", "op": "is", "value": "steel"}],
        },
    )
    assert check_schema(schema) == [
        "Rule 8 (“Voltage follows the plug”) and Rule 67 (“Steel fridges run on 120 V”) both apply to some "
        "configurations; the first listed sets “voltage”."
    ]


def test_invalid_defaults_are_reported():
    schema = sofa()
    options(schema)["depth"]["default"] = 120
    assert check_schema(schema) == [
        "The all-defaults configuration is not valid: Rule 11 (“Depth can be at most half the width”) is broken"
    ]
