"""Reads: published schemas (cached, compiled), families, designs a user may see."""

import json
from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache
from django.http import Http404
from oscar.core.loading import get_model

from atelier.orders import CONFIGURATION_OPTION

from . import engine
from .models import FamilyVersion, ProductFamily, SavedDesign

_POINTER_SECONDS = 60


def _pointer_key(slug):
    return f"configurator:current-version:{slug}"


@lru_cache(maxsize=256)
def _compiled(version_id, schema_json):
    return engine.compile_schema(json.loads(schema_json))


@dataclass(frozen=True)
class PublishedFamily:
    """A family as shoppers see it now: its current version's schema, compiled."""

    family_id: int
    slug: str
    product_id: int
    preview: str
    version_id: int
    version: int
    schema: dict
    compiled: object

    @property
    def options(self):
        return self.schema["options"]


def published_family(slug):
    """The current published version of a family, compiled once per process and version.

    The version pointer is cached briefly and dropped on publish, so a new version is
    seen at once on this process and within a minute on the others.
    """
    pointer = cache.get(_pointer_key(slug))
    if pointer is None:
        family = (
            ProductFamily.objects.select_related("current_version")
            .filter(slug=slug, current_version__isnull=False)
            .first()
        )
        if family is None:
            raise Http404(f"No configurable product family {slug!r}")
        version = family.current_version
        pointer = {
            "family_id": family.pk,
            "product_id": family.product_id,
            "preview": family.preview,
            "version_id": version.pk,
            "version": version.number,
            "schema_json": json.dumps(version.schema, sort_keys=True),
        }
        cache.set(_pointer_key(slug), pointer, _POINTER_SECONDS)
    schema_json = pointer["schema_json"]
    return PublishedFamily(
        family_id=pointer["family_id"],
        slug=slug,
        product_id=pointer["product_id"],
        preview=pointer["preview"],
        version_id=pointer["version_id"],
        version=pointer["version"],
        schema=json.loads(schema_json),
        compiled=_compiled(pointer["version_id"], schema_json),
    )


def forget_published_family(slug):
    cache.delete(_pointer_key(slug))


def family_for_product(product_id):
    """The slug of the family a product configures, or None for an ordinary product.

    One cached map for all products: pages that list many products ask once, not per card.
    """
    key = "configurator:families-by-product"
    families = cache.get(key)
    if families is None:
        families = dict(ProductFamily.objects.filter(current_version__isnull=False).values_list("product_id", "slug"))
        cache.set(key, families, _POINTER_SECONDS)
    return families.get(product_id)


def forget_families_by_product():
    cache.delete("configurator:families-by-product")


def version_schema(family_id, number):
    version = FamilyVersion.objects.filter(family_id=family_id, number=number).first()
    return version.schema if version else None


def version_options(slug, number):
    """The options (with their names and choices' names) of a family's version `number`, as
    published; None when the family or that version is not known (deleted since)."""
    schema = FamilyVersion.objects.filter(family__slug=slug, number=number).values_list("schema", flat=True).first()
    return schema.get("options") if isinstance(schema, dict) else None


def current_options(slug):
    """The options of a family's current published version; None when it has none."""
    schema = (
        ProductFamily.objects.filter(slug=slug, current_version__isnull=False)
        .values_list("current_version__schema", flat=True)
        .first()
    )
    return schema.get("options") if isinstance(schema, dict) else None


def designs_for(user):
    """The designs a signed-in shopper owns, newest first, with what `is_sold` reads."""
    if not user.is_authenticated:
        return SavedDesign.objects.none()
    return SavedDesign.objects.filter(owner=user, is_preset=False).select_related("family__product")


def design_for(*, user, uuid, session_designs=()):
    """A design its owner may edit: theirs, or one this anonymous session saved; 404 for anyone else."""
    design = SavedDesign.objects.select_related("family__product").filter(uuid=uuid).first()
    if design is None:
        raise Http404("No such design")
    if design.owner_id is not None and user.is_authenticated and design.owner_id == user.pk:
        return design
    if design.owner_id is None and str(design.uuid) in set(session_designs):
        return design
    raise Http404("No such design")


def shared_design(token):
    """A design by its read-only share link, whoever asks."""
    design = SavedDesign.objects.select_related("family__product").filter(share_token=token).first()
    if design is None:
        raise Http404("No such design")
    return design


def preset_designs(family_id=None):
    designs = SavedDesign.objects.filter(is_preset=True).select_related("family")
    return designs.filter(family_id=family_id) if family_id else designs


def has_configured_lines(order):
    """Whether any of an Oscar order's lines was configured here (and so is built to order)."""
    return order.pk in orders_with_configured_lines([order.pk])


def orders_with_configured_lines(order_ids):
    """The ids, among `order_ids`, of the orders with a line configured here: `has_configured_lines`
    for several orders in one query."""
    order_ids = list(order_ids)
    if not order_ids:
        return set()
    lines = get_model("order", "Line").objects.filter(
        order_id__in=order_ids, attributes__option__code=CONFIGURATION_OPTION
    )
    return set(lines.order_by().values_list("order_id", flat=True).distinct())
