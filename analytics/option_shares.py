"""Which choices earn and which lose: a line's revenue and cost shared out over the base and the
options it was bought with. Pure arithmetic on Decimals, no framework.

A line's frozen cost keeps, per unit, what the base and each chosen option cost and what each
added to the list price (`LineCost.materials`). The line's revenue as paid (excl. tax, after its
discounts) is shared out in proportion to those list prices, so an option's revenue carries its
share of the tax and the discounts; its cost is its materials cost times the quantity. The
line's labour belongs to no option (the routing's minutes follow several of them at once), so it
is a row of its own per family: the rows of a family add up to the family's margin.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)
PENNY = Decimal("0.01")
LABOUR = "labour"  # the option code of the labour row; no family option is called that (codes are snake_case names)


@dataclass(frozen=True)
class CostedLine:
    """One line with a complete cost: what the option table needs of it."""

    order_number: str
    family_slug: str
    quantity: int
    revenue: Decimal  # the line's price excl. tax, as paid
    materials: list  # LineCost.materials: [{"option", "value", "cost", "price"}] per unit
    labour: Decimal  # the whole line's labour (actual when known, else planned)


@dataclass(frozen=True)
class Share:
    family_slug: str
    option: str
    value: str  # the stored value as JSON text ("", "true", "\"clay\""); the key of a drill-down
    order_number: str
    revenue: Decimal
    cost: Decimal


def value_key(value):
    """The value of a share as a stable text key (a list of choices, a number, a boolean)."""
    return "" if value is None else json.dumps(value, sort_keys=True)


def shares_of(line, free_text=frozenset()):
    """The shares of one line: base and options by their list prices, and its labour. An option in
    `free_text` ((family, option) pairs: the words printed, a name) is one row whatever was
    written: each text its own row would tell nothing and show what customers wrote."""
    parts = [(share.get("option") or "", share.get("value"), _decimal(share.get("cost")), _decimal(share.get("price")))
             for share in line.materials]  # fmt: skip
    listed = sum((price for *_, price in parts), ZERO)
    shares = []
    for option, value, unit_cost, price in parts:
        revenue = line.revenue * price / listed if listed else ZERO
        key = "" if (line.family_slug, option) in free_text else value_key(value)
        shares.append(Share(line.family_slug, option, key, line.order_number, revenue, unit_cost * line.quantity))
    if line.labour:
        shares.append(Share(line.family_slug, LABOUR, "", line.order_number, ZERO, line.labour))
    return shares


@dataclass
class OptionMargin:
    family_slug: str
    option: str
    value: str
    lines: int = 0
    revenue: Decimal = ZERO
    cost: Decimal = ZERO

    @property
    def margin(self):
        return (self.revenue - self.cost).quantize(PENNY)

    @property
    def margin_pct(self):
        return percent(self.margin, self.revenue)


def option_margins(lines, free_text=frozenset()):
    """[OptionMargin] for every (family, option, value) the lines were bought with, revenue and
    cost rounded to the penny once summed; the one that loses most first."""
    totals = {}
    for line in lines:
        for share in shares_of(line, free_text):
            key = (share.family_slug, share.option, share.value)
            total = totals.setdefault(key, OptionMargin(*key))
            total.lines += 1
            total.revenue += share.revenue
            total.cost += share.cost
    for total in totals.values():
        total.revenue, total.cost = total.revenue.quantize(PENNY), total.cost.quantize(PENNY)
    return sorted(totals.values(), key=lambda t: (t.margin, t.family_slug, t.option, t.value))


def shares_for(lines, *, family_slug, option, value, free_text=frozenset()):
    """The shares behind one row of the option table, one per line, for its drill-down."""
    return [
        share
        for line in lines
        if line.family_slug == family_slug
        for share in shares_of(line, free_text)
        if share.option == option and share.value == value
    ]


def percent(part, whole):
    """`part` as a percentage of `whole` to one decimal place; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def _decimal(text):
    try:
        return Decimal(str(text)) if text not in (None, "") else ZERO
    except ArithmeticError:
        return ZERO
