"""Hypothesis strategies: small random family schemas (valid for compile_schema) and raw
shopper input for them, good and bad. Ranges stay small so the naive evaluator stays quick."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

PRICES = ["0", "0", "5", "12.50", "30"]
MESSAGES = ["Shared reason"] + [f"Reason {n}" for n in range(12)]
KINDS = ["choice", "choice", "choice", "boolean", "multi", "integer", "decimal", "text"]
NUMERIC = ("integer", "decimal", "quantity")


@st.composite
def option_schemas(draw, index: int) -> dict:
    kind = draw(st.sampled_from(KINDS))
    code = f"o{index}"
    option = {"code": code, "name": f"Option {index}", "kind": kind}
    if kind in ("choice", "multi"):
        # now and then more choices than the evaluator keeps a per-mask table for
        count = draw(st.sampled_from([2, 3, 3, 4, 4, 11]))
        option["choices"] = [
            {
                "code": f"c{k}",
                "name": f"Choice {k}",
                "price": draw(st.sampled_from(PRICES)),
                "cost": "1",
                "lead_days": draw(st.integers(0, 2)),
            }
            for k in range(count)
        ]
        codes = [choice["code"] for choice in option["choices"]]
        if kind == "choice":
            option["required"] = draw(st.booleans())
            option["default"] = draw(st.sampled_from([None, *codes]))
        else:
            option["min_selected"] = draw(st.sampled_from([0, 0, 1]))
            option["max_selected"] = draw(st.sampled_from([None, 2]))
            limit = 2 if option["max_selected"] else count
            option["default"] = sorted(draw(st.sets(st.sampled_from(codes), max_size=limit)))
    elif kind == "boolean":
        option.update(
            default=draw(st.booleans()), price=draw(st.sampled_from(PRICES)), lead_days=draw(st.integers(0, 2))
        )
    elif kind in ("integer", "decimal"):
        if kind == "integer":
            low, step = draw(st.integers(0, 5)), draw(st.integers(1, 3))
        else:
            low, step = Decimal("0.5"), draw(st.sampled_from([Decimal("0.5"), Decimal("0.25")]))
        count = draw(st.integers(1, 6))
        high = low + count * step + draw(st.sampled_from([0, 0, step / 2 if kind == "decimal" else 0]))
        default = low + draw(st.integers(0, count)) * step
        option.update(
            min=str(low),
            max=str(high),
            step=str(step),
            default=str(default),
            base_value=str(low),
            price_per_unit=draw(st.sampled_from(["0", "1.50", "2"])),
            lead_days=draw(st.integers(0, 1)),
        )
    else:  # text
        option.update(
            min_length=draw(st.sampled_from([0, 0, 1])),
            max_length=draw(st.integers(2, 4)),
            pattern="^[a-c]*$",
            default=draw(st.sampled_from(["", "ab"])),
            price=draw(st.sampled_from(PRICES)),
            lead_days=draw(st.integers(0, 1)),
        )
    return option


def _grid(option: dict) -> list:
    low, high, step = Decimal(option["min"]), Decimal(option["max"]), Decimal(option.get("step", "1"))
    values = []
    value = low
    while value <= high:
        values.append(int(value) if option["kind"] != "decimal" else value)
        value += step
    return values


def _values(option: dict) -> list:
    """Valid values of the option (for atoms and rule values)."""
    kind = option["kind"]
    if kind == "choice":
        return [choice["code"] for choice in option["choices"]]
    if kind == "boolean":
        return [False, True]
    if kind == "text":
        return ["a", "ab", "abc"][: option["max_length"] - 1]
    if kind == "multi":
        codes = [choice["code"] for choice in option["choices"]]
        subsets = [[code] for code in codes] + [codes[:2]]
        high = option.get("max_selected") or len(codes)
        return [subset for subset in subsets if option.get("min_selected", 0) <= len(subset) <= high]
    return _grid(option)


@st.composite
def atoms(draw, options: list[dict]) -> dict:
    option = draw(st.sampled_from(options))
    code, kind = option["code"], option["kind"]
    if draw(st.integers(0, 9)) == 0:
        return {"option": code, "op": draw(st.sampled_from(["filled", "empty"]))}
    if kind == "choice":
        codes = _values(option)
        op = draw(st.sampled_from(["is", "is_not", "in", "not_in"]))
        if op in ("in", "not_in"):
            return {"option": code, "op": op, "values": draw(st.lists(st.sampled_from(codes), min_size=1, max_size=2))}
        return {"option": code, "op": op, "value": draw(st.sampled_from(codes))}
    if kind == "boolean":
        return {"option": code, "op": draw(st.sampled_from(["is", "is_not"])), "value": draw(st.booleans())}
    if kind == "multi":
        codes = [choice["code"] for choice in option["choices"]]
        op = draw(st.sampled_from(["includes", "includes", "not_includes", "is", "is_not"]))
        if op in ("is", "is_not"):
            return {"option": code, "op": op, "value": sorted(draw(st.sets(st.sampled_from(codes), max_size=2)))}
        return {"option": code, "op": op, "value": draw(st.sampled_from(codes))}
    if kind == "text":
        return {
            "option": code,
            "op": draw(st.sampled_from(["is", "is_not"])),
            "value": draw(st.sampled_from(["a", "ab", ""])),
        }
    grid = _grid(option)
    value = draw(st.sampled_from(grid))
    if draw(st.booleans()) and len(grid) > 1:
        value = (Decimal(str(grid[0])) + Decimal(str(grid[1]))) / 2  # between two steps
    return {
        "option": code,
        "op": draw(st.sampled_from(["lt", "lte", "gt", "gte", "is", "is_not"])),
        "value": str(value),
    }


@st.composite
def rule_schemas(draw, rule_id: int, options: list[dict], derive: bool, acyclic: bool = False) -> dict:
    numeric = [option for option in options if option["kind"] in NUMERIC]
    selectable = [option for option in options if option["kind"] in ("choice", "multi", "boolean")]
    kinds = ["requires", "requires", "excludes", "excludes"]
    kinds += ["available_when"] * bool(selectable) + ["constraint"] * bool(numeric)
    kinds += ["default", "derive"] if derive else []
    kind = draw(st.sampled_from(kinds))
    message = draw(st.sampled_from(MESSAGES))
    rule = {"id": rule_id, "kind": kind, "message": message}
    when = draw(st.lists(atoms(options), max_size=2))
    if kind in ("requires", "excludes"):
        rule.update(when=when, then=draw(st.lists(atoms(options), min_size=1, max_size=2)))
    elif kind == "available_when":
        option = draw(st.sampled_from(selectable))
        keys = ["true", "false"] if option["kind"] == "boolean" else [choice["code"] for choice in option["choices"]]
        rule.update(
            option=option["code"], choices=draw(st.lists(st.sampled_from(keys), min_size=1, max_size=2)), when=when
        )
    elif kind == "constraint":
        right = draw(st.sampled_from([None, *numeric]))
        rule.update(
            left=draw(st.sampled_from(numeric))["code"],
            op=draw(st.sampled_from(["lt", "lte", "gt", "gte", "eq", "ne"])),
            right={
                "option": right["code"] if right else None,
                "factor": draw(st.sampled_from(["0.5", "1", "2", "-1"])),
                "offset": draw(st.sampled_from(["0", "1", "-2", "2.5"])),
            },
        )
    else:
        option = draw(st.sampled_from(options[1:] if acyclic else options))
        # acyclic: a default/derive rule only reads options listed before the one it sets
        readable = options[: options.index(option)] if acyclic else options
        rule.update(option=option["code"], value=draw(st.sampled_from(_values(option))), when=[draw(atoms(readable))])
    return rule


@st.composite
def family_schemas(draw, derive: bool = True, defaults: bool = True, acyclic: bool = False) -> dict:
    """A small family; derive=False leaves out derive rules, defaults=False default rules,
    acyclic=True makes default/derive rules read only earlier options (no circles)."""
    count = draw(st.integers(2, 5))
    options = [draw(option_schemas(index)) for index in range(count)]
    if draw(st.booleans()):
        options.append(
            {
                "code": "qty",
                "name": "Quantity",
                "kind": "quantity",
                "min": 1,
                "max": draw(st.integers(1, 12)),
                "default": 1,
            }
        )
    rules = []
    for rule_id in range(1, draw(st.integers(0, 6)) + 1):
        rule = draw(rule_schemas(rule_id, options, derive=derive or defaults, acyclic=acyclic))
        if (rule["kind"] == "derive" and not derive) or (rule["kind"] == "default" and not defaults):
            continue
        rules.append(rule)
    return {
        "family": "generated",
        "version": 1,
        "currency": "GBP",
        "base_price": draw(st.sampled_from(["0", "99.99", "1000"])),
        "base_cost": "10",
        "base_lead_days": draw(st.integers(0, 10)),
        "options": options,
        "rules": rules,
        "quantity_breaks": [
            {"min_quantity": 3, "discount_percent": "10"},
            {"min_quantity": 6, "discount_percent": "12.5"},
        ],
    }


JUNK = st.sampled_from(["zzz", "", " ", -1, 10**6, "1.5", "0.3", [], {"a": 1}, None, True, "on", 2.5])


@st.composite
def raw_values(draw, schema: dict) -> dict:
    """What a shopper might send: valid values (typed or as form strings), junk, extra keys."""
    raw = {}
    for option in schema["options"]:
        mode = draw(st.integers(0, 9))
        if mode < 3:
            continue
        if mode == 9:
            raw[option["code"]] = draw(JUNK)
            continue
        if option["kind"] == "multi":
            codes = [choice["code"] for choice in option["choices"]]
            value = sorted(draw(st.sets(st.sampled_from(codes), max_size=3)))
        elif option["kind"] == "quantity":
            value = draw(st.integers(1, option["max"]))
        else:
            value = draw(st.sampled_from(_values(option)))
        if mode == 8 and not isinstance(value, list):
            value = ("true" if value else "false") if isinstance(value, bool) else str(value)  # as a form sends it
        raw[option["code"]] = value
    if draw(st.integers(0, 9)) == 0:
        raw["price"] = "0.01"
    return raw


@st.composite
def families_with_input(draw, **options) -> tuple[dict, dict]:
    schema = draw(family_schemas(**options))
    return schema, draw(raw_values(schema))
