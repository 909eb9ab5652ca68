"""The demo: Ada's fridge answered with a 5 (and reviewed), her sofa still to answer; loading again adds nothing."""

import pytest
from oscar.core.loading import get_model

from care.surveys.models import Survey
from portal.demo import surveys

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


def test_the_demo_has_one_answered_and_one_open_survey_and_loads_again_as_it_stands():
    answered = Survey.objects.get(order__number="DEMO-1002")
    assert (answered.score, answered.buy_again, answered.ticket_id) == (5, "yes", None)
    assert not Survey.objects.filter(order__number="DEMO-1001").exists()
    assert Order.objects.get(number="DEMO-1001").status == "Delivered"

    assert surveys.load_surveys() == 0
    assert Survey.objects.filter(order__number="DEMO-1002").count() == 1


def test_the_demo_fridge_page_shows_adas_review(client):
    fridge = Order.objects.get(number="DEMO-1002").lines.get().product
    assert surveys.REVIEW_TITLE in client.get(fridge.get_absolute_url()).content.decode()
