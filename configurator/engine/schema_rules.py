"""compile_schema, the rule half: conditions (atoms) and rules, checked against the options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .family import (
    AVAILABLE_WHEN,
    BOOLEAN,
    CHOICE,
    COMPARISONS,
    CONSTRAINT,
    DECIMAL,
    EXCLUDES,
    INTEGER,
    MULTI,
    NUMERIC_KINDS,
    QUANTITY,
    REQUIRES,
    RULE_KINDS,
    TEXT,
    Atom,
    Option,
    Rule,
)
from .parse import UNSET, parse_value, to_decimal
from .schema_options import Problems, is_int

OPS_BY_KIND = {
    CHOICE: ("is", "is_not", "in", "not_in", "filled", "empty"),
    MULTI: ("is", "is_not", "includes", "not_includes", "filled", "empty"),
    BOOLEAN: ("is", "is_not", "filled", "empty"),
    INTEGER: ("is", "is_not", "lt", "lte", "gt", "gte", "filled", "empty"),
    DECIMAL: ("is", "is_not", "lt", "lte", "gt", "gte", "filled", "empty"),
    QUANTITY: ("is", "is_not", "lt", "lte", "gt", "gte", "filled", "empty"),
    TEXT: ("is", "is_not", "filled", "empty"),
}


def _atom_value(option: Option, value: Any, where: str, problems: Problems) -> Any:
    """The normalised value an is/is_not/lt... atom compares with; UNSET if unusable."""
    kind = option.kind
    if kind in NUMERIC_KINDS:
        number = to_decimal(value)
        if number is None:
            problems.add(where, f"{value!r} is not a number")
            return UNSET
        return int(number) if number == number.to_integral_value() else number
    if kind == TEXT:
        if not isinstance(value, str):
            problems.add(where, f"{value!r} is not text")
            return UNSET
        return value.strip()
    if kind == MULTI and isinstance(value, str):
        value = [value]
    parsed, problem = parse_value(option, value)
    if kind == MULTI and problem is not None and problem.code in ("too_few", "too_many"):
        return tuple(sorted(set(value)))
    if problem is not None or parsed is UNSET:
        reason = problem.message.split(": ", 1)[-1] if problem else "a value is needed"
        problems.add(where, f"{value!r} does not fit option “{option.code}” ({reason})")
        return UNSET
    return tuple(parsed) if kind == MULTI else parsed


def _compile_atom(raw: Any, by_code: Mapping[str, Option], where: str, problems: Problems) -> Atom | None:
    if not isinstance(raw, Mapping):
        problems.add(where, "each condition must be an object")
        return None
    code = raw.get("option")
    option = by_code.get(code) if isinstance(code, str) else None
    if option is None:
        problems.unknown_option(where, code)
        return None
    op = raw.get("op")
    if op not in OPS_BY_KIND[option.kind]:
        problems.add(where, f"op {op!r} cannot be used on {option.kind} option “{code}”")
        return None
    if op in ("filled", "empty"):
        return Atom(code, op)
    if op in ("in", "not_in"):
        items = raw.get("values")
        if not isinstance(items, list) or not items:
            problems.add(where, f"“{op}” on “{code}” needs a non-empty list of values")
            return None
        values = [_atom_value(option, item, where, problems) for item in items]
        if any(value is UNSET for value in values):
            return None
        return Atom(code, op, values=frozenset(values))
    if op in ("includes", "not_includes"):
        value = raw.get("value")
        if value not in option.choice_index:
            problems.add(where, f"option “{code}” has no choice {value!r}")
            return None
        return Atom(code, op, value=value)
    if "value" not in raw:
        problems.add(where, f"“{op}” on “{code}” needs a value")
        return None
    value = _atom_value(option, raw.get("value"), where, problems)
    return None if value is UNSET else Atom(code, op, value=value)


def _atoms(raw: Mapping[str, Any], key: str, by_code: Mapping[str, Option], where: str, problems: Problems):
    items = raw.get(key, [])
    if items is None:
        items = []
    if not isinstance(items, list):
        problems.add(where, f"“{key}” must be a list of conditions")
        return None
    atoms = [_compile_atom(item, by_code, where, problems) for item in items]
    return None if any(atom is None for atom in atoms) else tuple(atoms)


def _unique(codes: list[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code for code in codes if code is not None))


def compile_rule(index: int, raw: Any, by_code: Mapping[str, Option], problems: Problems) -> Rule | None:
    """One rule of the schema, checked against the options: its id, message and kind, then
    what its kind needs. None (its problems added) if it cannot be used."""
    if not isinstance(raw, Mapping):
        problems.add(f"Rule {index + 1}", "must be an object")
        return None
    rule_id = raw.get("id")
    if not is_int(rule_id):
        problems.add(f"Rule {index + 1}", f"needs a whole-number id, not {rule_id!r}")
        return None
    message = raw.get("message")
    usable = isinstance(message, str) and message.strip()
    where = f"Rule {rule_id} (“{message.strip()}”)" if usable else f"Rule {rule_id}"
    if not usable:
        problems.add(where, "needs a message for shoppers")
        return None
    kind = raw.get("kind")
    if kind not in RULE_KINDS:
        problems.add(where, f"unknown kind {kind!r} (expected one of {', '.join(RULE_KINDS)})")
        return None
    base = {"index": index, "id": rule_id, "kind": kind, "message": message.strip()}
    when = _atoms(raw, "when", by_code, where, problems)
    draft = _Draft(raw, base, when, where, problems)
    if kind in (REQUIRES, EXCLUDES):
        return _implication(draft, by_code)
    if kind == CONSTRAINT:
        return _constraint(draft, by_code)
    code = raw.get("option")
    option = by_code.get(code) if isinstance(code, str) else None
    if option is None:
        problems.unknown_option(where, code)
        return None
    if when is None:
        return None
    if kind == AVAILABLE_WHEN:
        return _available_when(draft, option)
    return _setting(draft, option)


@dataclass(frozen=True)
class _Draft:
    """What each kind of rule is built from: the rule as written, the fields every kind has,
    its `when` atoms (None if one did not compile) and where its problems are reported."""

    raw: Mapping[str, Any]
    base: dict[str, Any]
    when: tuple[Atom, ...] | None
    where: str
    problems: Problems


def _implication(draft: _Draft, by_code: Mapping[str, Option]) -> Rule | None:
    """A requires or excludes rule: if `when` holds then `then` must (must not all) hold. Its
    consequence, what a repair changes first, is the options `then` names."""
    raw, base, when, where, problems = draft.raw, draft.base, draft.when, draft.where, draft.problems
    then = _atoms(raw, "then", by_code, where, problems)
    if when is None or then is None:
        return None
    if not then:
        problems.add(where, "needs at least one “then” condition")
        return None
    return Rule(
        **base,
        when=when,
        then=then,
        premise=when,
        conclusion=then,
        fields=_unique([atom.option for atom in when + then]),
        consequence=_unique([atom.option for atom in then]),
    )


def _constraint(draft: _Draft, by_code: Mapping[str, Option]) -> Rule | None:
    """A constraint, `left op right.option * factor + offset` between numeric options (the
    right option may be left out): it always applies, so it takes no `when`."""
    raw, base, when, where, problems = draft.raw, draft.base, draft.when, draft.where, draft.problems
    left = by_code.get(raw.get("left"))
    right = raw.get("right") if isinstance(raw.get("right"), Mapping) else {}
    right_code = right.get("option")
    right_option = by_code.get(right_code) if right_code is not None else None
    op = raw.get("op")
    bad = []
    if raw.get("left") in problems.broken_options or right_code in problems.broken_options:
        return None
    if left is None or left.kind not in NUMERIC_KINDS:
        bad.append(f"“left” must name a numeric option, not {raw.get('left')!r}")
    if right_code is not None and (right_option is None or right_option.kind not in NUMERIC_KINDS):
        bad.append(f"“right.option” must name a numeric option or be null, not {right_code!r}")
    if op not in COMPARISONS:
        bad.append(f"op {op!r} is not one of {', '.join(COMPARISONS)}")
    factor = to_decimal(right.get("factor", 1) if right.get("factor") is not None else 1)
    offset = to_decimal(right.get("offset", 0) if right.get("offset") is not None else 0)
    if factor is None or offset is None:
        bad.append("“right.factor” and “right.offset” must be numbers")
    for problem in bad:
        problems.add(where, problem)
    if bad or when is None:
        return None
    if when:
        problems.add(where, "a constraint always applies; it takes no “when”")
        return None
    return Rule(
        **base,
        left=left.code,
        op=op,
        right_option=right_code,
        factor=factor,
        offset=offset,
        fields=_unique([left.code, right_code]),
        consequence=(left.code,),
    )


def _available_when(draft: _Draft, option: Option) -> Rule | None:
    """An available_when rule: the listed choices of a choice, multi or boolean option may be
    picked only while `when` holds. Checked as "if the option is one of them (includes any of
    them, for a multi) then `when` holds"."""
    raw, base, when, where, problems = draft.raw, draft.base, draft.when, draft.where, draft.problems
    code = option.code
    if option.kind not in (CHOICE, MULTI, BOOLEAN):
        problems.add(where, f"“available_when” needs a choice, multi or boolean option, not “{code}”")
        return None
    items = raw.get("choices")
    if not isinstance(items, list) or not items:
        problems.add(where, "needs a non-empty list of “choices”")
        return None
    if option.kind == MULTI:
        unknown = [item for item in items if item not in option.choice_index]
        if unknown:
            problems.add(where, f"option “{code}” has no choice {unknown[0]!r}")
            return None
        choices = tuple(dict.fromkeys(items))
        premise = (Atom(code, "includes_any", values=frozenset(choices)),)
    else:
        values = [_atom_value(option, item, where, problems) for item in items]
        if any(value is UNSET for value in values):
            return None
        choices = tuple(dict.fromkeys(values))
        premise = (Atom(code, "in", values=frozenset(choices)),)
    return Rule(
        **base,
        when=when,
        option=code,
        choices=choices,
        premise=premise,
        conclusion=when,
        fields=_unique([code] + [atom.option for atom in when]),
        consequence=(code,),
    )


def _setting(draft: _Draft, option: Option) -> Rule | None:
    """A default or derive rule: while `when` holds, the option takes the rule's value if the
    shopper chose none (default) or whatever they chose (derive); the value must be one the
    option accepts."""
    raw, base, when, where, problems = draft.raw, draft.base, draft.when, draft.where, draft.problems
    code = option.code
    if "value" not in raw:
        problems.add(where, "needs a “value”")
        return None
    value, problem = parse_value(option, raw.get("value"))
    if problem is not None or value is UNSET:
        reason = problem.message.split(": ", 1)[-1] if problem else "a value is needed"
        problems.add(where, f"the value {raw.get('value')!r} does not fit option “{code}” ({reason})")
        return None
    return Rule(**base, when=when, option=code, value=value, fields=_unique([code] + [atom.option for atom in when]))
