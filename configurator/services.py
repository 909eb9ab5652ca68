"""Writes and computations of the configurator. Prices are computed here, on the server, only."""

import json
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import CONFIGURATION_OPTION

from . import engine, promise
from .describe import describe, summary_text
from .models import FamilyVersion, ProductFamily, SavedDesign
from .schema import build_schema
from .selectors import PublishedFamily, forget_families_by_product, forget_published_family, published_family

CatalogueOption = get_model("catalogue", "Option")

NO_LONGER_SOLD = "This product is no longer sold."


class InvalidConfiguration(Exception):
    """The configuration breaks the family's rules; `problems` name each field and rule.

    `in_basket` is set when the design alone is fine but adding it to the same design already
    in the basket would break them (the family's quantity limit, a rule on the quantity).
    """

    def __init__(self, configuration, *, problems=None, in_basket=0):
        self.configuration = configuration
        self.problems = configuration.evaluation.errors if problems is None else problems
        self.in_basket = in_basket
        message = "; ".join(problem.message for problem in self.problems)
        if in_basket:
            message = f"your basket already holds {in_basket} of this design. {message}"
        super().__init__(message)


class SchemaProblems(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class Configuration:
    """A configuration checked against a published version, with its price and ship date if valid."""

    family: PublishedFamily
    evaluation: object
    quantity: int
    quote: object = None
    ship_date: date | None = None
    stale_version: int | None = None  # the version a stored configuration was made on, if older
    values_for_storage: dict = field(default_factory=dict)

    @property
    def is_valid(self):
        return self.evaluation.is_valid

    @property
    def only_quantity_is_wrong(self):
        """Invalid for its quantity alone (outside the family's range): another quantity may mend it."""
        code = _quantity_option(self.family)
        errors = self.evaluation.errors
        return bool(errors) and all(problem.field == code and problem.rule_id is None for problem in errors)


def _quantity_option(family):
    return next((option["code"] for option in family.options if option["kind"] == "quantity"), None)


def configure(*, family_slug, values, quantity=None, made_on_version=None, priced=True):
    """Validate and price `values` against the family's current version.

    `quantity` is the basket quantity: it feeds quantity breaks and is kept out of the
    stored configuration, so the same design bought twice is one basket line of two.
    Never raises for bad input: the evaluation carries the problems. `priced=False` checks
    the rules only (no quote, no ship date): for a page that shows a shopper's choices back
    to them without the work a price takes, as when they are over the quote limit.
    """
    family = published_family(family_slug)
    values = dict(values)
    quantity_code = _quantity_option(family)
    if quantity is not None and quantity_code:
        values[quantity_code] = quantity
    evaluation = engine.evaluate(family.compiled, values)
    configuration = Configuration(family=family, evaluation=evaluation, quantity=quantity or 1)
    if made_on_version is not None and made_on_version != family.version:
        configuration.stale_version = made_on_version
    if evaluation.is_valid and priced:
        configuration.quote = engine.quote(family.compiled, evaluation)
        if quantity_code:
            configuration.quantity = configuration.quote.quantity
        configuration.ship_date = promise.estimate_ship_date(
            family_slug=family.slug,
            values=evaluation.values,
            lead_days=configuration.quote.lead_days,
            quantity=configuration.quantity,
        )
        configuration.values_for_storage = {
            code: value for code, value in evaluation.values.items() if code != quantity_code
        }
    return configuration


def storable(values):
    """Values as JSON can hold them (Decimals become strings), in a stable order."""
    return json.loads(json.dumps(values, sort_keys=True, default=str))


def line_attribute_value(configuration):
    """The text a basket line carries: family, version, values and their summary in words.

    Equal designs give equal text (so they share a basket line); the summary travels with
    the line onto the order, so an order reads the same after the rules change. Every app reads
    it back through `atelier.orders` (`line_configuration`, `read_configuration`).
    """
    return json.dumps(
        {
            "family": configuration.family.slug,
            "version": configuration.family.version,
            "values": storable(configuration.values_for_storage),
            "summary": describe(configuration.family.options, configuration.values_for_storage),
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def configuration_option():
    """Oscar's product option that carries a configuration on basket and order lines."""
    option, _ = CatalogueOption.objects.get_or_create(
        code=CONFIGURATION_OPTION, defaults={"name": "Configuration", "type": CatalogueOption.TEXT, "required": False}
    )
    return option


def add_configuration_to_basket(*, basket, family_slug, values, quantity=None):
    """Add a configured product to an Oscar basket, priced by the server.

    Validates and prices first; an invalid configuration raises InvalidConfiguration and the
    basket is unchanged. The same configuration adds quantity to its existing line, and the
    sum is validated too (with the basket's row locked, so two tabs adding at once are checked
    one after the other): a line above the family's limit is refused here, never stored.
    """
    configuration = configure(family_slug=family_slug, values=values, quantity=quantity)
    if not configuration.is_valid:
        raise InvalidConfiguration(configuration)
    product = _product_on_sale(configuration)
    text = line_attribute_value(configuration)
    with transaction.atomic():
        if basket.pk:
            get_model("basket", "Basket").objects.select_for_update().filter(pk=basket.pk).exists()
            in_basket = (
                basket.lines.filter(
                    product=product, attributes__option__code=CONFIGURATION_OPTION, attributes__value=text
                )
                .values_list("quantity", flat=True)
                .first()
            )
            if in_basket:
                together = configure(
                    family_slug=family_slug, values=values, quantity=in_basket + configuration.quantity
                )
                if not together.is_valid:
                    raise InvalidConfiguration(configuration, problems=together.evaluation.errors, in_basket=in_basket)
        line, _ = basket.add_product(
            product, configuration.quantity, options=[{"option": configuration_option(), "value": text}]
        )
        # Oscar stores the product's list price on the line; keep the configured one instead,
        # so the basket does not warn of a price change that never happened.
        line.refresh_from_db()
        line._info = basket.strategy.fetch_for_line(line, line.stockrecord)
        price = line.purchase_info.price
        line.price_excl_tax, line.price_incl_tax = price.excl_tax, price.incl_tax
        line.save(update_fields=["price_excl_tax", "price_incl_tax"])
    return line, configuration


def _product_on_sale(configuration):
    """The configuration's product; InvalidConfiguration if it is withdrawn (no longer public)."""
    product = get_model("catalogue", "Product").objects.get(pk=configuration.family.product_id)
    if not product.is_public:
        withdrawn = engine.Problem(field=None, rule_id=None, code="not_sold", message=NO_LONGER_SOLD)
        raise InvalidConfiguration(configuration, problems=[withdrawn])
    return product


def line_summary(value):
    """The configuration in words, as stored on the line: "Colour: Sage; Door opens on the: Left"."""
    try:
        return summary_text(json.loads(value).get("summary") or [])
    except (AttributeError, TypeError, ValueError):  # text edited by hand: the line reads as its product
        return ""


def save_design(*, family_slug, values, owner=None, name="", design=None):
    """Save a new design, or update `design` (already access-checked by the caller).

    Only a valid configuration of a product still on sale is saved (InvalidConfiguration
    otherwise, naming the problems); its price is recorded for listings. An update writes
    only the design's own fields, so it never takes back an owner given meanwhile (a sign-in
    claiming the session's designs); a design deleted meanwhile in another window stays deleted,
    with its share link, and the edits are saved as a new design instead of being lost.
    """
    configuration = configure(family_slug=family_slug, values=values)
    if not configuration.is_valid:
        raise InvalidConfiguration(configuration)
    _product_on_sale(configuration)
    fields = {
        "version_number": configuration.family.version,
        "values": storable(configuration.values_for_storage),
        "price": configuration.quote.unit_price_after_discount,
        "name": name[:80],
    }
    if design is not None and SavedDesign.objects.filter(pk=design.pk).update(**fields, updated_at=timezone.now()):
        design.refresh_from_db()
        return design, configuration
    design = SavedDesign.objects.create(family_id=configuration.family.family_id, owner=owner, **fields)
    return design, configuration


def delete_design(*, design):
    """Delete a design its owner asked to remove (the caller checked ownership)."""
    design.delete()


def claim_designs(*, user, design_uuids):
    """Give the anonymous designs saved in a browser session to the user who just signed in."""
    if not design_uuids:
        return 0
    return SavedDesign.objects.filter(uuid__in=list(design_uuids), owner__isnull=True).update(owner=user)


def recheck_design(design):
    """A saved design checked against the current version; if it breaks, the nearest valid one."""
    configuration = configure(
        family_slug=design.family.slug, values=design.values, made_on_version=design.version_number
    )
    repair = None
    if not configuration.is_valid:
        family = configuration.family
        repair = engine.repair(family.compiled, design.values)
    return configuration, repair


def publish_version(*, family, user=None):
    """Check the family's draft and publish it as the next version; shoppers see it at once.

    Raises SchemaProblems (and publishes nothing) if the draft has unknown references,
    contradictory or circular rules, or invalid defaults.
    """
    with transaction.atomic():
        family = ProductFamily.objects.select_for_update().get(pk=family.pk)
        number = (family.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        schema = build_schema(family, version_number=number)
        problems = engine.check_schema(schema)
        if problems:
            raise SchemaProblems(problems)
        version = FamilyVersion.objects.create(family=family, number=number, schema=schema, published_by=user)
        family.current_version = version
        family.save(update_fields=["current_version"])
        # Now for this process, and again at commit for anyone who cached the old one meanwhile.
        forget_published_family(family.slug)
        forget_families_by_product()
        transaction.on_commit(lambda: (forget_published_family(family.slug), forget_families_by_product()))
    return version
