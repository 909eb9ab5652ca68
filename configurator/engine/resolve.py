"""From parsed input to the full set of values: static defaults, default rules, derive rules.

Shared by the fast and the naive evaluator (they differ only in how rules are checked).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .family import CompiledFamily, Rule
from .parse import missing_problem, parse_values
from .results import Problem


@dataclass(slots=True)
class Prepared:
    values: dict[str, Any]
    given: frozenset[str]
    unknown: list[Problem]
    # at most one problem per option: a parse error, a derived conflict or a missing value
    field_problems: dict[str, Problem]
    derived_by: dict[str, Rule]


def _copy(value: Any) -> Any:
    # multi values are lists; never hand out the compiled default itself
    return list(value) if isinstance(value, list) else value


def _when(tests: tuple[tuple[str, Any], ...], values: Mapping[str, Any]) -> bool:
    for code, holds in tests:  # noqa: SIM110 - a plain loop is cheaper than all() over a generator
        if not holds(values[code]):
            return False
    return True


def resolve(
    compiled: CompiledFamily, explicit: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Rule], list[tuple[str, Rule]]]:
    """Fill in every option: the shopper's value, else the first `default` rule (in schema
    order) whose `when` holds, else the static default; then the first applying `derive` rule
    forces its value whatever was given. Options are resolved in dependency order, so a rule
    reading another computed option sees its final value.

    Returns (values, {option: derive rule that set it}, [(option, derive rule) where the
    shopper gave a different value]).
    """
    index = compiled.index
    values = index.defaults.copy()  # every option, in option order; explicit codes are option codes
    values.update(explicit)
    for code in index.list_codes:
        values[code] = list(values[code])
    derived_by: dict[str, Rule] = {}
    conflicts: list[tuple[str, Rule]] = []
    tests = index.when_tests
    for code in compiled.resolution_order:
        for rule in compiled.derive_rules[code]:
            if _when(tests[rule.index], values):
                if code in explicit and explicit[code] != rule.value:
                    conflicts.append((code, rule))
                values[code] = _copy(rule.value)
                derived_by[code] = rule
                break
        else:
            if code not in explicit:
                for rule in compiled.default_rules[code]:
                    if _when(tests[rule.index], values):
                        values[code] = _copy(rule.value)
                        break
    return values, derived_by, conflicts


def prepare(compiled: CompiledFamily, raw_values: Mapping[str, Any]) -> Prepared:
    """Parse and resolve: everything about a configuration except its rule checks."""
    explicit, unknown, field_problems = parse_values(compiled, raw_values)
    values, derived_by, conflicts = resolve(compiled, explicit)
    for code, rule in conflicts:
        field_problems[code] = Problem(code, rule.id, "derived", rule.message, (code,))
    for option in compiled.index.may_be_missing:  # missing_problem finds nothing for the others
        code = option.code
        if code not in explicit and code not in field_problems:
            problem = missing_problem(option, values[code])
            if problem is not None:
                field_problems[code] = problem
    return Prepared(values, frozenset(explicit), unknown, field_problems, derived_by)
