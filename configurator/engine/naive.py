"""The naive evaluator: every rule re-checked for every candidate value of every option.

It is the benchmark baseline and the oracle the fast evaluator is tested against, so it is
written as directly as possible from the reference semantics in atoms.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .atoms import rule_violated
from .family import BOOLEAN, CHOICE, DECIMAL, MULTI, NUMERIC_KINDS, CompiledFamily
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
        code = option.code
        current = values[code]
        if option.kind in (CHOICE, BOOLEAN):
            if option.kind == CHOICE:
                candidates: list[Any] = [choice.code for choice in option.choices]
                if not option.required:
                    candidates.append(None)
            else:
                candidates = [False, True]
            per_key: dict[str, list[str]] = {}
            for rule in rules:
                bad = []
                for candidate in candidates:
                    values[code] = candidate
                    if rule_violated(compiled, rule, values):
                        bad.append(candidate)
                values[code] = current
                # a rule every value of the option breaks does not tell the choices apart
                if bad and len(bad) < len(candidates):
                    for candidate in bad:
                        if candidate is not None:
                            key = candidate if option.kind == CHOICE else ("true" if candidate else "false")
                            per_key.setdefault(key, []).append(rule.message)
            disabled[code] = per_key
        elif option.kind == MULTI:
            per_key = {}
            selected = set(current)
            for choice in option.choices:
                with_it = sorted(selected | {choice.code})
                without_it = sorted(selected - {choice.code})
                for rule in rules:
                    values[code] = with_it
                    breaks_with = rule_violated(compiled, rule, values)
                    values[code] = without_it
                    breaks_without = rule_violated(compiled, rule, values)
                    if breaks_with and not breaks_without:
                        per_key.setdefault(choice.code, []).append(rule.message)
                values[code] = current
            disabled[code] = per_key
        elif option.kind in NUMERIC_KINDS:
            grid = []
            number = option.min
            while number <= option.max:
                grid.append(number)
                number += option.step
            narrowing = []
            forbidden: set[Any] = set()
            for rule in rules:
                bad = set()
                for number in grid:
                    values[code] = number
                    if rule_violated(compiled, rule, values):
                        bad.add(number)
                values[code] = current
                if bad and len(bad) < len(grid):
                    narrowing.append(rule.index)
                    forbidden |= bad
            allowed = [number for number in grid if number not in forbidden]
            low = allowed[0] if allowed else None
            high = allowed[-1] if allowed else None
            if option.kind == DECIMAL:
                low = normalise_decimal(option, low) if low is not None else None
                high = normalise_decimal(option, high) if high is not None else None
            numeric[code] = (narrowing, low, high)
    availability = build_availability(compiled, prepared, disabled, numeric)
    return assemble(compiled, prepared, broken, availability)
