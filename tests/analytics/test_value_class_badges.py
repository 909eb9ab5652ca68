"""A customer's value class is shown, as a badge in words, on every staff view of a customer: the
care ticket's customer panel, loyalty's customer list and page, and Oscar's customer page."""

import pytest
from django.urls import reverse

from care.services.opening import open_ticket
from loyalty.templatetags.loyalty_tags import value_class_badge
from tests.care.conftest import make_topic
from tests.factories import CustomerFactory, LoyaltyAccountFactory

pytestmark = pytest.mark.django_db

ADMIN = "admin@atelier.example"
BADGE = '<span class="badge badge-warning value-class-badge" data-value-class="premium"'


@pytest.fixture
def premium():
    person = CustomerFactory(email="top@value.example")
    LoyaltyAccountFactory(user=person, value_class="premium")
    return person


def test_the_badge_says_the_class_in_words_and_nothing_for_no_class():
    assert ">Restricted</span>" in value_class_badge("restricted")
    assert value_class_badge("") == value_class_badge(None) == value_class_badge("<b>") == ""


@pytest.mark.parametrize(
    "page",
    [
        lambda person: reverse("loyalty-dashboard:customer", args=[person.pk]),
        lambda person: reverse("loyalty-dashboard:customers") + "?q=top%40value",
        lambda person: reverse("dashboard:user-detail", kwargs={"pk": person.pk}),
    ],
    ids=["loyalty-customer", "loyalty-customers", "oscar-customer"],
)
def test_staff_pages_of_a_customer_show_the_class(client, login, premium, page):
    login(ADMIN)

    response = client.get(page(premium))

    assert response.status_code == 200
    assert BADGE in response.content.decode() and ">Premium</span>" in response.content.decode()


def test_the_care_tickets_customer_panel_shows_the_class(client, login, premium):
    ticket, _ = open_ticket(topic=make_topic("test-question"), subject="Size", body="Which size?", user=premium)
    login(ADMIN)

    page = client.get(reverse("care-dashboard:ticket", args=[ticket.reference])).content.decode()

    assert "data-customer-value-class" in page and BADGE in page


def test_oscars_customer_page_of_someone_without_an_account_shows_a_dash(client, login):
    staff_only = CustomerFactory()
    login(ADMIN)

    page = client.get(reverse("dashboard:user-detail", kwargs={"pk": staff_only.pk})).content.decode()

    assert "Value class" in page and "value-class-badge" not in page
