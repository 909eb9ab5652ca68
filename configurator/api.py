"""The configurator's JSON API (django-ninja, with its OpenAPI document at /api/openapi.json).

The same services as the HTML pages. Requests are strict: an unknown top-level field (a
"price", a "total") is refused, an unknown option is an error, a stale version is a
conflict. Nothing a client sends is taken as a price.
"""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.utils import check_csrf
from pydantic import ConfigDict, Field

from . import selectors, services
from .ownership import remember_design
from .panel import build_panel
from .throttling import QuoteThrottle

router = Router(tags=["configurator"])

PRIVATE_KEYS = {"cost", "cost_per_unit", "base_cost"}  # unit costs are for margin reports, not shoppers


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class QuoteIn(Strict):
    values: dict[str, Any] = Field(default_factory=dict, description="Option code → value")
    quantity: int | None = Field(default=None, ge=1, description="For families with quantity breaks")
    version: int | None = Field(default=None, description="The version the client configured against")


class DesignIn(Strict):
    family: str
    values: dict[str, Any]
    name: str = Field(default="", max_length=80)
    version: int | None = None


class Problem(Schema):
    field: str | None
    rule: int | None
    code: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[Problem] = []
    current_version: int | None = None


class PriceOut(Schema):
    currency: str
    unit: str
    discount_percent: str
    unit_after_discount: str
    total: str


class QuoteLineOut(Schema):
    label: str
    amount: str


class OptionStateOut(Schema):
    disabled: dict[str, list[str]]
    min: Any = None
    max: Any = None
    reasons: list[str] = []
    derived_by: str | None = None


class QuoteOut(Schema):
    valid: bool
    family: str
    version: int
    values: dict[str, Any]
    price: PriceOut | None
    lead_days: int | None
    ship_date: date | None
    lines: list[QuoteLineOut]
    errors: list[Problem]
    availability: dict[str, OptionStateOut]


class FamilyOut(Schema):
    slug: str
    name: str
    version: int
    product_url: str


class DesignOut(Schema):
    uuid: str
    share_url: str
    price: str
    version: int


def _problems(evaluation):
    return [
        {"field": problem.field, "rule": problem.rule_id, "code": problem.code, "message": problem.message}
        for problem in evaluation.errors
    ]


def _public(schema):
    """A published schema without what shoppers must not see (unit costs)."""
    if isinstance(schema, dict):
        return {key: _public(value) for key, value in schema.items() if key not in PRIVATE_KEYS}
    if isinstance(schema, list):
        return [_public(item) for item in schema]
    return schema


def _current(slug, version):
    family = selectors.published_family(slug)
    if version is not None and version != family.version:
        raise HttpError(409, f"Version {version} is no longer current; the current version is {family.version}.")
    return family


@router.get("/families/", response=list[FamilyOut], summary="Configurable product families")
def list_families(request: HttpRequest):
    from .models import ProductFamily

    families = ProductFamily.objects.filter(current_version__isnull=False).select_related("current_version", "product")
    return [
        {
            "slug": family.slug,
            "name": family.name,
            "version": family.current_version.number,
            "product_url": family.product.get_absolute_url(),
        }
        for family in families
    ]


@router.get("/families/{slug}/", summary="A family's published schema: options, choices, rules, prices")
def family_schema(request: HttpRequest, slug: str) -> dict:
    return _public(selectors.published_family(slug).schema)


@router.post(
    "/families/{slug}/quote/",
    response={200: QuoteOut, 409: ErrorOut, 422: QuoteOut},
    summary="Validate and price a configuration",
    throttle=QuoteThrottle(),
)
def quote(request: HttpRequest, slug: str, payload: QuoteIn):
    family = _current(slug, payload.version)
    configuration = services.configure(family_slug=family.slug, values=payload.values, quantity=payload.quantity)
    panel = build_panel(configuration)
    body = {
        "valid": configuration.is_valid,
        "family": family.slug,
        "version": family.version,
        "values": services.storable(configuration.evaluation.values),
        "price": None,
        "lead_days": None,
        "ship_date": configuration.ship_date,
        "lines": [],
        "errors": _problems(configuration.evaluation),
        "availability": {
            option.code: {
                "disabled": {choice.code: choice.reasons for choice in option.choices if choice.reasons},
                **option.bounds,
                "derived_by": option.derived_by,
            }
            for option in panel.options
        },
    }
    if configuration.is_valid:
        quote = configuration.quote
        body["price"] = {
            "currency": "GBP",
            "unit": str(quote.unit_price),
            "discount_percent": str(quote.discount_percent),
            "unit_after_discount": str(quote.unit_price_after_discount),
            "total": str(quote.total),
        }
        body["lead_days"] = quote.lead_days
        body["lines"] = [{"label": line.label, "amount": str(line.amount)} for line in quote.lines]
        return Status(200, body)
    return Status(422, body)


@router.post(
    "/designs/",
    response={201: DesignOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Save a design (the signed-in shopper's, or this browser session's)",
)
def save_design(request: HttpRequest, payload: DesignIn):
    # A write on the shopper's behalf from their browser session: refuse cross-site posts.
    if check_csrf(request) is not None:
        return Status(403, {"detail": "CSRF check failed: send the csrftoken cookie's value as X-CSRFToken."})
    family = _current(payload.family, payload.version)
    owner = request.user if request.user.is_authenticated else None
    try:
        design, _ = services.save_design(family_slug=family.slug, values=payload.values, owner=owner, name=payload.name)
    except services.InvalidConfiguration as invalid:
        return Status(
            422,
            {
                "detail": "The design breaks the family's rules.",
                "errors": _problems(invalid.configuration.evaluation),
            },
        )
    remember_design(request, design)
    return Status(
        201,
        {
            "uuid": str(design.uuid),
            "share_url": request.build_absolute_uri(reverse("configurator:shared-design", args=[design.share_token])),
            "price": str(design.price),
            "version": design.version_number,
        },
    )
