"""Who is looking at a page, in the words CMS content is targeted with: the visitor's audience.

A page's segment blocks (`blocks.SegmentBlock`) ask `audience_of(request)` whether to show their
children. The facts, and what they mean:

- *signed in* or not. A visitor who is not signed in is a **new visitor** with no value class,
  tier, segment or saved design, whatever their browser holds (a basket, a design saved before
  signing up): every such visitor gets one and the same page, which a front-end cache can keep.
  Telling them apart is never worth a page nobody can cache.
- **returning** once signed in with a purchase (an order paid or further on, `PURCHASED`; a
  cancelled or refunded one does not count); a signed-in customer without one is **new**.
- **value class** and **RFM segment** from the loyalty account (written nightly), and the
  **tier**'s code; a customer without an account yet reads as `loyalty.selectors.account_for`
  shows one: potential, new, the lowest tier.
- **has a saved design**: a design of their own kept in "My designs" (presets staff made for
  pages are not a shopper's design).

The facts are read lazily, once per request, and kept on the request: one query for a signed-in
customer; none for a visitor not signed in (without a session cookie not even the session is
read; with one, only what the page's header reads anyway to know nobody is signed in).
Previews put a chosen audience there instead (`show_as`), from Wagtail's preview view only:
nothing a visitor sends (a query string, a cookie) can choose one.
"""

from dataclasses import dataclass, field, replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.cache import patch_cache_control
from oscar.core.loading import get_model

from atelier.orders import PURCHASED
from configurator.models import SavedDesign
from loyalty.models import Segment, Tier, ValueClass

_ON_REQUEST = "_cms_audience"

NEW, RETURNING = "new", "returning"


@dataclass(frozen=True)
class Audience:
    """The facts about one visitor that content may be shown by."""

    signed_in: bool = False
    returning: bool = False
    value_class: str = ""
    tier: str = ""
    segment: str = ""
    has_saved_design: bool = False

    @property
    def visitor(self):
        return RETURNING if self.returning else NEW


ANONYMOUS = Audience()


@dataclass(frozen=True)
class Target:
    """Whom a segment block is for. Within one kind, any value chosen will do (a customer has one
    value class); across kinds, any one kind matching will do, or every kind chosen when
    `require_all`. With `exclude` the block is for everyone but those (a promotion kept from
    restricted customers). Nothing chosen is nobody (the block refuses to be saved so)."""

    value_classes: frozenset = field(default_factory=frozenset)
    tiers: frozenset = field(default_factory=frozenset)
    segments: frozenset = field(default_factory=frozenset)
    visitors: frozenset = field(default_factory=frozenset)
    saved_design: bool = False
    require_all: bool = False
    exclude: bool = False

    def is_empty(self):
        return not (self.value_classes or self.tiers or self.segments or self.visitors or self.saved_design)

    def admits(self, audience):
        verdicts = []
        if self.value_classes:
            verdicts.append(audience.value_class in self.value_classes)
        if self.tiers:
            verdicts.append(audience.tier in self.tiers)
        if self.segments:
            verdicts.append(audience.segment in self.segments)
        if self.visitors:
            verdicts.append(audience.visitor in self.visitors)
        if self.saved_design:
            verdicts.append(audience.has_saved_design)
        if not verdicts:
            return False
        chosen = all(verdicts) if self.require_all else any(verdicts)
        return chosen != self.exclude


def audience_of(request):
    """The request's audience, read once and kept on the request (a preview's, when one was set)."""
    if request is None:
        return ANONYMOUS
    audience = getattr(request, _ON_REQUEST, None)
    if audience is None:
        audience = _read(request)
        setattr(request, _ON_REQUEST, audience)
    return audience


def show_as(request, audience):
    """Render this request's page for `audience` instead of its visitor (previews only)."""
    setattr(request, _ON_REQUEST, audience)


def keep_private_if_personal(request, response):
    """A page rendered for a signed-in visitor's audience may show what only they may see: no
    shared cache may keep it. The anonymous page is left as it is, the same for everyone."""
    audience = getattr(request, _ON_REQUEST, None)
    if audience is not None and audience.signed_in:
        patch_cache_control(response, private=True)
    return response


def _read(request):
    # Without a session cookie nobody is signed in: the answer needs neither the session nor
    # the database, and reading the session would not change it.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ANONYMOUS
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    return customer_audience(user)


def customer_audience(user):
    """A signed-in customer's audience, in one query."""
    order_model = get_model("order", "Order")
    lowest_tier = Tier.objects.order_by("min_spend_12m").values("code")[:1]
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            returning=Exists(order_model.objects.filter(user=OuterRef("pk"), status__in=PURCHASED)),
            has_saved_design=Exists(SavedDesign.objects.filter(owner=OuterRef("pk"), is_preset=False)),
            tier_code=Coalesce("loyalty_account__tier__code", Subquery(lowest_tier), Value("")),
        )
        .values(
            "returning", "has_saved_design", "tier_code", "loyalty_account__value_class", "loyalty_account__segment"
        )
        .first()
    )
    if row is None:  # deleted while signed in
        return ANONYMOUS
    return Audience(
        signed_in=True,
        returning=row["returning"],
        value_class=row["loyalty_account__value_class"] or ValueClass.POTENTIAL,
        tier=row["tier_code"],
        segment=row["loyalty_account__segment"] or Segment.NEW,
        has_saved_design=row["has_saved_design"],
    )


# --- Previews -------------------------------------------------------------------------------

DEFAULT_PREVIEW = ""


def preview_audiences():
    """Every audience an editor may preview a page as: (mode, label, audience).

    Each is a made-up visitor with one fact chosen and the others those of an ordinary customer
    of that kind: a value class, tier or segment is previewed as a returning customer (a
    potential customer, or a segment of people who never bought, as a new one).
    """
    tiers = list(Tier.objects.order_by("min_spend_12m").values_list("code", "name"))
    lowest = tiers[0][0] if tiers else ""
    new_customer = Audience(signed_in=True, value_class=ValueClass.POTENTIAL, tier=lowest, segment=Segment.NEW)
    customer = replace(new_customer, returning=True, value_class=ValueClass.ORDINARY, segment=Segment.ORDINARY)
    never_bought = {ValueClass.POTENTIAL, Segment.POTENTIAL, Segment.NEW}

    def of_kind(**facts):
        base = new_customer if set(facts.values()) & never_bought else customer
        return replace(base, **facts)

    audiences = [
        (DEFAULT_PREVIEW, "Default: a new visitor, not signed in (the page most visitors get)", ANONYMOUS),
        ("new", "As a new customer: signed in, no order yet", new_customer),
        ("returning", "As a returning customer: signed in, has bought", customer),
        ("saved-design", "As a shopper with a saved design", replace(new_customer, has_saved_design=True)),
    ]
    audiences += [
        (f"class-{code}", f"As {label.lower()} (value class)", of_kind(value_class=code))
        for code, label in ValueClass.choices
    ]
    audiences += [(f"tier-{code}", f"As a {name} member (tier)", of_kind(tier=code)) for code, name in tiers]
    audiences += [
        (f"segment-{code}", f"As RFM segment: {label}", of_kind(segment=code)) for code, label in Segment.choices
    ]
    return audiences


def preview_audience(mode):
    """The audience of a preview mode; an unknown mode previews the default page."""
    for name, _label, audience in preview_audiences():
        if name == mode:
            return audience
    return ANONYMOUS


class SegmentPreviewMixin:
    """Pages whose segment blocks editors preview as each audience, and whose personal versions
    never reach a shared cache. Mixed into the page models that hold `SegmentBlock`s."""

    @property
    def preview_modes(self):
        return [(mode, label) for mode, label, _audience in preview_audiences()]

    @property
    def default_preview_mode(self):
        return DEFAULT_PREVIEW

    def serve_preview(self, request, mode_name):
        show_as(request, preview_audience(mode_name))
        return super().serve_preview(request, mode_name)

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if hasattr(response, "add_post_render_callback"):
            # The blocks read the audience while the template renders, after this returns.
            response.add_post_render_callback(lambda rendered: keep_private_if_personal(request, rendered))
        else:
            keep_private_if_personal(request, response)
        return response
