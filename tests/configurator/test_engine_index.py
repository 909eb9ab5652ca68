"""The tables evaluate() reads instead of recomputing per configuration (issue #22's speed-ups)
give what the straightforward code gave: defaults copied, missing values found, canonical keys."""

import json
import random
from decimal import Decimal

import pytest

from benchmarks.configurator_engine import generate_family, random_raw
from configurator.engine import compile_schema, evaluate
from configurator.engine.family import CHOICE, MULTI, TEXT
from configurator.engine.outcome import canonical
from configurator.engine.parse import missing_problem
from tests.configurator.engine_examples import fridge, sofa


def families():
    schemas = [fridge(), sofa(), generate_family(7), generate_family(11, 30, 120)]
    return [compile_schema(schema) for schema in schemas]


def blank(option):
    return {CHOICE: None, TEXT: "", MULTI: []}.get(option.kind, option.default)


@pytest.mark.parametrize("compiled", families(), ids=["fridge", "sofa", "bench-60", "bench-30"])
def test_only_the_options_left_out_can_never_miss_a_value(compiled):
    may_be_missing = {option.code for option in compiled.index.may_be_missing}
    for option in compiled.options:
        for value in (blank(option), option.default):
            if missing_problem(option, value) is not None:
                assert option.code in may_be_missing


@pytest.mark.parametrize("compiled", families(), ids=["fridge", "sofa", "bench-60", "bench-30"])
def test_an_evaluation_never_shares_a_list_with_the_defaults_or_another(compiled):
    first, second = evaluate(compiled, {}), evaluate(compiled, {})
    for code in compiled.index.list_codes:
        first.values[code].append("tampered")
        assert "tampered" not in second.values[code]
        assert "tampered" not in (compiled.by_code[code].default or [])
    assert evaluate(compiled, {}).values == second.values


def old_canonical(compiled, values):
    """The canonical key as it was written before the shared encoder."""
    return json.dumps(
        {
            "family": compiled.family,
            "version": compiled.version,
            "values": {code: format(value, "f") if type(value) is Decimal else value for code, value in values.items()},
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def test_canonical_keys_are_those_of_the_straightforward_encoding():
    schema = generate_family(7)
    compiled = compile_schema(schema)
    rnd = random.Random(3)
    for _ in range(300):
        evaluation = evaluate(compiled, random_raw(rnd, schema, compiled))
        assert evaluation.canonical == old_canonical(compiled, evaluation.values)
    values = {"width": Decimal("1E+2"), "depth": Decimal("12.50"), "note": "Crème brûlée", "extras": ["a", "b"]}
    assert canonical(compiled, values) == old_canonical(compiled, values)
    assert '"width":"100"' in canonical(compiled, values)


def test_a_value_of_no_configuration_type_is_refused_as_before():
    compiled = compile_schema(fridge())
    with pytest.raises(TypeError):
        canonical(compiled, {"extras": {"a"}})
    with pytest.raises(TypeError):
        old_canonical(compiled, {"extras": {"a"}})
