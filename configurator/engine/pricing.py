"""quote: price, cost and lead time of a valid configuration. Decimal money throughout."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .family import BOOLEAN, CHOICE, DECIMAL, INTEGER, MULTI, TEXT, CompiledFamily
from .parse import format_number
from .results import Evaluation, Quote, QuoteLine

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def build_price_list(compiled: CompiledFamily) -> tuple[tuple[Any, ...], ...]:
    """Per priced option, what each value adds: (kind, code, table). Lines are immutable and
    shared between quotes; amounts are rounded once, here."""
    price_list = []
    for option in compiled.options:
        if option.kind in (CHOICE, MULTI):
            table = {}
            for choice in option.choices:
                line = (
                    QuoteLine(f"{option.name}: {choice.name}", money(choice.price), option.code)
                    if choice.price
                    else None
                )
                table[choice.code] = (line, choice.cost, choice.lead_days)
            order = {choice.code: position for position, choice in enumerate(option.choices)}
            price_list.append((option.kind, option.code, (table, order)))
        elif option.kind in (BOOLEAN, TEXT):
            line = QuoteLine(option.name, money(option.price), option.code) if option.price else None
            price_list.append((BOOLEAN, option.code, (line, option.cost, option.lead_days)))
        elif option.kind in (INTEGER, DECIMAL):
            price_list.append((INTEGER, option.code, option))
    return tuple(price_list)


def quote(compiled: CompiledFamily, evaluation_or_values: Evaluation | Mapping[str, Any]) -> Quote:
    """Price a configuration from the schema alone (any price the shopper sent is ignored).

    Guarantees: only a valid evaluation of this family version is quoted (ValueError
    otherwise); lines are per unit, each rounded to 0.01 half-up, and add up to
    `unit_price_after_discount`; `unit_price` is the sum of the base and option lines;
    `total` = unit_price_after_discount x quantity; lead_days = base + the lead days of every
    chosen choice, true boolean, filled text and numeric option set away from its base value.
    """
    evaluation = _valid_evaluation(compiled, evaluation_or_values)
    values = evaluation.values
    lines, unit_cost, lead_days = _option_lines(compiled, values)
    unit_price = sum([line.amount for line in lines], Decimal(0))
    quantity = values[compiled.quantity_option] if compiled.quantity_option else 1
    discount, unit_after = _quantity_discount(compiled, quantity, unit_price, lines)
    return Quote(
        currency=compiled.currency,
        unit_price=unit_price,
        quantity=quantity,
        discount_percent=discount,
        unit_price_after_discount=unit_after,
        total=money(unit_after * quantity),
        unit_cost=money(unit_cost),
        lead_days=lead_days,
        lines=lines,
    )


def _valid_evaluation(compiled: CompiledFamily, evaluation_or_values: Evaluation | Mapping[str, Any]) -> Evaluation:
    """The evaluation to quote (values are evaluated first), refused (ValueError) unless it is
    a valid one of this family version."""
    if isinstance(evaluation_or_values, Evaluation):
        evaluation = evaluation_or_values
    else:
        from .evaluate import evaluate

        evaluation = evaluate(compiled, evaluation_or_values)
    if (evaluation.family, evaluation.version) != (compiled.family, compiled.version):
        raise ValueError(
            f"evaluation is for {evaluation.family} v{evaluation.version}, not {compiled.family} v{compiled.version}"
        )
    if not evaluation.is_valid:
        raise ValueError(f"cannot quote an invalid configuration: {evaluation.errors[0].message}")
    return evaluation


def _option_lines(compiled: CompiledFamily, values: Mapping[str, Any]) -> tuple[list[QuoteLine], Decimal, int]:
    """The base line and one line per priced value (from the price list), with the unit cost
    and lead days they add up to."""
    lines = [QuoteLine("Base price", money(compiled.base_price))]
    unit_cost = compiled.base_cost
    lead_days = compiled.base_lead_days
    for kind, code, table in compiled.price_list:
        value = values[code]
        if kind == CHOICE:
            if value is not None:
                line, cost, lead = table[0][value]
                if line is not None:
                    lines.append(line)
                unit_cost += cost
                lead_days += lead
        elif kind == MULTI:
            prices, order = table
            for choice_code in sorted(value, key=order.__getitem__) if len(value) > 1 else value:
                line, cost, lead = prices[choice_code]
                if line is not None:
                    lines.append(line)
                unit_cost += cost
                lead_days += lead
        elif kind == BOOLEAN:
            if value:
                line, cost, lead = table
                if line is not None:
                    lines.append(line)
                unit_cost += cost
                lead_days += lead
        else:
            option = table
            extra = value - option.base_value
            if extra:
                amount = money(extra * option.price_per_unit)
                if amount:
                    lines.append(QuoteLine(f"{option.name}: {format_number(value, option)}", amount, code))
                unit_cost += extra * option.cost_per_unit
                lead_days += option.lead_days
    return lines, unit_cost, lead_days


def _quantity_discount(
    compiled: CompiledFamily, quantity: int, unit_price: Decimal, lines: list[QuoteLine]
) -> tuple[Decimal, Decimal]:
    """(the discount percent of the largest quantity break reached, the unit price after it);
    a discount that changes the price adds its (negative) line to `lines`."""
    discount = Decimal(0)
    for brk in compiled.quantity_breaks:
        if quantity >= brk.min_quantity:
            discount = brk.discount_percent
    if not discount:
        return discount, unit_price
    unit_after = money(unit_price * (HUNDRED - discount) / HUNDRED)
    if unit_after != unit_price:
        label = f"Quantity discount ({format_number(discount.normalize())}%)"
        lines.append(QuoteLine(label, unit_after - unit_price))
    return discount, unit_after
