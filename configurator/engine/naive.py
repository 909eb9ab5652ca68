"""The naive evaluator: every rule re-checked for every candidate value of every option.

It is the benchmark baseline and the oracle the fast evaluator is tested against, so it is
written as directly as possible from the reference semantics in atoms.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .atoms import rule_violated
from .family import BOOLEAN, CHOICE, DECIMAL, MULTI, NUMERIC_KINDS, CompiledFamily, Option, Rule
from .outcome import assemble, build_availability
from .parse import normalise_decimal
from .resolve import prepare
from .results import Evaluation


def naive_evaluate(compiled: CompiledFamily, raw_values: Mapping[str, Any]) -> Evaluation:
    """Same result as evaluate(), computed the slow, obvious way."""
    prepared = prepare(compiled, raw_values)
    values = prepared.values
    rules = compiled.checked_rules
    broken = [rule.index for rule in rules if rule_violated(compiled, rule, values)]

    disabled: dict[str, dict[str, list[str]]] = {}
    numeric: dict[str, tuple[list[int], Any, Any]] = {}
    for option in compiled.options:
        if option.kind in (CHOICE, BOOLEAN):
            disabled[option.code] = _disabled_values(compiled, option, values)
        elif option.kind == MULTI:
            disabled[option.code] = _disabled_ticks(compiled, option, values)
        elif option.kind in NUMERIC_KINDS:
            numeric[option.code] = _narrowed_range(compiled, option, values)
    availability = build_availability(compiled, prepared, disabled, numeric)
    return assemble(compiled, prepared, broken, availability)


def _disabled_values(compiled: CompiledFamily, option: Option, values: dict[str, Any]) -> dict[str, list[str]]:
    """Choice (or "true"/"false") key -> messages of the rules that picking it would break, the
    rest staying as it is: each candidate tried against each rule."""
    if option.kind == CHOICE:
        candidates: list[Any] = [choice.code for choice in option.choices]
        if not option.required:
            candidates.append(None)
    else:
        candidates = [False, True]
    per_key: dict[str, list[str]] = {}
    for rule in compiled.checked_rules:
        bad = _breaking(compiled, rule, values, option.code, candidates)
        # a rule every value of the option breaks does not tell the choices apart
        if bad and len(bad) < len(candidates):
            for candidate in bad:
                if candidate is not None:
                    key = candidate if option.kind == CHOICE else ("true" if candidate else "false")
                    per_key.setdefault(key, []).append(rule.message)
    return per_key


def _disabled_ticks(compiled: CompiledFamily, option: Option, values: dict[str, Any]) -> dict[str, list[str]]:
    """For a multi option, choice -> messages of the rules broken with it ticked and not
    without it, the other choices staying as they are."""
    code = option.code
    current = values[code]
    per_key: dict[str, list[str]] = {}
    selected = set(current)
    for choice in option.choices:
        with_it = sorted(selected | {choice.code})
        without_it = sorted(selected - {choice.code})
        for rule in compiled.checked_rules:
            values[code] = with_it
            breaks_with = rule_violated(compiled, rule, values)
            values[code] = without_it
            breaks_without = rule_violated(compiled, rule, values)
            if breaks_with and not breaks_without:
                per_key.setdefault(choice.code, []).append(rule.message)
        values[code] = current
    return per_key


def _narrowed_range(compiled: CompiledFamily, option: Option, values: dict[str, Any]) -> tuple[list[int], Any, Any]:
    """For a numeric option: (the rules that forbid some but not all of its grid values, the
    lowest and highest value none of them forbids), every grid value tried against every rule."""
    grid = []
    number = option.min
    while number <= option.max:
        grid.append(number)
        number += option.step
    narrowing = []
    forbidden: set[Any] = set()
    for rule in compiled.checked_rules:
        bad = _breaking(compiled, rule, values, option.code, grid)
        if bad and len(bad) < len(grid):
            narrowing.append(rule.index)
            forbidden.update(bad)
    allowed = [number for number in grid if number not in forbidden]
    low = allowed[0] if allowed else None
    high = allowed[-1] if allowed else None
    if option.kind == DECIMAL:
        low = normalise_decimal(option, low) if low is not None else None
        high = normalise_decimal(option, high) if high is not None else None
    return narrowing, low, high


def _breaking(
    compiled: CompiledFamily, rule: Rule, values: dict[str, Any], code: str, candidates: list[Any]
) -> list[Any]:
    """The candidate values of option `code` that break the rule, the other options staying
    as they are (`values` is put back as it was)."""
    current = values[code]
    bad = []
    for candidate in candidates:
        values[code] = candidate
        if rule_violated(compiled, rule, values):
            bad.append(candidate)
    values[code] = current
    return bad
