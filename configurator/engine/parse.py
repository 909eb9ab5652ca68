"""Turning a shopper's values into normalised option values.

A shopper's values (the JSON API's, a saved design's, a basket line's) are checked in one
place, `parse_values`, and must have their option's JSON type: a choice takes a string, a
multiple choice a list of strings, yes/no a boolean, a whole number or quantity a number, a
decimal a number or a numeric string (decimals are stored and returned as strings), a text a
string; null means "not given". Anything else is refused on its field: a list for a choice
is not quietly read as its first item. HTML forms can only send strings, so `form_value`
first turns a form's strings into those types ("on" into true, "400" into 400); what it
cannot turn, it passes on for `parse_values` to refuse.

Normalised values: choice -> code or None, multi -> alphabetically sorted list of codes,
boolean -> bool, integer/quantity -> int, decimal -> Decimal (at the step's precision),
text -> str with surrounding whitespace stripped. Nothing here trusts a price: the only keys
that mean anything are option codes.

`parse_value` is the lenient reader behind both, also used for values merchandisers write in
a schema (defaults, rule values), where "true" and 380 are fine.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .family import BOOLEAN, CHOICE, DECIMAL, INTEGER, MULTI, QUANTITY, TEXT, CompiledFamily, Option
from .results import Problem


class _Unset:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
TRUE_WORDS = frozenset({"true", "on", "1", "yes"})
FALSE_WORDS = frozenset({"false", "off", "0", "no"})


def format_number(value: Any, option: Option | None = None) -> str:
    """A number with its option's unit, as it reads after that number: "1 shirt", "2 shirts"."""
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    if option is not None and option.unit:
        return f"{text} {unit_after(value, option.unit, option.unit_singular)}"
    return text


def unit_after(value: Any, unit: str, unit_singular: str = "") -> str:
    """The unit after `value`: its singular form after exactly one, if it has one."""
    return unit_singular if unit_singular and value == 1 and not isinstance(value, bool) else unit


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _problem(option: Option, code: str, message: str) -> Problem:
    return Problem(option.code, None, code, f"{option.name}: {message}", (option.code,))


def to_decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, int):
        return Decimal(raw)
    elif isinstance(raw, float):
        # repr() gives the shortest string that round-trips, so 12.5 stays 12.5
        number = Decimal(repr(raw))
    elif isinstance(raw, str):
        try:
            number = Decimal(raw.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def on_step(option: Option, number: Any) -> bool:
    return (number - option.min) % option.step == 0


def normalise_decimal(option: Option, number: Decimal) -> Decimal:
    """The canonical form of a decimal value: quantized to the step's exponent (12.5 and 12.50
    are the same configuration)."""
    exponent = option.step.as_tuple().exponent
    if isinstance(exponent, int) and exponent < 0:
        try:
            return number.quantize(Decimal(1).scaleb(exponent))
        except InvalidOperation:
            return number
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def parse_value(option: Option, raw: Any) -> tuple[Any, Problem | None]:
    """Parse one raw value leniently: (normalised value, None), (UNSET, None) for "no value
    given", or (UNSET, problem) when the value cannot be used."""
    kind = option.kind
    if kind != MULTI and isinstance(raw, list | tuple):
        # a schema's default may be written as a one-item list
        if not raw:
            return UNSET, None
        if len(raw) > 1:
            return UNSET, _problem(option, "invalid", "give a single value.")
        raw = raw[0]
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return UNSET, None
    if kind == CHOICE:
        return _parse_choice(option, raw)
    if kind == MULTI:
        return _parse_multi(option, raw)
    if kind == BOOLEAN:
        return _parse_boolean(option, raw)
    if kind in (INTEGER, QUANTITY, DECIMAL):
        return _parse_number(option, raw)
    if kind == TEXT:
        return _parse_text(option, raw)
    return UNSET, _problem(option, "invalid", "this value is not recognised.")  # pragma: no cover


def _parse_choice(option: Option, raw: Any) -> tuple[Any, Problem | None]:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        return UNSET, _problem(option, "invalid", "choose one of the listed options.")
    code = raw.strip()
    if code not in option.choice_index:
        return UNSET, _problem(option, "invalid_choice", f"“{code}” is not one of the choices.")
    return code, None


def _parse_multi(option: Option, raw: Any) -> tuple[Any, Problem | None]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple | set | frozenset):
        return UNSET, _problem(option, "invalid", "choose from the listed options.")
    codes: set[str] = set()
    for item in raw:
        if not isinstance(item, str):
            return UNSET, _problem(option, "invalid", "choose from the listed options.")
        code = item.strip()
        if not code:
            # an empty hidden input lets a form say "submitted, nothing ticked"
            continue
        if code not in option.choice_index:
            return UNSET, _problem(option, "invalid_choice", f"“{code}” is not one of the choices.")
        codes.add(code)
    if option.max_selected is not None and len(codes) > option.max_selected:
        return UNSET, _problem(option, "too_many", f"choose at most {option.max_selected}.")
    if len(codes) < option.min_selected:
        return UNSET, _problem(option, "too_few", f"choose at least {option.min_selected}.")
    return sorted(codes), None


def _parse_boolean(option: Option, raw: Any) -> tuple[Any, Problem | None]:
    if isinstance(raw, bool):
        return raw, None
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw), None
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
    return UNSET, _problem(option, "invalid", "choose yes or no.")


def _parse_number(option: Option, raw: Any) -> tuple[Any, Problem | None]:
    whole = option.kind != DECIMAL
    number = to_decimal(raw)
    if number is None or (whole and number != number.to_integral_value()):
        return UNSET, _problem(option, "invalid", "enter a whole number." if whole else "enter a number.")
    value: Any = int(number) if whole else number
    if value < option.min:
        return UNSET, _problem(option, "below_min", f"the smallest is {format_number(option.min, option)}.")
    if value > option.max:
        return UNSET, _problem(option, "above_max", f"the largest is {format_number(option.max, option)}.")
    if not on_step(option, value):
        return UNSET, _problem(
            option,
            "off_step",
            f"use steps of {format_number(option.step, option)} from {format_number(option.min, option)}.",
        )
    if not whole:
        value = normalise_decimal(option, value)
    return value, None


def _parse_text(option: Option, raw: Any) -> tuple[Any, Problem | None]:
    if not isinstance(raw, str):
        return UNSET, _problem(option, "invalid", "enter some text.")
    text = raw.strip()
    if option.max_length is not None and len(text) > option.max_length:
        return UNSET, _problem(
            option, "too_long", f"use at most {_count(option.max_length, 'character', 'characters')}."
        )
    if len(text) < option.min_length:
        return UNSET, _problem(
            option, "too_short", f"use at least {_count(option.min_length, 'character', 'characters')}."
        )
    if option.pattern is not None and not option.pattern.fullmatch(text):
        hint = f"use only {option.pattern_help}." if option.pattern_help else "these characters are not allowed."
        return UNSET, _problem(option, "pattern", hint)
    return text, None


def missing_problem(option: Option, value: Any) -> Problem | None:
    """The problem with a value that came from defaults rather than the shopper, if any: a
    required choice left empty, a required text left blank, too few ticks in a multi."""
    if option.kind == CHOICE and option.required and value is None:
        return _problem(option, "required", "please choose one.")
    if option.kind == TEXT and len(value) < option.min_length:
        return _problem(option, "required", "please fill this in.")
    if option.kind == MULTI and len(value) < option.min_selected:
        return _problem(option, "too_few", f"choose at least {option.min_selected}.")
    return None


WRONG_TYPE = {
    CHOICE: "choose one of the listed options.",
    MULTI: "choose from the listed options.",
    BOOLEAN: "choose yes or no.",
    INTEGER: "enter a whole number.",
    QUANTITY: "enter a whole number.",
    DECIMAL: "enter a number.",
    TEXT: "enter some text.",
}


def _is_number(raw: Any) -> bool:
    return isinstance(raw, int | float | Decimal) and not isinstance(raw, bool)


def _has_its_type(kind: str, raw: Any) -> bool:
    """Whether a shopper's value has the JSON type its option's kind takes (None: not given)."""
    if raw is None:
        return True
    if kind in (CHOICE, TEXT):
        return isinstance(raw, str)
    if kind == MULTI:
        return isinstance(raw, list | tuple) and all(isinstance(item, str) for item in raw)
    if kind == BOOLEAN:
        return isinstance(raw, bool)
    if kind == DECIMAL:
        return _is_number(raw) or isinstance(raw, str)
    return _is_number(raw)  # INTEGER, QUANTITY: 400.0 is a whole number, "400" is text


def form_value(option: Option, strings: list[str]) -> Any:
    """The value a form's strings for one option stand for, in the type `parse_values` takes.

    A multiple choice is every non-blank string (an empty hidden input means "submitted,
    nothing ticked"); any other kind is the last string (a check box travels after a hidden
    "false"). Blank is None, "not given". A string that is no yes/no word or number is passed
    on as it is, for `parse_values` to refuse on its field.
    """
    if option.kind == MULTI:
        return [item for item in strings if item.strip()]
    if not strings or not strings[-1].strip():
        return None
    text = strings[-1]
    if option.kind == BOOLEAN:
        word = text.strip().lower()
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else text
    if option.kind in (INTEGER, QUANTITY):
        number = to_decimal(text)
        if number is None:
            return text
        return int(number) if number == number.to_integral_value() else number
    return text


def parse_values(
    compiled: CompiledFamily, raw_values: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Problem], dict[str, Problem]]:
    """Parse every raw value: (explicit values by code, unknown-key problems sorted by key,
    field problems by option code). The one check of a shopper's values: each must have its
    option's type (see the module's docstring), then be one its option accepts."""
    by_code = compiled.by_code
    explicit: dict[str, Any] = {}
    field_problems: dict[str, Problem] = {}
    unknown_keys = []
    for key, raw in raw_values.items():
        option = by_code.get(key)
        if option is None:
            unknown_keys.append(key)
            continue
        # the common, already-clean values skip the general parser
        kind = option.kind
        kind_of_raw = type(raw)
        if kind == CHOICE and kind_of_raw is str and raw in option.choice_index:
            explicit[key] = raw
            continue
        if kind == BOOLEAN and kind_of_raw is bool:
            explicit[key] = raw
            continue
        if (
            kind_of_raw is int
            and kind in (INTEGER, QUANTITY)
            and option.min <= raw <= option.max
            and (raw - option.min) % option.step == 0
        ):
            explicit[key] = raw
            continue
        if not _has_its_type(kind, raw):
            field_problems[key] = _problem(option, "invalid", WRONG_TYPE[kind])
            continue
        value, problem = parse_value(option, raw)
        if problem is not None:
            field_problems[key] = problem
        elif value is not UNSET:
            explicit[key] = value
    unknown = [
        Problem(str(key), None, "unknown_option", f"“{key}” is not an option of this product.", (str(key),))
        for key in sorted(unknown_keys, key=str)
    ]
    return explicit, unknown, field_problems
