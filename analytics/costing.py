"""A line's cost as it stands now: materials from its configuration's family version (or the
stocked product's unit cost), labour from its routing at today's work center rates. Reads only;
`services.freeze_order_costs` keeps the result.

What cannot be known is returned as None with the reason in `problems`, never as zero: a zero
cost would show as a full margin.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.conf import settings

from atelier.orders import UnreadableConfiguration, read_line_configuration
from configurator import engine
from configurator.engine.family import BOOLEAN, CHOICE, MULTI
from configurator.models import FamilyVersion, ProductFamily
from production.selectors.labour import NoRouting, planned_steps

from .models import ProductCost

PLACES = Decimal("0.0001")
SIXTY = Decimal(60)


@dataclass
class Costed:
    """A line's unit cost, each figure None when unknown (with the reason in `problems`)."""

    quantity: int
    family_slug: str = ""
    family_version: int | None = None
    materials_per_unit: Decimal | None = None
    materials: list = field(default_factory=list)
    labour_minutes: int | None = None
    labour_per_unit: Decimal | None = None
    labour: list = field(default_factory=list)
    problems: list = field(default_factory=list)


def cost_of_line(line, *, currency):
    """The unit cost of an Oscar order line now: a configured line from the family version it was
    bought on, a stocked one from its product's unit cost (no labour: it ships from the shelf)."""
    quantity = max(1, line.quantity)
    try:
        configuration = read_line_configuration(line)
    except UnreadableConfiguration as error:
        return Costed(quantity=quantity, problems=[f"its configuration cannot be read ({error})"])
    if configuration is None:
        return _stocked(line, quantity, currency)
    family_slug, version, values = configuration
    costed = Costed(quantity=quantity, family_slug=family_slug, family_version=version)
    _materials(costed, values, currency)
    _labour(costed, values)
    return costed


def _stocked(line, quantity, currency):
    costed = Costed(quantity=quantity, labour_minutes=0, labour_per_unit=Decimal(0))
    if currency != settings.OSCAR_DEFAULT_CURRENCY:
        costed.problems.append(f"unit costs are in {settings.OSCAR_DEFAULT_CURRENCY}, the order in {currency}")
        return costed
    if line.product_id is None:
        costed.problems.append("the product no longer exists")
        return costed
    unit_cost = ProductCost.objects.filter(product_id=line.product_id).values_list("unit_cost", flat=True).first()
    if unit_cost is None:
        costed.problems.append("the product has no unit cost")
        return costed
    costed.materials_per_unit = Decimal(unit_cost).quantize(PLACES)
    costed.materials = [
        {"option": "product", "value": line.upc or line.partner_sku, "cost": str(unit_cost), "price": None}
    ]
    return costed


def _compiled(family_id, number):
    version = FamilyVersion.objects.filter(family_id=family_id, number=number).values_list("pk", "schema").first()
    if version is None:
        return None
    return _compile(version[0], json.dumps(version[1], sort_keys=True))


@lru_cache(maxsize=64)
def _compile(version_id, schema_json):
    # Keyed by the schema too, as the configurator's own cache is: a version id reused after a
    # rollback (tests) must not bring back another schema.
    return engine.compile_schema(json.loads(schema_json))


def _materials(costed, values, currency):
    family_id = ProductFamily.objects.filter(slug=costed.family_slug).values_list("pk", flat=True).first()
    if family_id is None:
        costed.problems.append(f"family {costed.family_slug} no longer exists")
        return
    compiled = _compiled(family_id, costed.family_version)
    if compiled is None:
        costed.problems.append(f"{costed.family_slug} has no version {costed.family_version}")
        return
    if compiled.currency != currency:
        costed.problems.append(f"{costed.family_slug} is priced in {compiled.currency}, the order in {currency}")
        return
    values = dict(values)
    if compiled.quantity_option:  # kept out of the stored configuration: the line's quantity is it
        values[compiled.quantity_option] = costed.quantity
    evaluation = engine.evaluate(compiled, values)
    try:
        quote = engine.quote(compiled, evaluation)
    except ValueError as error:
        costed.problems.append(f"its configuration is not valid in version {costed.family_version} ({error})")
        return
    costed.materials_per_unit = Decimal(quote.unit_cost).quantize(PLACES)
    costed.materials = _shares(compiled, evaluation.values, quote)


def _shares(compiled, values, quote):
    """What the base and each chosen option added to the unit cost and the unit price, read from
    the version's price list as the configurator's quote reads it."""
    prices = {}
    for line in quote.lines:
        if line.option:
            prices[line.option] = prices.get(line.option, Decimal(0)) + line.amount
    shares = [{"option": "base", "value": None, "cost": str(compiled.base_cost), "price": str(compiled.base_price)}]
    for kind, code, table in compiled.price_list:
        value = values.get(code)
        if kind == CHOICE:
            cost = table[0][value][1] if value is not None else Decimal(0)
        elif kind == MULTI:
            cost = sum((table[0][choice][1] for choice in value or ()), Decimal(0))
        elif kind == BOOLEAN:
            cost = table[1] if value else Decimal(0)
        else:
            cost = (value - table.base_value) * table.cost_per_unit if value is not None else Decimal(0)
        if cost or code in prices:
            shares.append(
                {
                    "option": code,
                    "value": json.loads(json.dumps(value, default=str)),
                    "cost": str(cost),
                    "price": str(prices.get(code, Decimal(0))),
                }
            )
    return shares


def _labour(costed, values):
    try:
        steps = planned_steps(family_slug=costed.family_slug, values=values, quantity=costed.quantity)
    except NoRouting:
        costed.problems.append(f"{costed.family_slug} has no routing, so no labour")
        return
    unrated = [step.code for step in steps if step.rate_per_hour is None]
    if unrated:
        costed.problems.append(f"no work center for {', '.join(unrated)}, so no labour")
        return
    total = sum((step.rate_per_hour * step.minutes / SIXTY for step in steps), Decimal(0))
    costed.labour_minutes = sum(step.minutes for step in steps)
    costed.labour_per_unit = (total / costed.quantity).quantize(PLACES)
    costed.labour = [
        {"step": s.code, "minutes": s.minutes, "work_center": s.work_center, "rate_per_hour": str(s.rate_per_hour)}
        for s in steps
    ]
