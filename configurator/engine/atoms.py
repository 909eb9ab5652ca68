"""What an atom and a rule mean, written plainly over a dict of values.

This is the reference semantics: the naive evaluator, value resolution, repair and the schema
checks use it directly, and the bit-mask evaluator in evaluate.py must agree with it (a property
test holds them to that).

- "is"/"is_not": equality with the normalised value (multi: the whole selection).
- "in"/"not_in": a choice among (not among) the values.
- "includes"/"not_includes": a multi selection contains (does not contain) the choice code;
  "includes_any" (only made by available_when on a multi) contains at least one of the values.
- "lt"/"lte"/"gt"/"gte": numeric comparison.
- "filled"/"empty": the value differs from (equals) the option's blank: "" for text, [] for
  multi, None for choice, false for boolean, the static default for numbers (which always hold
  a value, so "filled" there means "changed from the default").
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .family import AVAILABLE_WHEN, CONSTRAINT, EXCLUDES, MULTI, REQUIRES, Atom, CompiledFamily, Option, Rule


def atom_holds(atom: Atom, value: Any, blank: Any) -> bool:
    op = atom.op
    if op == "is":
        return (tuple(value) if isinstance(value, list) else value) == atom.value
    if op == "is_not":
        return (tuple(value) if isinstance(value, list) else value) != atom.value
    if op == "in":
        return value in atom.values
    if op == "not_in":
        return value not in atom.values
    if op == "includes":
        return atom.value in value
    if op == "not_includes":
        return atom.value not in value
    if op == "includes_any":
        return not atom.values.isdisjoint(value)
    if op == "filled":
        return value != blank
    if op == "empty":
        return value == blank
    if op == "lt":
        return value < atom.value
    if op == "lte":
        return value <= atom.value
    if op == "gt":
        return value > atom.value
    if op == "gte":
        return value >= atom.value
    raise ValueError(f"unknown op {op!r}")  # compile_schema never lets one through


def compare(left: Any, op: str, right: Any) -> bool:
    if op == "lt":
        return left < right
    if op == "lte":
        return left <= right
    if op == "gt":
        return left > right
    if op == "gte":
        return left >= right
    if op == "eq":
        return left == right
    return left != right


def constraint_right(rule: Rule, values: Mapping[str, Any]) -> Decimal:
    if rule.right_option is None:
        return rule.offset
    return values[rule.right_option] * rule.factor + rule.offset


def all_hold(compiled: CompiledFamily, atoms: tuple[Atom, ...], values: Mapping[str, Any]) -> bool:
    by_code = compiled.by_code
    return all(atom_holds(atom, values[atom.option], by_code[atom.option].blank) for atom in atoms)


def rule_violated(compiled: CompiledFamily, rule: Rule, values: Mapping[str, Any]) -> bool:
    """Whether `values` break a requires/excludes/available_when/constraint rule."""
    kind = rule.kind
    if kind == CONSTRAINT:
        return not compare(values[rule.left], rule.op, constraint_right(rule, values))
    if not all_hold(compiled, rule.premise, values):
        return False
    if kind in (REQUIRES, AVAILABLE_WHEN):
        return not all_hold(compiled, rule.conclusion, values)
    if kind == EXCLUDES:
        return all_hold(compiled, rule.conclusion, values)
    return False


COMPARE = {
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "eq": operator.eq,
    "ne": operator.ne,
}


def atom_test(atom: Atom, option: Option) -> Callable[[Any], bool]:
    """A direct test for one atom (same meaning as atoms.atom_holds, without its dispatch on
    every call)."""
    op, value, values, blank = atom.op, atom.value, atom.values, option.blank
    if op in COMPARE:
        compare = COMPARE[op]
        return lambda current: compare(current, value)
    if op in ("is", "is_not"):
        equal = operator.eq if op == "is" else operator.ne
        if option.kind == MULTI:
            return lambda current: equal(tuple(current), value)
        return lambda current: equal(current, value)
    if op == "in":
        return lambda current: current in values
    if op == "not_in":
        return lambda current: current not in values
    if op == "includes":
        return lambda current: value in current
    if op == "not_includes":
        return lambda current: value not in current
    if op == "includes_any":
        return lambda current: not values.isdisjoint(current)
    if op == "filled":
        return lambda current: current != blank
    if op == "empty":
        return lambda current: current == blank
    raise ValueError(f"op {op!r} on a {option.kind} option")  # compile_schema never lets one through
