"""The configurator's JSON API (django-ninja, with its OpenAPI document at /api/openapi.json).

The same services as the HTML pages. Requests are strict: an unknown top-level field (a
"price", a "total") is refused, an unknown option is an error, a value of the wrong kind for
its option is an error, a stale version is a conflict. Nothing a client sends is taken as a
price. Every answer an operation can give is in the document, with its body's schema;
tests/configurator/test_api_contract.py holds the API to it with schemathesis.
"""

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.params import functions as params
from ninja.utils import check_csrf
from pydantic import ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from . import quoting, selectors, services
from .ownership import remember_design
from .panel import build_panel
from .throttling import DesignSaveThrottle, QuoteThrottle

router = Router(tags=["configurator"])

PRIVATE_KEYS = {"cost", "cost_per_unit", "base_cost"}  # unit costs are for margin reports, not shoppers


class Strict(Schema):
    # An unknown field ("price") is refused, not ignored.
    model_config = ConfigDict(extra="forbid")


def _json_option_value(value):
    """A value JSON may carry for an option; which of them its option takes, the engine decides."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    # One plain message per field, where a Union would list a failure for each of its members.
    raise PydanticCustomError("option_value", "Give a string, true or false, a number, a list of strings or null.")


# What JSON may carry for one option. The option's kind decides which of these it takes
# (configurator.engine.parse, the same check as for forms and saved designs): a choice, a
# string from its choices; a multiple choice, a list of them; yes/no, a boolean; a whole
# number, a number; a decimal, a number or a numeric string (as the API returns it); a text,
# a string. Null means "not chosen". Anything else is a 422 naming the option.
OptionValue = Annotated[
    Any,
    PlainValidator(_json_option_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string"},
                {"type": "boolean"},
                {"type": "number"},
                {"type": "array", "items": {"type": "string"}},
                {"type": "null"},
            ],
            "description": "By the option's kind: a choice's code, a list of codes, true/false, a number "
            "(a decimal also as a string) or a text; null for not chosen",
        }
    ),
]
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"  # a SlugField's characters (50 at most), as family URLs have
FamilySlug = Annotated[
    str,
    params.Path(pattern=SLUG_PATTERN, max_length=50, example="atelier-fridge", description="The family's slug"),
]


class QuoteIn(Strict):
    values: dict[str, OptionValue] = Field(
        default_factory=dict, description="Option code → value", examples=[{"hinge": "left", "finish": "black"}]
    )
    # strict: true is no quantity of 1, nor "2" a version
    quantity: int | None = Field(default=None, ge=1, strict=True, description="For families with quantity breaks")
    version: int | None = Field(default=None, strict=True, description="The version the client configured against")


class DesignIn(Strict):
    family: str = Field(pattern=SLUG_PATTERN, max_length=50, examples=["atelier-fridge"])
    values: dict[str, OptionValue] = Field(examples=[{"hinge": "left", "finish": "black"}])
    name: str = Field(default="", max_length=80)
    version: int | None = Field(default=None, strict=True, description="The version the client configured against")


class Problem(Schema):
    field: str | None = Field(description="The option (or, for a malformed request, the request field) at fault")
    rule: int | None = Field(description="The rule broken, if a rule was")
    code: str
    message: str


class ErrorOut(Schema):
    """Every refusal: 400 unreadable body, 403 CSRF, 404 unknown family, 409 stale version,
    422 malformed request or broken rules, 429 too many requests."""

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


class FamilySchemaOut(Schema):
    """A published version's schema, as the configurator reads it (docs/configurator.md)."""

    model_config = ConfigDict(extra="allow")

    family: str
    version: int
    currency: str
    base_price: str
    base_lead_days: int
    options: list[dict[str, Any]] = Field(description="code, name, kind, default, choices or range, price...")
    rules: list[dict[str, Any]] = Field(description="id, kind, message and the rule's terms")
    quantity_breaks: list[dict[str, Any]] = []


class DesignOut(Schema):
    uuid: str
    share_url: str
    price: str
    version: int


def _problems(problems):
    return [
        {"field": problem.field, "rule": problem.rule_id, "code": problem.code, "message": problem.message}
        for problem in problems
    ]


def _public(schema):
    """A published schema without what shoppers must not see (unit costs)."""
    if isinstance(schema, dict):
        return {key: _public(value) for key, value in schema.items() if key not in PRIVATE_KEYS}
    if isinstance(schema, list):
        return [_public(item) for item in schema]
    return schema


class StaleVersion(HttpError):
    def __init__(self, version, current_version):
        self.current_version = current_version
        super().__init__(409, f"Version {version} is no longer current; the current version is {current_version}.")


def _current(slug, version):
    family = selectors.published_family(slug)
    if version is not None and version != family.version:
        raise StaleVersion(version, family.version)
    return family


@router.get("/families/", response={200: list[FamilyOut]}, summary="Configurable product families")
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


@router.get(
    "/families/{slug}/",
    response={200: FamilySchemaOut, 404: ErrorOut, 422: ErrorOut},
    summary="A family's published schema: options, choices, rules, prices",
)
def family_schema(request: HttpRequest, slug: FamilySlug):
    return _public(selectors.published_family(slug).schema)


@router.post(
    "/families/{slug}/quote/",
    response={200: QuoteOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: QuoteOut | ErrorOut, 429: ErrorOut},
    summary="Validate and price a configuration",
    description="200 with the price for a valid configuration; 422 with the same body, naming each option and "
    "rule at fault, for one that breaks the family's rules (or an ErrorOut for a malformed request).",
    throttle=QuoteThrottle(),
)
def quote(request: HttpRequest, slug: FamilySlug, payload: QuoteIn):
    family = _current(slug, payload.version)
    configuration = quoting.configure(family_slug=family.slug, values=payload.values, quantity=payload.quantity)
    panel = build_panel(configuration)
    body = {
        "valid": configuration.is_valid,
        "family": family.slug,
        "version": family.version,
        "values": quoting.storable(configuration.evaluation.values),
        "price": None,
        "lead_days": None,
        "ship_date": configuration.ship_date,
        "lines": [],
        "errors": _problems(configuration.evaluation.errors),
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
    response={201: DesignOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Save a design (the signed-in shopper's, or this browser session's)",
    description="Saves are limited per client address, with the pages' saves (429 with Retry-After past it).",
    throttle=DesignSaveThrottle(),
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
        # Broken rules, or a valid design of a product withdrawn from sale (its one problem says so).
        broken = bool(invalid.configuration.evaluation.errors)
        detail = "The design breaks the family's rules." if broken else str(invalid)
        return Status(422, {"detail": detail, "errors": _problems(invalid.problems)})
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
