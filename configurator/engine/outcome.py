"""Turning rule analysis into an Evaluation: error order, availability records, canonical key.

Both evaluators produce the same intermediate facts (which rules are broken; per option, which
choice keys each rule disables; per numeric option, the narrowing rules and the bounds) and
this module renders them, so their outputs are comparable field by field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .family import BOOLEAN, CHOICE, MULTI, NUMERIC_KINDS, CompiledFamily, Option
from .resolve import Prepared
from .results import Evaluation, OptionAvailability


def too_many_message(option: Option) -> str:
    return f"{option.name}: choose at most {option.max_selected}."


def _plain_decimal(value: Any) -> str:
    if type(value) is Decimal:
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not a configuration value")


# One encoder for every key: Decimals (the only values JSON has no type for) written out in
# full by the C encoder's fallback, instead of a copy of the values with them converted first.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain_decimal)


def canonical(compiled: CompiledFamily, values: Mapping[str, Any]) -> str:
    """A stable key for a configuration: equal configurations give equal strings."""
    return _CANONICAL.encode({"family": compiled.family, "version": compiled.version, "values": values})


def _derived_availability(option: Option, value: Any, message: str) -> OptionAvailability:
    if option.kind in NUMERIC_KINDS:
        return OptionAvailability(min=value, max=value, reasons=[message], derived_by=message)
    if option.kind == CHOICE:
        disabled = {choice.code: [message] for choice in option.choices if choice.code != value}
    elif option.kind == BOOLEAN:
        disabled = {"false" if value else "true": [message]}
    elif option.kind == MULTI:
        disabled = {choice.code: [message] for choice in option.choices if choice.code not in value}
    else:
        disabled = {}
    return OptionAvailability(disabled=disabled, derived_by=message)


def _once(messages: list[str]) -> list[str]:
    if len(messages) == 1 or len(set(messages)) == len(messages):
        return messages
    return list(dict.fromkeys(messages))


def build_availability(
    compiled: CompiledFamily,
    prepared: Prepared,
    disabled: Mapping[str, Mapping[str, list[str]]],
    numeric: Mapping[str, tuple[list[int], Any, Any]],
) -> dict[str, OptionAvailability]:
    """disabled: option -> choice key -> messages of the rules disabling it, in rule order
    (repeats allowed), keys in the order the rules first disable them (choice order within a
    rule; both evaluators produce this order). numeric: option -> (indices of the narrowing
    rules, ascending; min allowed; max allowed). Messages come out once each."""
    messages = compiled.index.messages
    values = prepared.values
    derived_by = prepared.derived_by
    out: dict[str, OptionAvailability] = {}
    for option, keys in compiled.index.option_keys:
        code = option.code
        if derived_by and code in derived_by:
            out[code] = _derived_availability(option, values[code], derived_by[code].message)
            continue
        if keys is None:
            facts = numeric.get(code)
            if facts is None:  # text
                out[code] = OptionAvailability({}, None, None, [], None)
            else:
                narrowing, low, high = facts
                reasons = list(dict.fromkeys(messages[i] for i in narrowing)) if narrowing else []
                out[code] = OptionAvailability({}, low, high, reasons, None)
            continue
        per_key = disabled.get(code)
        full = option.kind == MULTI and option.max_selected is not None and len(values[code]) >= option.max_selected
        if not per_key and not full:
            out[code] = OptionAvailability({}, None, None, [], None)
            continue
        ordered: dict[str, list[str]] = {}
        if full:
            selected = values[code]
            for key in keys:
                found = per_key.get(key) if per_key else None
                if key not in selected:
                    ordered[key] = list(dict.fromkeys([too_many_message(option), *(found or ())]))
                elif found is not None:
                    ordered[key] = _once(found)
        elif compiled.index.distinct_messages:
            ordered = per_key  # built for this evaluation alone, and no message can repeat
        else:
            for key, found in per_key.items():
                ordered[key] = _once(found)
        out[code] = OptionAvailability(ordered, None, None, [], None)
    return out


def assemble(
    compiled: CompiledFamily,
    prepared: Prepared,
    broken: list[int],
    availability: dict[str, OptionAvailability],
) -> Evaluation:
    """Errors in a fixed order: unknown keys (sorted), field problems (option order), broken
    rules (schema order). A broken rule naming an option that already has a field problem is
    left out: it was judged on a stand-in value and is re-checked once the field is fixed."""
    errors = list(prepared.unknown)
    field_problems = prepared.field_problems
    if field_problems:
        errors.extend(field_problems[option.code] for option in compiled.options if option.code in field_problems)
    rule_problems = compiled.index.rule_problems
    for index in broken:
        problem = rule_problems[index]
        if field_problems and not field_problems.keys().isdisjoint(problem.fields):
            continue
        errors.append(problem)
    return Evaluation(
        family=compiled.family,
        version=compiled.version,
        values=prepared.values,
        errors=errors,
        availability=availability,
        canonical=canonical(compiled, prepared.values),
        given=prepared.given,
    )
