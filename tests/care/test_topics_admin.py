"""Topics are edited in Wagtail's admin, as a snippet; customers and planners cannot reach it."""

import pytest

from care.models import Topic
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_an_admin_lists_and_edits_topics_in_wagtail(login):
    client = login("admin@atelier.example")

    listing = client.get("/cms/snippets/care/topic/")
    assert listing.status_code == 200
    assert "Product quality" in listing.content.decode()
    topic = Topic.objects.get(slug="delivery")
    edit = client.get(f"/cms/snippets/care/topic/edit/{topic.pk}/")
    assert edit.status_code == 200 and "first response within (working hours)" in edit.content.decode().lower()


@pytest.mark.parametrize("email", [None, "planner@atelier.example"])  # None: a customer
def test_others_cannot_open_the_topics(login, email):
    response = login(email or CustomerFactory().email).get("/cms/snippets/care/topic/")
    assert response.status_code in (302, 403)
