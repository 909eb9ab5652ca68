"""Pages with content for a segment, as each visitor gets them: the blocks meant for them and no
others, one cacheable page for every visitor not signed in, private pages for the signed-in, and
editors' previews as each audience (which no visitor can ask for)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from loyalty.models import Segment, ValueClass
from portal.cms.models import HomePage
from tests.cms.segments import customer, segment, segmented_page

pytestmark = pytest.mark.django_db

EDITOR = "editor@atelier.example"
CLASS_BLOCKS = [segment(f"Only for {code}", value_classes=[code]) for code in ValueClass.values]


def _shown(response):
    """The paragraphs of segment content the page showed (the page's own opening one left out)."""
    assert response.status_code == 200
    return re.findall(r"<p>(Only for [^<]+|Welcome, new visitor|Welcome back)</p>", response.content.decode())


def _as(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("value_class", ValueClass.values)
def test_a_customer_of_each_value_class_sees_that_class_blocks_and_no_other(client, value_class):
    page = segmented_page(*CLASS_BLOCKS)

    response = _as(client, customer(value_class=value_class, paid=True)).get(page.url)

    assert _shown(response) == [f"Only for {value_class}"]


def test_a_visitor_not_signed_in_sees_no_class_block(client):
    page = segmented_page(*CLASS_BLOCKS)

    assert _shown(client.get(page.url)) == []


def test_tier_segment_saved_design_and_returning_blocks_show_to_those_only(client):
    page = segmented_page(
        segment("Only for gold", tiers=["gold", "platinum"]),
        segment("Only for champions", segments=[Segment.CHAMPIONS]),
        segment("Only for designers", saved_design=True),
        segment("Welcome back", visitors=["returning"]),
        segment("Welcome, new visitor", visitors=["new"]),
    )
    gold_champion = customer(tier="gold", segment=Segment.CHAMPIONS, paid=True)
    designer = customer(design=True)

    assert _shown(_as(Client(), gold_champion).get(page.url)) == [
        "Only for gold",
        "Only for champions",
        "Welcome back",
    ]
    assert _shown(_as(Client(), designer).get(page.url)) == ["Only for designers", "Welcome, new visitor"]
    assert _shown(client.get(page.url)) == ["Welcome, new visitor"]


def test_every_kind_chosen_must_match_when_the_editor_asks_for_all(client):
    page = segmented_page(
        segment("Only for premium designers", value_classes=["premium"], saved_design=True, match="all")
    )

    assert _shown(_as(Client(), customer(value_class="premium", paid=True)).get(page.url)) == []
    assert _shown(_as(Client(), customer(design=True)).get(page.url)) == []
    assert _shown(_as(Client(), customer(value_class="premium", paid=True, design=True)).get(page.url)) == [
        "Only for premium designers"
    ]


def test_everyone_but_the_chosen_sees_an_except_block(client):
    page = segmented_page(segment("Only for non-restricted", value_classes=["restricted"], show="except"))

    assert _shown(client.get(page.url)) == ["Only for non-restricted"]
    assert _shown(_as(Client(), customer(value_class="ordinary", paid=True)).get(page.url)) == [
        "Only for non-restricted"
    ]
    assert _shown(_as(Client(), customer(value_class="restricted", paid=True)).get(page.url)) == []


# The demo home page's segment content (portal/demo/content.py), by heading.
THANKS = "Thank you for being one of our best customers"
REGULARS = "Good to see you again"
WELCOME = "New to Atelier? Welcome"
DESIGNS = "Your saved designs are waiting"
WINTER = "Double points this winter"
DEMO_SEGMENTS = [THANKS, REGULARS, WELCOME, DESIGNS, WINTER]


def _demo_segments(response):
    html = response.content.decode()
    return [heading for heading in DEMO_SEGMENTS if f"<h2>{heading}</h2>" in html]


@pytest.mark.parametrize(
    ("value_class", "paid", "shown"),
    [
        ("premium", True, [THANKS, WINTER]),
        ("major", True, [REGULARS, WINTER]),
        ("ordinary", True, [WINTER]),
        ("restricted", True, []),
        ("potential", False, [WELCOME, WINTER]),
    ],
)
def test_the_demo_home_page_for_a_customer_of_each_value_class(client, value_class, paid, shown):
    response = _as(client, customer(value_class=value_class, paid=paid)).get("/")

    assert _demo_segments(response) == shown


def test_the_demo_home_page_for_a_visitor_not_signed_in_and_a_shopper_with_a_design(client):
    assert _demo_segments(client.get("/")) == [WELCOME, WINTER]
    assert _demo_segments(_as(Client(), customer(design=True)).get("/")) == [WELCOME, DESIGNS, WINTER]


# --- The anonymous page stays one page -------------------------------------------------------------

AUDIENCE_TABLES = ("loyalty_", "configurator_saveddesign", '"order_order"', "django_session")


def _without_nonce(response):
    return re.sub(r'nonce="[^"]+"', 'nonce=""', response.content.decode())


def test_visitors_not_signed_in_all_get_the_same_page_and_no_audience_query():
    page = segmented_page(*CLASS_BLOCKS, segment("Welcome, new visitor", visitors=["new"]))

    with CaptureQueriesContext(connection) as queries:
        first = Client().get(page.url)
    # Read now: the next request empties the connection's log that `queries` is a view of.
    statements = [query["sql"] for query in queries]
    second = Client().get(page.url)

    # Only the script nonce differs, as on every page (it is the response's own, in its CSP header).
    assert _without_nonce(first) == _without_nonce(second)
    assert _shown(first) == ["Welcome, new visitor"]
    assert statements  # the page itself was read
    assert [sql for sql in statements if any(table in sql for table in AUDIENCE_TABLES)] == []
    for response in (first, second):
        assert "private" not in response.get("Cache-Control", "")
        assert response.cookies == {}  # no session was started for them


def test_the_home_page_for_a_visitor_not_signed_in_is_the_new_visitors_page(client):
    response = client.get("/")

    assert _demo_segments(response) == [WELCOME, WINTER]
    assert "private" not in response.get("Cache-Control", "")


def test_a_signed_in_visitors_page_with_segment_content_is_private(client):
    page = segmented_page(*CLASS_BLOCKS)

    response = _as(client, customer(value_class="major", paid=True)).get(page.url)

    assert _shown(response) == ["Only for major"]
    assert "private" in response["Cache-Control"]


def test_a_signed_in_visitors_page_is_private_even_when_no_segment_matches(client):
    page = segmented_page(segment("Only for premium", value_classes=["premium"]))

    response = _as(client, customer()).get(page.url)

    assert _shown(response) == []
    assert "private" in response["Cache-Control"]  # another visitor's version would differ


def test_a_page_without_segment_content_is_left_as_it_was(client):
    page = segmented_page()

    response = _as(client, customer()).get(page.url)

    assert "Cache-Control" not in response


# --- Nobody chooses their own audience --------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["?mode=class-premium", "?audience=premium", "?value_class=premium", "?preview_mode=class-premium"]
)
def test_a_customer_cannot_ask_for_another_class_content_by_query_string(client, query):
    page = segmented_page(*CLASS_BLOCKS)
    _as(client, customer(value_class="ordinary", paid=True))

    assert _shown(client.get(page.url + query)) == ["Only for ordinary"]
    assert _shown(Client().get(page.url + query)) == []


def test_a_customer_cannot_ask_for_another_class_content_by_cookie(client):
    page = segmented_page(*CLASS_BLOCKS)
    _as(client, customer(value_class="ordinary", paid=True))
    client.cookies["audience"] = "premium"
    client.cookies["_cms_audience"] = "premium"

    assert _shown(client.get(page.url)) == ["Only for ordinary"]


def test_a_customer_cannot_open_the_editors_preview(client):
    page = segmented_page(*CLASS_BLOCKS)
    _as(client, customer(value_class="ordinary", paid=True))

    response = client.get(f"/cms/pages/{page.pk}/view_draft/?mode=class-premium")

    assert response.status_code == 302
    assert response["Location"].startswith("/cms/login/")


# --- Editors preview as each audience -----------------------------------------------------------------


def _preview(client, page, mode):
    return client.get(f"/cms/pages/{page.pk}/view_draft/", {"mode": mode} if mode is not None else {})


@pytest.mark.parametrize(
    ("mode", "shown"),
    [
        (None, ["Welcome, new visitor"]),  # the default: the page most visitors get
        ("", ["Welcome, new visitor"]),
        ("new", ["Only for potential", "Welcome, new visitor"]),
        ("returning", ["Only for ordinary", "Welcome back"]),
        ("saved-design", ["Only for potential", "Only for designers", "Welcome, new visitor"]),
        ("class-premium", ["Only for premium", "Welcome back"]),
        ("class-major", ["Only for major", "Welcome back"]),
        ("class-restricted", ["Only for restricted", "Welcome back"]),
        ("class-potential", ["Only for potential", "Welcome, new visitor"]),
        ("tier-gold", ["Only for ordinary", "Only for gold", "Welcome back"]),
        ("segment-champions", ["Only for ordinary", "Only for champions", "Welcome back"]),
        ("no-such-mode", ["Welcome, new visitor"]),
    ],
)
def test_an_editor_previews_the_page_as_each_audience(client, mode, shown):
    page = segmented_page(
        *CLASS_BLOCKS,
        segment("Only for gold", tiers=["gold"]),
        segment("Only for champions", segments=[Segment.CHAMPIONS]),
        segment("Only for designers", saved_design=True),
        segment("Welcome back", visitors=["returning"]),
        segment("Welcome, new visitor", visitors=["new"]),
    )
    _as(client, get_user_model().objects.get(email=EDITOR))

    response = _preview(client, page, mode)

    assert _shown(response) == shown
    assert "private" in response["Cache-Control"]


def test_the_preview_offers_every_class_tier_and_segment():
    modes = [mode for mode, _label in HomePage.objects.get().preview_modes]

    assert modes == [
        "",
        "new",
        "returning",
        "saved-design",
        *(f"class-{code}" for code in ValueClass.values),
        "tier-member",
        "tier-silver",
        "tier-gold",
        "tier-platinum",
        *(f"segment-{code}" for code in Segment.values),
    ]


def test_the_editor_previews_the_demo_home_page_as_premium_and_as_a_new_visitor(client):
    home = HomePage.objects.get()
    _as(client, get_user_model().objects.get(email=EDITOR))

    assert _demo_segments(_preview(client, home, "class-premium")) == [THANKS, WINTER]
    assert _demo_segments(_preview(client, home, "")) == [WELCOME, WINTER]
    assert _demo_segments(_preview(client, home, "class-restricted")) == []
