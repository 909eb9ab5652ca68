"""The rule analysis generated as code per family version (engine/codegen.py, issue #22) gives
exactly what the interpreted analysis (availability.analyse) gives, is written from ints and
generated names only, and belongs to one compiled family version."""

import io
import random
import re
import tokenize
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from benchmarks.configurator_engine import generate_family, random_raw
from configurator.engine import codegen, compile_schema, evaluate, naive_evaluate, repair
from configurator.engine.availability import analyse
from configurator.engine.resolve import prepare
from tests.configurator.engine_examples import fridge, sofa
from tests.configurator.engine_strategies import families_with_input


def assert_same_analysis(compiled, values, analyser=None):
    """The generated and the interpreted analysis agree, down to the order of every dict and
    list (the generated one may list an option with no disabled keys as an empty dict)."""
    analyser = analyser or compiled.analyser
    broken, disabled, numeric = analyse(compiled, values)
    generated_broken, generated_disabled, generated_numeric = analyser(values)
    assert generated_broken == broken

    def ordered(found):
        return {code: list(per_key.items()) for code, per_key in found.items() if per_key}

    assert ordered(generated_disabled) == ordered(disabled)
    assert list(generated_numeric.items()) == list(numeric.items())


def configurations(schema, compiled, seed, count):
    """Resolved values of random shopper input, half of it repaired to be valid."""
    rnd = random.Random(seed)
    for number in range(count):
        raw = random_raw(rnd, schema, compiled)
        if number % 2:
            raw = repair(compiled, raw).values
        yield prepare(compiled, raw).values


@pytest.mark.parametrize(("seed", "options", "rules"), [(7, 60, 300), (3, 60, 300), (11, 30, 120), (23, 40, 160)])
def test_the_generated_analysis_matches_the_interpreted_one_on_random_configurations(seed, options, rules):
    schema = generate_family(seed, options, rules)
    compiled = compile_schema(schema)
    assert compiled.analyser is not None
    for values in configurations(schema, compiled, seed, 120):
        assert_same_analysis(compiled, values)


@pytest.mark.parametrize("schema", [fridge(), sofa()], ids=["fridge", "sofa"])
def test_the_example_families_analyse_the_same_both_ways(schema):
    compiled = compile_schema(schema)
    assert_same_analysis(compiled, prepare(compiled, {}).values)
    for option in compiled.options:
        for choice in option.choices:
            value = [choice.code] if option.kind == "multi" else choice.code
            assert_same_analysis(compiled, prepare(compiled, {option.code: value}).values)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(families_with_input())
def test_generated_families_analyse_the_same_both_ways(case):
    schema, raw = case
    compiled = compile_schema(schema)
    assert_same_analysis(compiled, prepare(compiled, raw).values)


def test_the_table_free_paths_analyse_the_same(monkeypatch):
    # multi options past the table size call _multi_hits, long grids compute constraint
    # positions and grid values per configuration
    monkeypatch.setattr(codegen, "MULTI_TABLE_CHOICES", 0)
    monkeypatch.setattr(codegen, "GRID_TABLE_LIMIT", 0)
    schema = generate_family(7)
    compiled = compile_schema(schema)
    analyser = codegen.build_analyser(compiled)
    assert "_multi_hits(" in codegen.generated_source(compiled)
    for values in configurations(schema, compiled, 5, 60):
        assert_same_analysis(compiled, values, analyser)


def test_a_family_past_the_rule_limit_is_interpreted(monkeypatch):
    monkeypatch.setattr(codegen, "GENERATED_RULES_LIMIT", 10)
    schema = generate_family(11, 30, 120)
    compiled = compile_schema(schema)
    assert compiled.analyser is None
    rnd = random.Random(2)
    for _ in range(10):
        raw = random_raw(rnd, schema, compiled)
        assert evaluate(compiled, raw) == naive_evaluate(compiled, raw)


HOSTILE = "x\"'); __import__('os').system('touch /tmp/pwned') #\n\\N{BULLET} {0} {{}} 0x1f"


def hostile_fridge():
    """The fridge with every code, name and message a string that would break or run as
    source if it were ever pasted into it."""
    schema = fridge()
    renamed = {option["code"]: f"{option['code']} {HOSTILE}" for option in schema["options"]}

    def rename(node):
        if isinstance(node, dict):
            out = {key: rename(value) for key, value in node.items()}
            for key in ("option", "left"):
                if isinstance(out.get(key), str):
                    out[key] = renamed[out[key]]
            if isinstance(out.get("right"), dict):
                out["right"]["option"] = renamed[out["right"]["option"]]
            if isinstance(out.get("message"), str):
                out["message"] += HOSTILE
            return out
        if isinstance(node, list):
            return [rename(item) for item in node]
        return node

    schema = rename(schema)
    for option in schema["options"]:
        option["code"] = renamed[option["code"]]
    return schema


def test_the_source_holds_no_string_of_the_schema_only_ints_and_generated_names():
    compiled = compile_schema(hostile_fridge())
    source = codegen.generated_source(compiled)
    assert "pwned" not in source and "__import__" not in source
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        assert token.type != tokenize.STRING, token
        if token.type == tokenize.NUMBER:
            assert re.fullmatch(r"0x[0-9a-f]+|[0-9]+", token.string), token
        if token.type == tokenize.NAME:
            assert token.string.isidentifier() and token.string.isascii(), token
    values = prepare(compiled, {}).values
    assert_same_analysis(compiled, values)
    some_option = compiled.options[0]
    raw = {some_option.code: some_option.choices[-1].code} if some_option.choices else {}
    assert evaluate(compiled, raw) == naive_evaluate(compiled, raw)


@pytest.mark.parametrize("value", ["1", True, Decimal(1), 1.0, None])
def test_only_ints_are_ever_written_into_the_source(value):
    with pytest.raises(TypeError):
        codegen._int(value)
    assert codegen._int(5) == "5"
    assert codegen._int(1 << 2000) == hex(1 << 2000)  # not limited by int_max_str_digits


def test_the_generated_code_runs_without_builtins():
    compiled = compile_schema(generate_family(11, 30, 120))
    assert compiled.analyser.__globals__["__builtins__"] == {}


def with_rule(schema, rule, version):
    return {**schema, "version": version, "rules": [*schema["rules"], rule]}


def test_each_family_version_gets_its_own_generated_analysis():
    first = fridge()
    option = next(option for option in first["options"] if option["kind"] == "choice")
    trigger, banned = option["choices"][0]["code"], option["choices"][1]["code"]
    boolean = next(option for option in first["options"] if option["kind"] == "boolean")
    rule = {
        "id": 999,
        "kind": "excludes",
        "when": [{"option": boolean["code"], "op": "is", "value": True}],
        "then": [{"option": option["code"], "op": "is", "value": banned}],
        "message": "New in version 2",
    }
    old, new = compile_schema(first), compile_schema(with_rule(first, rule, first["version"] + 1))
    assert old.analyser is not new.analyser
    raw = {boolean["code"]: True, option["code"]: banned}
    assert "New in version 2" in [error.message for error in evaluate(new, raw).errors]
    assert "New in version 2" not in [error.message for error in evaluate(old, raw).errors]
    # the choice the new rule disables, only in the new version
    chosen = {boolean["code"]: True, option["code"]: trigger}
    assert banned in evaluate(new, chosen).availability[option["code"]].disabled
    assert "New in version 2" not in str(evaluate(old, chosen).availability)
    for values in (raw, chosen, {}):
        assert evaluate(new, values) == naive_evaluate(new, values)
        assert evaluate(old, values) == naive_evaluate(old, values)
