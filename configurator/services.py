"""Writes of the configurator: a configuration into the basket, saved designs, a published version.

Each checks and prices through `quoting.configure` first; nothing a form says is taken as a price.
"""

import json

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import CONFIGURATION_OPTION

from . import engine
from .describe import describe
from .models import FamilyVersion, ProductFamily, SavedDesign
from .quoting import configure, storable
from .schema import build_schema
from .selectors import forget_families_by_product, forget_published_family

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
