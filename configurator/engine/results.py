"""What the engine hands back: problems, evaluations, quotes, repairs."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


class SchemaError(ValueError):
    """The schema cannot be compiled; `problems` lists every reason, in schema order."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a configuration is not valid.

    Field-level problems have `field` set and `rule_id` None (except `code="derived"`, which
    names the derive rule). Rule violations have `rule_id`, `field` = the first option the rule
    names and `fields` = every option it names.
    """

    field: str | None
    rule_id: int | None
    code: str
    message: str
    fields: tuple[str, ...] = ()


@dataclass(slots=True)
class OptionAvailability:
    """What the shopper may pick next for one option, the other values staying as they are.

    choice/multi/boolean: `disabled` maps a choice code (or "true"/"false") to the messages of
    the rules that selecting it would break. integer/decimal/quantity: `min`/`max` are the
    smallest and largest values currently allowed (None when none is) and `reasons` the
    messages of the rules that narrow the range. `derived_by` is the message of the derive rule
    forcing the value, if any.
    """

    disabled: dict[str, list[str]] = field(default_factory=dict)
    min: Any = None
    max: Any = None
    reasons: list[str] = field(default_factory=list)
    derived_by: str | None = None


@dataclass(slots=True)
class Evaluation:
    """The result of evaluate(): normalised values, problems, availability and a canonical key."""

    family: str
    version: int
    values: dict[str, Any]
    errors: list[Problem]
    availability: dict[str, OptionAvailability]
    canonical: str
    # option codes the shopper gave a usable value for (the rest came from defaults/derive rules)
    given: frozenset[str] = frozenset()

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """One per-unit line of a quote; the lines add up to `unit_price_after_discount`."""

    label: str
    amount: Decimal
    option: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    currency: str
    unit_price: Decimal
    quantity: int
    discount_percent: Decimal
    unit_price_after_discount: Decimal
    total: Decimal
    unit_cost: Decimal
    lead_days: int
    lines: list[QuoteLine]


@dataclass(frozen=True, slots=True)
class Change:
    """One value repair() changed, from what the shopper had to what is valid now, and why."""

    option: str
    old: Any
    new: Any
    reason: str


@dataclass(frozen=True, slots=True)
class Repair:
    values: dict[str, Any]
    changes: list[Change]
    evaluation: Evaluation
