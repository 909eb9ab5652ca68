"""From the rows staff edit to the schema dict the engine reads, and back to problems in words.

It reads the rows it is given (their kinds through `option.Kind`) and imports no model, so the
models' own validation (`Rule.clean`) calls it without an import cycle.
"""

from decimal import Decimal

from .engine import check_schema


def _number(value, option):
    if value is None:
        return None
    if option.kind in (option.Kind.INTEGER, option.Kind.QUANTITY):
        return int(value)
    return str(Decimal(value).normalize())


def _default(option):
    raw = option.default.strip()
    if option.kind == option.Kind.MULTI:
        return sorted(code.strip() for code in raw.split(",") if code.strip())
    if option.kind == option.Kind.BOOLEAN:
        return raw.lower() in ("true", "yes", "1", "on")
    if option.kind in option.NUMERIC_KINDS:
        return _number(raw, option) if raw else _number(option.minimum, option)
    if option.kind == option.Kind.CHOICE:
        return raw or None
    return raw


def _option(option):
    data = {
        "code": option.code,
        "name": option.name,
        "group": option.group.name if option.group else "",
        "kind": option.kind,
        "required": option.required,
        "help": option.help_text,
        "default": _default(option),
    }
    if option.kind in (option.Kind.CHOICE, option.Kind.MULTI):
        data["choices"] = [
            {
                "code": choice.code,
                "name": choice.name,
                "swatch": choice.swatch or None,
                "price": str(choice.price),
                "cost": str(choice.cost),
                "lead_days": choice.lead_days,
            }
            for choice in option.choices.all()
        ]
        if option.kind == option.Kind.MULTI:
            data["min_selected"] = option.min_selected
            data["max_selected"] = option.max_selected
    elif option.kind in option.NUMERIC_KINDS:
        data.update(
            {
                "min": _number(option.minimum, option),
                "max": _number(option.maximum, option),
                "step": _number(option.step, option) if option.step is not None else None,
                "unit": option.unit,
                "unit_singular": option.unit_singular,
            }
        )
        if option.kind != option.Kind.QUANTITY:
            data.update(
                {
                    "base_value": _number(
                        option.base_value if option.base_value is not None else option.minimum, option
                    ),
                    "price_per_unit": str(option.price_per_unit),
                    "cost_per_unit": str(option.cost_per_unit),
                    "lead_days": option.lead_days,
                }
            )
    if option.kind in (option.Kind.BOOLEAN, option.Kind.TEXT):
        data.update({"price": str(option.price), "cost": str(option.cost), "lead_days": option.lead_days})
    if option.kind == option.Kind.TEXT:
        data.update(
            {
                "min_length": option.min_length,
                "max_length": option.max_length,
                "pattern": option.pattern or None,
                "pattern_help": option.pattern_help,
            }
        )
    return data


def _rule(rule):
    return {"id": rule.pk, "kind": rule.kind, "message": rule.message, **rule.definition}


def build_schema(family, *, version_number=0, rules=None):
    """The family's current draft as the engine's schema dict (not yet checked)."""
    options = family.options.select_related("group").prefetch_related("choices")
    if rules is None:
        rules = family.rules.filter(active=True)
    return {
        "family": family.slug,
        "version": version_number,
        "currency": "GBP",
        "base_price": str(family.base_price),
        "base_cost": str(family.base_cost),
        "base_lead_days": family.base_lead_days,
        "options": [_option(option) for option in options],
        "rules": [_rule(rule) for rule in rules],
        "quantity_breaks": [
            {"min_quantity": brk.min_quantity, "discount_percent": str(brk.discount_percent)}
            for brk in family.quantity_breaks.all()
        ],
    }


def draft_schema_problems(family, *, replacing=None):
    """Problems of the family's draft, with `replacing` (an unsaved rule) in place of its stored self."""
    rules = [rule for rule in family.rules.filter(active=True) if replacing is None or rule.pk != replacing.pk]
    if replacing is not None and replacing.active:
        if replacing.pk is None:
            replacing.pk = 0  # a stand-in id so messages can name the new rule
            try:
                return check_schema(build_schema(family, rules=[*rules, replacing]))
            finally:
                replacing.pk = None
        rules.append(replacing)
    return check_schema(build_schema(family, rules=rules))
