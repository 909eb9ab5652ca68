"""The audience a page's segment blocks are shown by: who counts as new or returning, which class,
tier, segment and saved design, read in one query and never for a visitor not signed in."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from atelier.orders import OrderStatus
from loyalty.models import Segment, ValueClass
from portal.cms.audience import ANONYMOUS, Audience, Target, audience_of, customer_audience, show_as
from portal.cms.blocks import ContentSegmentBlock, HomeSegmentBlock
from tests.cms.segments import customer, saved_design
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _request(user=None, *, cookie=True):
    request = RequestFactory().get("/")
    if cookie:
        request.COOKIES["sessionid"] = "anything"
    request.session = SessionStore()
    request.user = user or AnonymousUser()
    return request


# --- Who the visitor is ------------------------------------------------------------------------


def test_a_visitor_without_a_session_cookie_is_anonymous_without_a_query_or_the_session(
    django_assert_num_queries,
):
    request = _request(cookie=False)
    request.user = None  # reading the user would fail: it is never read

    with django_assert_num_queries(0):
        assert audience_of(request) == ANONYMOUS

    assert not request.session.accessed
    assert ANONYMOUS.visitor == "new"


def test_a_visitor_with_a_session_but_not_signed_in_is_anonymous_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert audience_of(_request()) == ANONYMOUS


def test_a_signed_in_customer_without_a_paid_order_is_new_and_potential():
    user = customer()
    OrderFactory(user=user, status=OrderStatus.PENDING_PAYMENT)

    assert customer_audience(user) == Audience(
        signed_in=True, returning=False, value_class=ValueClass.POTENTIAL, tier="member", segment=Segment.NEW
    )


@pytest.mark.parametrize("status", [OrderStatus.PAID, OrderStatus.IN_PRODUCTION, OrderStatus.DELIVERED])
def test_a_customer_with_a_paid_order_is_returning(status):
    user = customer()
    OrderFactory(user=user, status=status)

    assert customer_audience(user).visitor == "returning"


@pytest.mark.parametrize("status", [OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.PAYMENT_FAILED])
def test_an_order_cancelled_refunded_or_unpaid_does_not_make_a_returning_customer(status):
    user = customer()
    OrderFactory(user=user, status=status)

    assert customer_audience(user).visitor == "new"


def test_value_class_tier_and_segment_come_from_the_loyalty_account():
    user = customer(value_class=ValueClass.PREMIUM, tier="gold", segment=Segment.CHAMPIONS)

    audience = customer_audience(user)

    assert (audience.value_class, audience.tier, audience.segment) == ("premium", "gold", "champions")


def test_a_customer_without_a_tier_is_in_the_lowest_tier():
    user = customer(value_class=ValueClass.MAJOR)

    assert customer_audience(user).tier == "member"


def test_a_saved_design_counts_a_preset_does_not():
    staff_with_preset = customer()
    saved_design(staff_with_preset, preset=True)
    shopper = customer(design=True)

    assert customer_audience(staff_with_preset).has_saved_design is False
    assert customer_audience(shopper).has_saved_design is True


def test_a_customer_is_read_once_per_request_in_one_query(django_assert_num_queries):
    user = customer(value_class=ValueClass.PREMIUM, tier="silver", paid=True, design=True)
    request = _request(user)

    with django_assert_num_queries(1):
        first = audience_of(request)
        second = audience_of(request)

    assert first is second
    assert first == Audience(
        signed_in=True,
        returning=True,
        value_class="premium",
        tier="silver",
        segment=Segment.NEW,
        has_saved_design=True,
    )


def test_a_preview_audience_replaces_the_visitors_own(django_assert_num_queries):
    request = _request(customer())
    premium = Audience(signed_in=True, returning=True, value_class="premium")
    show_as(request, premium)

    with django_assert_num_queries(0):
        assert audience_of(request) is premium


# --- Whom a block is for -------------------------------------------------------------------------

PREMIUM_GOLD = Audience(signed_in=True, returning=True, value_class="premium", tier="gold", segment="champions")
NEW_WITH_DESIGN = Audience(signed_in=True, value_class="potential", tier="member", segment="new", has_saved_design=True)


@pytest.mark.parametrize(
    ("target", "admitted"),
    [
        (Target(value_classes=frozenset({"premium", "major"})), [PREMIUM_GOLD]),
        (Target(value_classes=frozenset({"potential"})), [NEW_WITH_DESIGN]),
        (Target(tiers=frozenset({"gold", "platinum"})), [PREMIUM_GOLD]),
        (Target(segments=frozenset({"champions"})), [PREMIUM_GOLD]),
        (Target(segments=frozenset({"new"})), [NEW_WITH_DESIGN]),
        (Target(visitors=frozenset({"new"})), [ANONYMOUS, NEW_WITH_DESIGN]),
        (Target(visitors=frozenset({"returning"})), [PREMIUM_GOLD]),
        (Target(visitors=frozenset({"new", "returning"})), [ANONYMOUS, PREMIUM_GOLD, NEW_WITH_DESIGN]),
        (Target(saved_design=True), [NEW_WITH_DESIGN]),
        # Any kind matching will do ...
        (Target(value_classes=frozenset({"premium"}), saved_design=True), [PREMIUM_GOLD, NEW_WITH_DESIGN]),
        # ... or every kind chosen.
        (Target(value_classes=frozenset({"premium"}), saved_design=True, require_all=True), []),
        (Target(tiers=frozenset({"gold"}), visitors=frozenset({"returning"}), require_all=True), [PREMIUM_GOLD]),
        (Target(), []),
        # Everyone but those chosen: visitors not signed in included.
        (Target(value_classes=frozenset({"premium"}), exclude=True), [ANONYMOUS, NEW_WITH_DESIGN]),
        (Target(visitors=frozenset({"new"}), exclude=True), [PREMIUM_GOLD]),
        (
            Target(value_classes=frozenset({"premium"}), saved_design=True, require_all=True, exclude=True),
            [ANONYMOUS, PREMIUM_GOLD, NEW_WITH_DESIGN],
        ),
        (Target(exclude=True), []),  # nothing chosen is nobody, either way
    ],
)
def test_who_a_target_admits(target, admitted):
    everyone = [ANONYMOUS, PREMIUM_GOLD, NEW_WITH_DESIGN]

    assert [audience for audience in everyone if target.admits(audience)] == admitted


def test_a_visitor_not_signed_in_never_matches_a_class_tier_segment_or_saved_design():
    every_class = Target(
        value_classes=frozenset(ValueClass.values),
        tiers=frozenset({"member", "silver", "gold", "platinum"}),
        segments=frozenset(Segment.values),
        saved_design=True,
    )

    assert not every_class.admits(ANONYMOUS)


# --- The block in the editor ---------------------------------------------------------------------


@pytest.mark.parametrize("block_class", [HomeSegmentBlock, ContentSegmentBlock])
def test_a_segment_block_for_nobody_is_refused_in_words(block_class):
    block = block_class()
    value = block.to_python(
        {
            "value_classes": [],
            "tiers": [],
            "segments": [],
            "visitors": [],
            "saved_design": False,
            "match": "any",
            "content": [{"type": "rich_text", "value": "<p>Hello</p>"}],
        }
    )

    with pytest.raises(ValidationError) as refused:
        block.clean(value)

    assert refused.value.non_block_errors.as_data()[0].messages == [
        "Choose who sees these blocks: at least one value class, tier, RFM segment, new or returning visitors, "
        "or shoppers with a saved design"
    ]


def test_a_segment_block_without_content_is_refused():
    block = HomeSegmentBlock()
    value = block.to_python({"value_classes": ["premium"], "match": "any", "content": []})

    with pytest.raises(ValidationError) as refused:
        block.clean(value)

    assert "content" in refused.value.block_errors


def test_a_segment_block_refuses_a_class_or_tier_that_does_not_exist():
    block = HomeSegmentBlock()
    value = block.to_python(
        {
            "value_classes": ["vip"],
            "tiers": ["diamond"],
            "match": "any",
            "content": [{"type": "rich_text", "value": "<p>Hello</p>"}],
        }
    )

    with pytest.raises(ValidationError) as refused:
        block.clean(value)

    assert set(refused.value.block_errors) == {"value_classes", "tiers"}


def test_the_editor_chooses_among_the_programmes_tiers():
    choices = HomeSegmentBlock().child_blocks["tiers"].field.choices

    assert [code for code, _name in choices] == ["member", "silver", "gold", "platinum"]
