"""The survey reminder's button opens the order's survey (a signed link), not the order page."""

import re
from urllib.parse import urlsplit

import pytest

from care.surveys.models import Survey
from loyalty.reminders.models import OutboxEmail, Trigger
from loyalty.reminders.services import delivery, selection
from tests.factories import OrderFactory
from tests.reminders.conftest import customer, days, now, rule, status_change  # noqa: F401 -- fixtures

pytestmark = pytest.mark.django_db


def run(at):
    for ids in selection.run_reminders(now=at).chunks:
        delivery.deliver_sends(send_ids=ids, now=at)


def test_the_reminders_link_leads_to_the_survey_and_answers_it(client, rule, customer, now):  # noqa: F811
    rule(Trigger.SURVEY, threshold=3, lookback_days=7)
    shopper = customer()
    order = OrderFactory(user=shopper, placed=now - days(10), status="Shipped")
    status_change(order, "Delivered", now - days(4))
    run(now)

    email = OutboxEmail.objects.get(send__user=shopper)
    (button,) = re.findall(r"Tell us: (\S+)", email.body_text)
    clicked = client.get(urlsplit(button).path)
    assert clicked.status_code == 302
    survey_path = clicked["Location"]
    assert survey_path.startswith("/surveys/")
    assert order.number not in survey_path  # the number is inside the signed token, not guessable beside it

    page = client.get(survey_path)  # signed out: the link is enough
    assert page.status_code == 200
    assert f"How did order {order.number} turn out?" in page.content.decode()
    client.post(survey_path, {"score": "5", "buy_again": "yes"})
    assert Survey.objects.get(order=order).source == "link"
