"""repair(): the nearest valid configuration to a saved design, with the reasons."""

from configurator.engine import Change, compile_schema, evaluate, repair
from tests.configurator.engine_examples import ICE_MAKER_NEEDS_KIT, WINE_NEEDS_380, fridge


def test_a_valid_design_is_left_alone(fridge_family):
    raw = {"hinge": "left", "ice_maker": True, "extras": ["water_kit"]}
    result = repair(fridge_family, raw)
    assert result.changes == []
    assert result.values == evaluate(fridge_family, raw).values
    assert result.evaluation.is_valid


def test_the_rules_consequence_gives_way_before_the_shoppers_choice(fridge_family):
    # both were chosen by the shopper: add the kit rather than drop the ice maker
    result = repair(fridge_family, {"ice_maker": True, "extras": []})
    assert result.changes == [Change("extras", [], ["water_kit"], ICE_MAKER_NEEDS_KIT)]
    assert result.values["ice_maker"] is True
    assert result.evaluation.is_valid


def test_an_unavailable_choice_is_dropped_rather_than_the_body_enlarged(fridge_family):
    result = repair(fridge_family, {"layout": "wine", "capacity": 340})
    assert result.changes == [Change("layout", "wine", "standard", WINE_NEEDS_380)]


def test_values_the_shopper_did_not_choose_give_way_first(fridge_family):
    # the capacity was a default, the wine rack a choice: the capacity moves, to the nearest size
    result = repair(fridge_family, {"layout": "wine"})
    assert result.changes == [Change("capacity", 340, 380, WINE_NEEDS_380)]


def test_numbers_move_to_the_nearest_allowed_value(sofa_family):
    assert repair(sofa_family, {"depth": 120, "width": 200}).changes == [
        Change("depth", 120, 100, "Depth can be at most half the width")
    ]
    assert repair(sofa_family, {"modules": 7, "width": 200}).changes == [
        Change("modules", 7, 5, "A sofa has at most 6 modules")
    ]


def test_values_a_derive_rule_overrides_follow_it(fridge_family):
    result = repair(fridge_family, {"destination": "us", "plug": "type_g"})
    assert result.changes == [Change("plug", "type_g", "type_a", "Plug follows the destination country")]
    assert result.evaluation.is_valid


def test_unknown_options_and_unusable_values_are_dropped(fridge_family):
    result = repair(fridge_family, {"price": "1", "capacity": 390, "hinge": "left"})
    assert result.changes == [
        Change("price", "1", None, "“price” is not an option of this product."),
        Change("capacity", 390, 340, "Capacity: use steps of 20 L from 300 L."),
    ]
    assert result.values["hinge"] == "left"
    assert result.evaluation.is_valid


def test_a_design_saved_before_a_new_rule_is_repaired():
    design = {"hinge": "left", "extras": ["water_kit", "led"], "finish": "black"}
    schema = fridge()
    schema["version"] = 4
    schema["rules"].append(
        {
            "id": 40,
            "kind": "excludes",
            "message": "Black doors do not take the LED strip",
            "when": [{"option": "finish", "op": "is", "value": "black"}],
            "then": [{"option": "extras", "op": "includes", "value": "led"}],
        }
    )
    family = compile_schema(schema)
    assert not evaluate(family, design).is_valid
    result = repair(family, design)
    assert result.changes == [
        Change("extras", ["led", "water_kit"], ["water_kit"], "Black doors do not take the LED strip")
    ]


def test_when_the_search_gives_up_the_defaults_keep_what_they_can(fridge_family):
    raw = {"ice_maker": True, "layout": "drawers", "hinge": "left", "extras": ["crisper"]}
    result = repair(fridge_family, raw, limit=1)
    assert result.evaluation.is_valid
    assert result.values["hinge"] == "left"
    assert {change.option for change in result.changes} <= {"ice_maker", "layout", "extras"}
    assert all(change.reason for change in result.changes)


def test_repair_is_deterministic(fridge_family):
    raw = {"ice_maker": True, "layout": "drawers", "destination": "us", "plug": "type_f"}
    assert repair(fridge_family, raw) == repair(fridge_family, dict(reversed(list(raw.items()))))
