"""compile_schema: validate one family version and build its fast form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .family import (
    CHECKED_KINDS,
    DEFAULT,
    DERIVE,
    QUANTITY,
    CompiledFamily,
    Option,
    QuantityBreak,
    Rule,
)
from .parse import to_decimal
from .results import SchemaError
from .schema_options import Problems, compile_option, days_field, is_int, money_field
from .schema_rules import compile_rule


def _quantity_breaks(raw: Any, problems: Problems) -> tuple[QuantityBreak, ...]:
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
        percent = to_decimal(item.get("discount_percent"))
        if not is_int(minimum) or minimum < 1:
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
    from .codegen import build_analyser
    from .index import build_index  # the index needs the compiled family, not the reverse
    from .pricing import build_price_list

    problems = Problems()
    if not isinstance(schema, Mapping):
        raise SchemaError(["The schema must be an object"])
    header = _header(schema, problems)
    options = _compile_options(schema, problems)
    quantity_option = _quantity_option(options, problems)
    by_code = {option.code: option for option in options}
    rules = _compile_rules(schema, by_code, problems)
    breaks = _quantity_breaks(schema.get("quantity_breaks"), problems)
    if problems:
        raise SchemaError(list(problems))

    checked = tuple(rule for rule in rules if rule.kind in CHECKED_KINDS)
    compiled = CompiledFamily(
        **header,
        options=options,
        rules=rules,
        quantity_breaks=breaks,
        quantity_option=quantity_option,
        by_code=by_code,
        checked_rules=checked,
        resolution_order=_resolution_order(options, rules),
        derive_rules={
            code: tuple(rule for rule in rules if rule.kind == DERIVE and rule.option == code) for code in by_code
        },
        default_rules={
            code: tuple(rule for rule in rules if rule.kind == DEFAULT and rule.option == code) for code in by_code
        },
        rules_naming=_rules_naming(options, checked),
    )
    # all three are derived from the fields above; set once, before anyone else sees the object
    object.__setattr__(compiled, "index", build_index(compiled))
    object.__setattr__(compiled, "price_list", build_price_list(compiled))
    object.__setattr__(compiled, "analyser", build_analyser(compiled))
    return compiled


def _header(schema: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    """The family's own fields (code, version, currency, base price, cost and lead days), each
    checked; a bad one is reported and stood in for so the rest can still be checked."""
    family = schema.get("family")
    version = schema.get("version")
    if not isinstance(family, str) or not family.strip():
        problems.add("Schema", "needs a “family” code")
    if not is_int(version):
        problems.add("Schema", f"needs a whole-number “version”, not {version!r}")
    currency = schema.get("currency", "GBP")
    if not isinstance(currency, str) or not currency:
        problems.add("Schema", "needs a “currency”")
    return {
        "family": family,
        "version": version,
        "currency": currency,
        "base_price": money_field(schema, "base_price", "Schema", problems),
        "base_cost": money_field(schema, "base_cost", "Schema", problems),
        "base_lead_days": days_field(schema, "base_lead_days", "Schema", problems),
    }


def _compile_options(schema: Mapping[str, Any], problems: Problems) -> tuple[Option, ...]:
    """The options that compile, in schema order, each code once. The codes of those that do
    not are remembered, so rules naming them are not reported a second time."""
    raw_options = schema.get("options")
    if not isinstance(raw_options, list):
        problems.add("Schema", "“options” must be a list")
        raw_options = []
    options: list[Option] = []
    seen: set[str] = set()
    for raw in raw_options:
        option = compile_option(len(options), raw, problems)
        if option is None:
            if isinstance(raw, Mapping) and isinstance(raw.get("code"), str):
                problems.broken_options.add(raw["code"])
            continue
        if option.code in seen:
            problems.add(f"Option “{option.code}”", "appears twice")
            continue
        seen.add(option.code)
        options.append(option)
    return tuple(options)


def _quantity_option(options: tuple[Option, ...], problems: Problems) -> str | None:
    """The code of the family's quantity option, if it has one; more than one is a problem."""
    quantity_codes = [option.code for option in options if option.kind == QUANTITY]
    if len(quantity_codes) > 1:
        problems.add("Schema", f"has more than one quantity option ({', '.join(quantity_codes)})")
    return quantity_codes[0] if quantity_codes else None


def _compile_rules(schema: Mapping[str, Any], by_code: Mapping[str, Option], problems: Problems) -> tuple[Rule, ...]:
    """The rules that compile against the options, in schema order, each id once."""
    raw_rules = schema.get("rules", [])
    if not isinstance(raw_rules, list):
        problems.add("Schema", "“rules” must be a list")
        raw_rules = []
    rules: list[Rule] = []
    ids: set[int] = set()
    for raw in raw_rules:
        rule = compile_rule(len(rules), raw, by_code, problems)
        if rule is None:
            continue
        if rule.id in ids:
            problems.add(f"Rule {rule.id}", "the id is used twice")
            continue
        ids.add(rule.id)
        rules.append(rule)
    return tuple(rules)


def _rules_naming(options: tuple[Option, ...], checked: tuple[Rule, ...]) -> dict[str, tuple[Rule, ...]]:
    """Per option code, the checked rules that name it, in schema order (the search tries a
    numeric option's nearest values against these first)."""
    naming: dict[str, list[Rule]] = {option.code: [] for option in options}
    for rule in checked:
        for code in rule.fields:
            naming[code].append(rule)
    return {code: tuple(found) for code, found in naming.items()}
