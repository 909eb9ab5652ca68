"""The compiled form of one published family version: options, choices, atoms and rules.

Everything here is immutable once `compile_schema` has built it, so one instance can be cached
per (family, version) and shared by every request and thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

CHOICE, MULTI, BOOLEAN, INTEGER, DECIMAL, TEXT, QUANTITY = (
    "choice",
    "multi",
    "boolean",
    "integer",
    "decimal",
    "text",
    "quantity",
)
OPTION_KINDS = (CHOICE, MULTI, BOOLEAN, INTEGER, DECIMAL, TEXT, QUANTITY)
NUMERIC_KINDS = (INTEGER, DECIMAL, QUANTITY)

REQUIRES, EXCLUDES, AVAILABLE_WHEN, CONSTRAINT, DEFAULT, DERIVE = (
    "requires",
    "excludes",
    "available_when",
    "constraint",
    "default",
    "derive",
)
RULE_KINDS = (REQUIRES, EXCLUDES, AVAILABLE_WHEN, CONSTRAINT, DEFAULT, DERIVE)
# Rules that a configuration can break; default and derive only produce values.
CHECKED_KINDS = (REQUIRES, EXCLUDES, AVAILABLE_WHEN, CONSTRAINT)

COMPARISONS = ("lt", "lte", "gt", "gte", "eq", "ne")


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    name: str
    swatch: str | None = None
    price: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    lead_days: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """One option as shown to shoppers, with its parsed limits and prices."""

    index: int
    code: str
    name: str
    kind: str
    group: str = ""
    help: str = ""
    required: bool = False
    default: Any = None
    # The value that counts as "empty" for the filled/empty ops (see atoms.atom_holds).
    blank: Any = None
    choices: tuple[Choice, ...] = ()
    choice_index: dict[str, int] = field(default_factory=dict)
    # boolean and text: price/cost/lead apply when true / non-empty
    price: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    lead_days: int = 0
    # integer, decimal, quantity
    min: Any = None
    max: Any = None
    step: Any = None
    unit: str = ""  # as after any number but one ("shirts")
    unit_singular: str = ""  # as after one ("shirt"), when it differs
    base_value: Any = None
    price_per_unit: Decimal = Decimal(0)
    cost_per_unit: Decimal = Decimal(0)
    # text
    min_length: int = 0
    max_length: int | None = None
    pattern: re.Pattern[str] | None = None
    pattern_help: str = ""
    # multi
    min_selected: int = 0
    max_selected: int | None = None

    def choice(self, code: str) -> Choice:
        return self.choices[self.choice_index[code]]


@dataclass(frozen=True, slots=True)
class Atom:
    """One condition on one option. `value` is normalised for the option's kind; `values` is a
    frozenset for in/not_in/includes_any, a sorted tuple is used for multi "is"."""

    option: str
    op: str
    value: Any = None
    values: frozenset[Any] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """A rule as written by staff, plus the premise/conclusion form used for checking.

    requires and available_when are both "if premise then conclusion": an available_when on
    option o with choices C is "if o is one of C then the `when` atoms hold". excludes is
    "if premise then not all of conclusion".
    """

    index: int
    id: int
    kind: str
    message: str
    when: tuple[Atom, ...] = ()
    then: tuple[Atom, ...] = ()
    option: str | None = None
    choices: tuple[Any, ...] = ()
    value: Any = None
    # constraint: left op right_option * factor + offset
    left: str | None = None
    op: str | None = None
    right_option: str | None = None
    factor: Decimal = Decimal(1)
    offset: Decimal = Decimal(0)
    premise: tuple[Atom, ...] = ()
    conclusion: tuple[Atom, ...] = ()
    # every option the rule names, first-named first (Problem.field is fields[0])
    fields: tuple[str, ...] = ()
    # for requires/excludes/available_when/constraint: the options a repair should prefer to
    # change (the consequence) before the ones that trigger the rule
    consequence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QuantityBreak:
    min_quantity: int
    discount_percent: Decimal


@dataclass(frozen=True, eq=False)
class CompiledFamily:
    """A validated family version, ready for fast evaluation. Build it with compile_schema()."""

    family: str
    version: int
    currency: str
    base_price: Decimal
    base_cost: Decimal
    base_lead_days: int
    options: tuple[Option, ...]
    rules: tuple[Rule, ...]
    quantity_breaks: tuple[QuantityBreak, ...]
    quantity_option: str | None
    by_code: dict[str, Option]
    # rules that can be broken, in schema order
    checked_rules: tuple[Rule, ...]
    # option codes whose value may come from default/derive rules, in dependency order
    resolution_order: tuple[str, ...]
    derive_rules: dict[str, tuple[Rule, ...]]
    default_rules: dict[str, tuple[Rule, ...]]
    # rules (checked kinds) naming each option, in schema order
    rules_naming: dict[str, tuple[Rule, ...]]
    # the bit-level index built by index.build_index (see index.py)
    index: Any = None
    # what each option value adds to a quote (pricing.build_price_list)
    price_list: Any = None
    # the rule analysis written out as code for this family (codegen.build_analyser): called
    # with the resolved values, it returns what availability.analyse returns; None: interpret
    analyser: Any = None

    def option(self, code: str) -> Option:
        return self.by_code[code]
