"""compile_schema, the option half: each option's kind, choices, limits, prices and default."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .family import BOOLEAN, CHOICE, DECIMAL, MULTI, NUMERIC_KINDS, OPTION_KINDS, TEXT, Choice, Option
from .parse import UNSET, normalise_decimal, on_step, parse_value, to_decimal

DEFAULT_DECIMAL_STEP = Decimal("0.01")


class Problems(list):
    # codes of options that failed to compile: rules naming them are not reported again
    broken_options: set[str]

    def __init__(self) -> None:
        super().__init__()
        self.broken_options = set()

    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")

    def unknown_option(self, where: str, code: Any) -> None:
        if code not in self.broken_options:
            self.add(where, f"names an unknown option {code!r}")


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def money_field(raw: Mapping[str, Any], key: str, where: str, problems: Problems) -> Decimal:
    value = raw.get(key, "0")
    number = to_decimal(value) if value is not None else Decimal(0)
    if number is None:
        problems.add(where, f"“{key}” must be a number, not {value!r}")
        return Decimal(0)
    return number


def days_field(raw: Mapping[str, Any], key: str, where: str, problems: Problems) -> int:
    value = raw.get(key, 0)
    if value is None:
        return 0
    if not is_int(value) or value < 0:
        problems.add(where, f"“{key}” must be a whole number of days, 0 or more, not {value!r}")
        return 0
    return value


def _choices(raw: Mapping[str, Any], where: str, problems: Problems) -> tuple[Choice, ...]:
    items = raw.get("choices")
    if not isinstance(items, list) or not items:
        problems.add(where, "needs at least one choice")
        return ()
    choices: list[Choice] = []
    seen: set[str] = set()
    for position, item in enumerate(items):
        code = item.get("code") if isinstance(item, Mapping) else None
        if not isinstance(code, str) or not code.strip() or code != code.strip():
            problems.add(where, f"choice {position + 1} needs a code without surrounding spaces")
            continue
        if code in seen:
            problems.add(where, f"choice “{code}” appears twice")
            continue
        seen.add(code)
        here = f"{where}, choice “{code}”"
        choices.append(
            Choice(
                code=code,
                name=str(item.get("name") or code),
                swatch=item.get("swatch"),
                price=money_field(item, "price", here, problems),
                cost=money_field(item, "cost", here, problems),
                lead_days=days_field(item, "lead_days", here, problems),
            )
        )
    return tuple(choices)


def _numeric_limits(raw: Mapping[str, Any], kind: str, where: str, problems: Problems) -> dict[str, Any]:
    whole = kind != DECIMAL

    def number(key: str, fallback: Any) -> Any:
        value = raw.get(key, fallback)
        if value is None:
            value = fallback
        parsed = to_decimal(value)
        if parsed is None or (whole and parsed != parsed.to_integral_value()):
            kind_words = "a whole number" if whole else "a number"
            problems.add(where, f"“{key}” must be {kind_words}, not {value!r}")
            return None
        return int(parsed) if whole else parsed

    if raw.get("min") is None or raw.get("max") is None:
        problems.add(where, "needs both “min” and “max”")
        return {}
    low = number("min", None)
    high = number("max", None)
    if low is None or high is None:
        return {}
    step = number("step", 1 if whole else DEFAULT_DECIMAL_STEP)
    if step is None:
        return {}
    if step <= 0:
        problems.add(where, "“step” must be more than 0")
        return {}
    if low > high:
        problems.add(where, f"“min” ({low}) is more than “max” ({high})")
        return {}
    limits = {"min": low, "max": high, "step": step}
    probe = Option(index=0, code="", name="", kind=kind, **limits)
    default = number("default", low)
    if default is not None:
        if not low <= default <= high:
            problems.add(where, f"the default {default} is outside {low}–{high}")
        elif not on_step(probe, default):
            problems.add(where, f"the default {default} is not on a step of {step} from {low}")
        elif not whole:
            default = normalise_decimal(probe, default)
    base_value = number("base_value", low)
    limits.update(
        default=default,
        blank=default,
        base_value=base_value if base_value is not None else low,
        price_per_unit=money_field(raw, "price_per_unit", where, problems),
        cost_per_unit=money_field(raw, "cost_per_unit", where, problems),
        unit=str(raw.get("unit") or ""),
        unit_singular=str(raw.get("unit_singular") or ""),
    )
    return limits


def compile_option(index: int, raw: Any, problems: Problems) -> Option | None:
    """One option of the schema: its code and kind, what its kind needs (choices, prices,
    limits), then its default, each checked. None (its problems added) if it cannot be used."""
    if not isinstance(raw, Mapping):
        problems.add(f"Option {index + 1}", "must be an object")
        return None
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip() or code != code.strip():
        problems.add(f"Option {index + 1}", "needs a code without surrounding spaces")
        return None
    where = f"Option “{code}”"
    kind = raw.get("kind")
    if kind not in OPTION_KINDS:
        problems.add(where, f"unknown kind {kind!r} (expected one of {', '.join(OPTION_KINDS)})")
        return None
    fields: dict[str, Any] = {
        "index": index,
        "code": code,
        "name": str(raw.get("name") or code),
        "kind": kind,
        "group": str(raw.get("group") or ""),
        "help": str(raw.get("help") or ""),
        "required": bool(raw.get("required", False)),
    }
    before = len(problems)
    if kind in (CHOICE, MULTI):
        choices = _choices(raw, where, problems)
        fields["choices"] = choices
        fields["choice_index"] = {choice.code: position for position, choice in enumerate(choices)}
    if kind in (BOOLEAN, TEXT):
        fields["price"] = money_field(raw, "price", where, problems)
        fields["cost"] = money_field(raw, "cost", where, problems)
        fields["lead_days"] = days_field(raw, "lead_days", where, problems)
    if kind in NUMERIC_KINDS:
        fields.update(_numeric_limits(raw, kind, where, problems))
        fields["lead_days"] = days_field(raw, "lead_days", where, problems)
    if kind == MULTI:
        fields.update(_selection_limits(raw, where, problems))
    if kind == TEXT:
        fields.update(_text_limits(raw, fields["required"], where, problems))
    if len(problems) > before:
        return None
    fields["blank"] = {CHOICE: None, MULTI: [], BOOLEAN: False, TEXT: ""}.get(kind, fields.get("blank"))
    return _with_default(fields, raw.get("default"), where, problems)


def _selection_limits(raw: Mapping[str, Any], where: str, problems: Problems) -> dict[str, Any]:
    """A multi option's least and most choices ticked (no most: None); none if they do not fit."""
    low = raw.get("min_selected", 0) or 0
    high = raw.get("max_selected")
    if not is_int(low) or low < 0 or (high is not None and (not is_int(high) or high < 0)):
        problems.add(where, "“min_selected” and “max_selected” must be whole numbers, 0 or more")
        return {}
    if high is not None and low > high:
        problems.add(where, f"“min_selected” ({low}) is more than “max_selected” ({high})")
        return {}
    return {"min_selected": low, "max_selected": high}


def _text_limits(raw: Mapping[str, Any], required: bool, where: str, problems: Problems) -> dict[str, Any]:
    """A text option's shortest and longest length ("required" means at least one character),
    its pattern, compiled, and the words that explain the pattern to shoppers."""
    limits: dict[str, Any] = {}
    low = raw.get("min_length", 0) or 0
    high = raw.get("max_length")
    if not is_int(low) or low < 0 or (high is not None and (not is_int(high) or high < 0)):
        problems.add(where, "“min_length” and “max_length” must be whole numbers, 0 or more")
    elif high is not None and max(low, 1 if required else 0) > high:
        problems.add(where, f"“min_length” ({low}) is more than “max_length” ({high})")
    else:
        limits["min_length"] = max(low, 1) if required else low
        limits["max_length"] = high
    pattern = raw.get("pattern")
    if pattern:
        try:
            limits["pattern"] = re.compile(pattern)
        except (re.error, TypeError) as error:
            problems.add(where, f"the pattern does not compile ({error})")
    limits["pattern_help"] = str(raw.get("pattern_help") or "")
    return limits


def _with_default(fields: dict[str, Any], default: Any, where: str, problems: Problems) -> Option | None:
    """The option with its default, read as a shopper's value would be (a numeric option's was
    checked with its limits). A multi option's default may tick fewer than its least: evaluate
    reports that until the shopper ticks more. None if the default does not fit."""
    kind = fields["kind"]
    probe = Option(**fields)
    if kind in NUMERIC_KINDS:
        return probe
    if kind == BOOLEAN:
        value, problem = parse_value(probe, False if default is None else default)
        if problem is not None or value is UNSET:
            problems.add(where, f"the default must be true or false, not {default!r}")
            return None
        return Option(**{**fields, "default": value})
    if kind == MULTI:
        items = [] if default is None else [default] if isinstance(default, str) else default
        value, problem = parse_value(probe, items)
        if problem is not None and problem.code == "too_few":
            value, problem = sorted(set(items)), None
        if problem is not None:
            problems.add(where, f"the default is not valid: {problem.message}")
            return None
        return Option(**{**fields, "default": [] if value is UNSET else value})
    value, problem = parse_value(probe, default)
    if problem is not None:
        problems.add(where, f"the default is not valid: {problem.message}")
        return None
    if value is UNSET:
        value = None if kind == CHOICE else ""
    return Option(**{**fields, "default": value})
