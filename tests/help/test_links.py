"""Help in context: {% help_link %} on product, checkout and hub pages, and "still stuck?" to a ticket."""

import pytest
from django.template import Context, Template
from django.test import override_settings

from care.help.models import HelpTopicPage
from tests.help.pages import new_topic, question

pytestmark = pytest.mark.django_db


def render(source, **context):
    return Template("{% load help_tags %}" + source).render(Context(context)).strip()


def test_a_help_link_points_to_a_live_topic():
    html = render('{% help_link "delivery-and-returns" %}')

    assert '<a href="/help/delivery-and-returns/">Delivery and returns</a>' in html


def test_a_help_link_to_a_question_is_labelled_with_it():
    html = render('{% help_link "paying#spend-points" %}')

    assert '<a href="/help/paying/#spend-points">How do I spend points at checkout?</a>' in html


def test_a_help_link_to_a_question_no_longer_there_points_to_its_topic():
    assert '<a href="/help/paying/">Paying and points</a>' in render('{% help_link "paying#gone" %}')


def test_a_help_link_renders_nothing_for_an_unpublished_topic():
    new_topic("returns-extra", [question("Q?", "<p>A.</p>")], publish=False)
    HelpTopicPage.objects.get(slug="paying").unpublish()

    assert render('{% help_link "returns-extra" %}') == ""
    assert render('{% help_link "paying" %}') == ""
    assert render('{% help_link "no-such-topic" %}') == ""


def test_the_product_page_links_to_ordering_and_delivery_help(client):
    from oscar.core.loading import get_model

    product = get_model("catalogue", "Product").objects.get(upc="ATL-SOFA")
    html = client.get(product.get_absolute_url()).content.decode()

    assert '<a href="/help/ordering/">Ordering a made-to-order product</a>' in html
    assert '<a href="/help/delivery-and-returns/">Delivery and returns</a>' in html


def test_the_hub_links_to_production_help(login):
    html = login("ada@example.com").get("/accounts/").content.decode()

    assert '<a href="/help/production/">Your order in production</a>' in html


def test_the_product_page_shows_no_help_link_once_the_topic_is_unpublished(client):
    from oscar.core.loading import get_model

    HelpTopicPage.objects.get(slug="ordering").unpublish()
    product = get_model("catalogue", "Product").objects.get(upc="ATL-SOFA")
    html = client.get(product.get_absolute_url()).content.decode()

    assert "/help/ordering/" not in html
    assert "/help/delivery-and-returns/" in html


def test_still_stuck_renders_no_ticket_link_where_tickets_are_not_installed():
    page = HelpTopicPage.objects.get(slug="paying")
    with override_settings(ROOT_URLCONF=__name__):
        assert render('{% open_ticket_url page "paying" %}', page=page) == ""


urlpatterns = []  # this module as a URLconf: a site without the tickets app


def test_still_stuck_opens_a_ticket_with_the_page_and_topic_filled_in(client):
    page = HelpTopicPage.objects.get(slug="delivery-and-returns")

    html = client.get("/help/delivery-and-returns/").content.decode()

    assert "Still stuck?" in html
    assert f'href="/tickets/new/?help_page={page.pk}&amp;topic=delivery-and-returns">Ask a question</a>' in html


def test_a_cached_help_link_goes_when_its_topic_is_made_private():
    from wagtail.models import PageViewRestriction

    assert render('{% help_link "care" %}') != ""  # now cached

    PageViewRestriction.objects.create(
        page=HelpTopicPage.objects.get(slug="care"), restriction_type=PageViewRestriction.LOGIN
    )

    assert render('{% help_link "care" %}') == ""
