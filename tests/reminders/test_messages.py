"""Reminder messages: placeholders checked at save, rendered safely, previewed in Wagtail."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from loyalty.reminders import messages
from loyalty.reminders.models import OutboxEmail, ReminderMessage, Trigger
from loyalty.reminders.services import delivery, selection

pytestmark = pytest.mark.django_db


def test_unknown_placeholder_is_refused_with_its_name():
    message = ReminderMessage(
        trigger=Trigger.WIN_BACK, language="en-gb", subject="Hi {frist_name}", body="Come back {first_name}",
        button_label="Go {discount}",
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        message.full_clean()
    assert "Unknown placeholder: {frist_name}" in refused.value.message_dict["subject"][0]
    assert "Unknown placeholder: {discount}" in refused.value.message_dict["button_label"][0]
    assert "body" not in refused.value.message_dict


def test_attribute_lookups_are_not_placeholders():
    message = ReminderMessage(
        trigger=Trigger.WIN_BACK, language="en-gb", subject="{first_name.__class__}", body="x", button_label="x"
    )
    message.full_clean(validate_constraints=False)  # accepted: not a placeholder, so it stays text

    rendered = messages.render_copy(message, values={"first_name": "Ada"}, send_id=1, user_id=1, trigger="win_back")

    assert rendered.subject == "{first_name.__class__}"  # never evaluated


def test_wagtail_refuses_to_save_a_message_with_an_unknown_placeholder(client):
    ReminderMessage.objects.filter(trigger=Trigger.SURVEY).delete()
    client.force_login(get_user_model().objects.get(email="admin@atelier.example"))
    response = client.post(
        "/cms/snippets/reminders/remindermessage/add/",
        {
            "trigger": "survey", "language": "en-gb", "subject": "How was {product}?",
            "body": "Tell us, {firstname}.", "button_label": "Answer",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "Unknown placeholder: {firstname}" in response.content.decode()
    assert not ReminderMessage.objects.filter(trigger=Trigger.SURVEY).exists()


def test_a_published_message_is_what_customers_receive(rule, customer, now):
    rule(Trigger.BIRTHDAY)  # (clears messages first)
    ReminderMessage.objects.create(
        trigger=Trigger.BIRTHDAY, language="en-gb", subject="Many happy returns, {first_name}",
        body="A present from {shop_name}.", button_label="Open it",
    )  # fmt: skip
    today = timezone.localdate(now)
    ada = customer(first_name="Ada", birth_date=date(1990, today.month, today.day))
    for ids in selection.run_reminders(now=now).chunks:
        delivery.deliver_sends(send_ids=ids, now=now)
    email = OutboxEmail.objects.get(send__user=ada)
    assert email.subject == "Many happy returns, Ada"
    assert "A present from Atelier." in email.body_text
    assert "Open it" in email.body_html


@pytest.mark.parametrize("mode", ["email", "text", "inbox"])
def test_preview_renders_sample_values(mode):
    message = ReminderMessage(
        trigger=Trigger.POINTS_EXPIRING, language="en-gb", subject="{points} points expire",
        body="Hello {first_name}", button_label="Spend",
    )  # fmt: skip
    html = message.serve_preview(RequestFactory().get("/"), mode).render().content.decode()
    assert "1,200 points expire" in html
    assert "Hello Ada" in html
