"""repair: the nearest valid configuration to what the shopper had, with reasons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .evaluate import evaluate
from .family import CompiledFamily
from .parse import parse_values
from .resolve import resolve
from .results import Change, Repair
from .search import Search

SEARCH_LIMIT = 300


def repair(compiled: CompiledFamily, raw_values: Mapping[str, Any], *, limit: int = SEARCH_LIMIT) -> Repair:
    """Change as few of the shopper's values as possible so the configuration validates.

    Used when a saved design no longer validates (a rule or option changed). Unknown options
    are dropped, unusable values go back to their default, values a derive rule overrides
    follow it; then a bounded best-first search (search.py) fixes broken rules and missing
    values. Preference, in order: keep the shopper's own values; change fewer options; change
    a rule's consequence rather than what triggered it (add the water kit rather than drop the
    ice maker; drop the unavailable wine rack rather than enlarge the fridge; shrink the depth
    rather than widen the sofa); change options shown later rather than earlier; nearest value.

    Guarantees: deterministic; if the all-defaults configuration is valid the result is valid
    (when the search gives up it keeps, in option order, every shopper value that still
    validates on top of the defaults). Each Change names the rule message (or field problem)
    that caused it. If even the defaults are invalid the best configuration found is returned
    and `evaluation.is_valid` is False.
    """
    explicit, unknown, field_problems = parse_values(compiled, raw_values)
    given = dict(explicit)
    original, _, conflicts = resolve(compiled, explicit)
    reasons: dict[str, str] = {code: problem.message for code, problem in field_problems.items()}
    for code, rule in conflicts:
        reasons[code] = rule.message
        explicit.pop(code)

    search = Search(compiled, explicit, limit=limit)
    outcome = search.run(explicit)
    state = outcome.state
    for code, reason in outcome.reasons.items():
        reasons.setdefault(code, reason)
    if outcome.problems:
        fallback = _greedy(search, explicit)
        if fallback is not None:
            state = fallback
            first_reasons = set(field_problems) | {code for code, _ in conflicts}
            reasons = {code: reasons[code] for code in reasons if code in first_reasons}
            for kind, ref in search.problems(explicit)[2]:
                if kind == "rule":
                    rule = compiled.rules[ref]
                    for code in rule.fields:
                        reasons.setdefault(code, rule.message)
    evaluation = evaluate(compiled, state)

    raw_by_name = {str(key): value for key, value in raw_values.items()}
    changes = [Change(problem.field, raw_by_name[problem.field], None, problem.message) for problem in unknown]
    for option in compiled.options:
        code = option.code
        new = evaluation.values[code]
        if code in field_problems:
            old = raw_values[code]
        else:
            old = given[code] if code in given else original[code]
            if old == new:
                continue
        changes.append(Change(code, old, new, reasons.get(code) or _why_now(compiled, evaluation, code, reasons)))
    return Repair(values=evaluation.values, changes=changes, evaluation=evaluation)


def _greedy(search: Search, explicit: Mapping[str, Any]) -> dict[str, Any] | None:
    """Defaults plus, in option order, every shopper value that keeps them valid."""
    state: dict[str, Any] = {}
    if search.problems(state)[2]:
        return None
    for option in search.compiled.options:
        if option.code in explicit:
            trial, _, found = search.problems({**state, option.code: explicit[option.code]})
            if not found:
                state = trial
    return state


def _why_now(compiled: CompiledFamily, evaluation, code: str, reasons: Mapping[str, str]) -> str:
    """The reason for a value that changed only as a consequence of other changes."""
    availability = evaluation.availability.get(code)
    if availability is not None and availability.derived_by:
        return availability.derived_by
    for rule in compiled.default_rules[code]:
        if rule.value == evaluation.values[code]:
            return rule.message
    return next(iter(reasons.values()), "Follows the other changes")
