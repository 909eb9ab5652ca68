"""compile_schema: validate one family version and build its fast form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .family import (
    AVAILABLE_WHEN,
    BOOLEAN,
    CHECKED_KINDS,
    CHOICE,
    COMPARISONS,
    CONSTRAINT,
    DECIMAL,
    DEFAULT,
    DERIVE,
    EXCLUDES,
    INTEGER,
    MULTI,
    NUMERIC_KINDS,
    OPTION_KINDS,
    QUANTITY,
    REQUIRES,
    RULE_KINDS,
    TEXT,
    Atom,
    Choice,
    CompiledFamily,
    Option,
    QuantityBreak,
    Rule,
)
from .parse import UNSET, _to_decimal, normalise_decimal, on_step, parse_value
from .results import SchemaError

OPS_BY_KIND = {
    CHOICE: ("is", "is_not", "in", "not_in", "filled", "empty"),
    MULTI: ("is", "is_not", "includes", "not_includes", "filled", "empty"),
    BOOLEAN: ("is", "is_not", "filled", "empty"),
    INTEGER: ("is", "is_not", "lt", "lte", "gt", "gte", "filled", "empty"),
    DECIMAL: ("is", "is_not", "lt", "lte", "gt", "gte", "filled", "empty"),
    QUANTITY: ("is", "is_not", "lt", "lte", "gt", "gte", "filled", "empty"),
    TEXT: ("is", "is_not", "filled", "empty"),
}
DEFAULT_DECIMAL_STEP = Decimal("0.01")


class _Problems(list):
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


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _money(raw: Mapping[str, Any], key: str, where: str, problems: _Problems) -> Decimal:
    value = raw.get(key, "0")
    number = _to_decimal(value) if value is not None else Decimal(0)
    if number is None:
        problems.add(where, f"“{key}” must be a number, not {value!r}")
        return Decimal(0)
    return number


def _days(raw: Mapping[str, Any], key: str, where: str, problems: _Problems) -> int:
    value = raw.get(key, 0)
    if value is None:
        return 0
    if not _is_int(value) or value < 0:
        problems.add(where, f"“{key}” must be a whole number of days, 0 or more, not {value!r}")
        return 0
    return value


def _choices(raw: Mapping[str, Any], where: str, problems: _Problems) -> tuple[Choice, ...]:
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
                price=_money(item, "price", here, problems),
                cost=_money(item, "cost", here, problems),
                lead_days=_days(item, "lead_days", here, problems),
            )
        )
    return tuple(choices)


def _numeric_limits(raw: Mapping[str, Any], kind: str, where: str, problems: _Problems) -> dict[str, Any]:
    whole = kind != DECIMAL

    def number(key: str, fallback: Any) -> Any:
        value = raw.get(key, fallback)
        if value is None:
            value = fallback
        parsed = _to_decimal(value)
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
        price_per_unit=_money(raw, "price_per_unit", where, problems),
        cost_per_unit=_money(raw, "cost_per_unit", where, problems),
        unit=str(raw.get("unit") or ""),
    )
    return limits


def _compile_option(index: int, raw: Any, problems: _Problems) -> Option | None:
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
        fields["price"] = _money(raw, "price", where, problems)
        fields["cost"] = _money(raw, "cost", where, problems)
        fields["lead_days"] = _days(raw, "lead_days", where, problems)
    if kind in NUMERIC_KINDS:
        fields.update(_numeric_limits(raw, kind, where, problems))
        fields["lead_days"] = _days(raw, "lead_days", where, problems)
    if kind == MULTI:
        low = raw.get("min_selected", 0) or 0
        high = raw.get("max_selected")
        if not _is_int(low) or low < 0 or (high is not None and (not _is_int(high) or high < 0)):
            problems.add(where, "“min_selected” and “max_selected” must be whole numbers, 0 or more")
        elif high is not None and low > high:
            problems.add(where, f"“min_selected” ({low}) is more than “max_selected” ({high})")
        else:
            fields["min_selected"], fields["max_selected"] = low, high
    if kind == TEXT:
        low = raw.get("min_length", 0) or 0
        high = raw.get("max_length")
        if not _is_int(low) or low < 0 or (high is not None and (not _is_int(high) or high < 0)):
            problems.add(where, "“min_length” and “max_length” must be whole numbers, 0 or more")
        elif high is not None and max(low, 1 if fields["required"] else 0) > high:
            problems.add(where, f"“min_length” ({low}) is more than “max_length” ({high})")
        else:
            # "required" text means at least one character
            fields["min_length"] = max(low, 1) if fields["required"] else low
            fields["max_length"] = high
        pattern = raw.get("pattern")
        if pattern:
            try:
                fields["pattern"] = re.compile(pattern)
            except (re.error, TypeError) as error:
                problems.add(where, f"the pattern does not compile ({error})")
        fields["pattern_help"] = str(raw.get("pattern_help") or "")
    if len(problems) > before:
        return None
    fields["blank"] = {CHOICE: None, MULTI: [], BOOLEAN: False, TEXT: ""}.get(kind, fields.get("blank"))
    probe = Option(**fields)
    default = raw.get("default")
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
            # an under-filled default is allowed; evaluate reports it until the shopper ticks more
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


def _atom_value(option: Option, value: Any, where: str, problems: _Problems) -> Any:
    """The normalised value an is/is_not/lt... atom compares with; UNSET if unusable."""
    kind = option.kind
    if kind in NUMERIC_KINDS:
        number = _to_decimal(value)
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


def _compile_atom(raw: Any, by_code: Mapping[str, Option], where: str, problems: _Problems) -> Atom | None:
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


def _atoms(raw: Mapping[str, Any], key: str, by_code: Mapping[str, Option], where: str, problems: _Problems):
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


def _compile_rule(index: int, raw: Any, by_code: Mapping[str, Option], problems: _Problems) -> Rule | None:
    if not isinstance(raw, Mapping):
        problems.add(f"Rule {index + 1}", "must be an object")
        return None
    rule_id = raw.get("id")
    if not _is_int(rule_id):
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
    if kind in (REQUIRES, EXCLUDES):
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
    if kind == CONSTRAINT:
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
        factor = _to_decimal(right.get("factor", 1) if right.get("factor") is not None else 1)
        offset = _to_decimal(right.get("offset", 0) if right.get("offset") is not None else 0)
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
    code = raw.get("option")
    option = by_code.get(code) if isinstance(code, str) else None
    if option is None:
        problems.unknown_option(where, code)
        return None
    if when is None:
        return None
    if kind == AVAILABLE_WHEN:
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
    # default and derive
    if "value" not in raw:
        problems.add(where, "needs a “value”")
        return None
    value, problem = parse_value(option, raw.get("value"))
    if problem is not None or value is UNSET:
        reason = problem.message.split(": ", 1)[-1] if problem else "a value is needed"
        problems.add(where, f"the value {raw.get('value')!r} does not fit option “{code}” ({reason})")
        return None
    return Rule(**base, when=when, option=code, value=value, fields=_unique([code] + [atom.option for atom in when]))


def _quantity_breaks(raw: Any, problems: _Problems) -> tuple[QuantityBreak, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add("Quantity breaks", "must be a list")
        return ()
    breaks: dict[int, QuantityBreak] = {}
    for position, item in enumerate(raw):
        where = f"Quantity break {position + 1}"
        if not isinstance(item, Mapping):
            problems.add(where, "must be an object")
            continue
        minimum = item.get("min_quantity")
        percent = _to_decimal(item.get("discount_percent"))
        if not _is_int(minimum) or minimum < 1:
            problems.add(where, f"“min_quantity” must be a whole number, 1 or more, not {minimum!r}")
        elif percent is None or not 0 <= percent <= 100:
            problems.add(where, f"“discount_percent” must be between 0 and 100, not {item.get('discount_percent')!r}")
        elif minimum in breaks:
            problems.add(where, f"a break for {minimum} already exists")
        else:
            breaks[minimum] = QuantityBreak(minimum, percent)
    return tuple(sorted(breaks.values(), key=lambda brk: brk.min_quantity))


def _resolution_order(options: tuple[Option, ...], rules: tuple[Rule, ...]) -> tuple[str, ...]:
    """Options set by default/derive rules, each after the options its rules read (Kahn's
    algorithm, ties by option order). Options on a circle (check_schema reports those) go last,
    in option order, so evaluation stays deterministic."""
    targets = {rule.option for rule in rules if rule.kind in (DEFAULT, DERIVE)}
    depends: dict[str, set[str]] = {code: set() for code in targets}
    for rule in rules:
        if rule.kind in (DEFAULT, DERIVE):
            depends[rule.option] |= {atom.option for atom in rule.when if atom.option in targets}
    position = {option.code: option.index for option in options}
    order: list[str] = []
    remaining = dict(depends)
    while True:
        ready = sorted((code for code, needs in remaining.items() if not needs - set(order)), key=position.get)
        if not ready:
            break
        order.append(ready[0])
        del remaining[ready[0]]
    order.extend(sorted(remaining, key=position.get))
    return tuple(order)


def compile_schema(schema: Mapping[str, Any]) -> CompiledFamily:
    """Validate a family schema and build its compiled form.

    Guarantees: every option, choice and rule reference resolves; limits are consistent
    (min <= max, defaults in range, on step, matching the pattern); rule values fit their
    options. Raises SchemaError listing every problem found, in schema order. The result is
    immutable; cache it per (family, version).
    """
    from .index import build_index  # the index needs the compiled family, not the reverse
    from .pricing import build_price_list

    problems = _Problems()
    if not isinstance(schema, Mapping):
        raise SchemaError(["The schema must be an object"])
    family = schema.get("family")
    version = schema.get("version")
    if not isinstance(family, str) or not family.strip():
        problems.add("Schema", "needs a “family” code")
    if not _is_int(version):
        problems.add("Schema", f"needs a whole-number “version”, not {version!r}")
    currency = schema.get("currency", "GBP")
    if not isinstance(currency, str) or not currency:
        problems.add("Schema", "needs a “currency”")
    base_price = _money(schema, "base_price", "Schema", problems)
    base_cost = _money(schema, "base_cost", "Schema", problems)
    base_lead_days = _days(schema, "base_lead_days", "Schema", problems)

    raw_options = schema.get("options")
    if not isinstance(raw_options, list):
        problems.add("Schema", "“options” must be a list")
        raw_options = []
    options: list[Option] = []
    seen: set[str] = set()
    for raw in raw_options:
        option = _compile_option(len(options), raw, problems)
        if option is None:
            if isinstance(raw, Mapping) and isinstance(raw.get("code"), str):
                problems.broken_options.add(raw["code"])
            continue
        if option.code in seen:
            problems.add(f"Option “{option.code}”", "appears twice")
            continue
        seen.add(option.code)
        options.append(option)
    quantity_codes = [option.code for option in options if option.kind == QUANTITY]
    if len(quantity_codes) > 1:
        problems.add("Schema", f"has more than one quantity option ({', '.join(quantity_codes)})")
    by_code = {option.code: option for option in options}

    raw_rules = schema.get("rules", [])
    if not isinstance(raw_rules, list):
        problems.add("Schema", "“rules” must be a list")
        raw_rules = []
    rules: list[Rule] = []
    ids: set[int] = set()
    for raw in raw_rules:
        rule = _compile_rule(len(rules), raw, by_code, problems)
        if rule is None:
            continue
        if rule.id in ids:
            problems.add(f"Rule {rule.id}", "the id is used twice")
            continue
        ids.add(rule.id)
        rules.append(rule)
    breaks = _quantity_breaks(schema.get("quantity_breaks"), problems)
    if problems:
        raise SchemaError(list(problems))

    rules_t = tuple(rules)
    checked = tuple(rule for rule in rules_t if rule.kind in CHECKED_KINDS)
    naming: dict[str, list[Rule]] = {option.code: [] for option in options}
    for rule in checked:
        for code in rule.fields:
            naming[code].append(rule)
    compiled = CompiledFamily(
        family=family,
        version=version,
        currency=currency,
        base_price=base_price,
        base_cost=base_cost,
        base_lead_days=base_lead_days,
        options=tuple(options),
        rules=rules_t,
        quantity_breaks=breaks,
        quantity_option=quantity_codes[0] if quantity_codes else None,
        by_code=by_code,
        checked_rules=checked,
        resolution_order=_resolution_order(tuple(options), rules_t),
        derive_rules={
            code: tuple(rule for rule in rules_t if rule.kind == DERIVE and rule.option == code) for code in by_code
        },
        default_rules={
            code: tuple(rule for rule in rules_t if rule.kind == DEFAULT and rule.option == code) for code in by_code
        },
        rules_naming={code: tuple(found) for code, found in naming.items()},
    )
    # both are derived from the fields above; set once, before anyone else sees the object
    object.__setattr__(compiled, "index", build_index(compiled))
    object.__setattr__(compiled, "price_list", build_price_list(compiled))
    return compiled
