"""The contact form page: a message is kept and mailed; spam is refused in words and nothing is kept."""

import pytest
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from portal.cms.form_pages import HONEYPOT_FIELD
from portal.cms.models import FormPage, HomePage

pytestmark = pytest.mark.django_db

MESSAGE = {
    "your_name": "Priya Shah",
    "your_e_mail_address": "priya@example.com",
    "what_is_it_about": "Delivery",
    "your_message": "Can you carry a fridge up three floors?",
}


@pytest.fixture
def contact():
    return FormPage.objects.get(slug="contact")


def _submissions(page):
    return list(FormSubmission.objects.filter(page=page).values_list("form_data", flat=True))


def test_the_contact_page_shows_its_form_with_a_hidden_honeypot(client, contact):
    response = client.get(contact.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="your_message"' in html
    assert '<div class="cms-form__trap" hidden>' in html
    assert f'name="{HONEYPOT_FIELD}"' in html


def test_a_message_is_kept_mailed_and_thanked_for(client, contact):
    response = client.post(contact.url, {**MESSAGE, HONEYPOT_FIELD: ""})

    assert response.status_code == 200
    assert "your message has reached the workshop" in response.content.decode()
    assert _submissions(contact) == [MESSAGE]  # the honeypot is not kept
    assert [(m.subject, m.to) for m in mail.outbox] == [("A message from the contact form", ["hello@atelier.example"])]
    assert "Your message: Can you carry a fridge up three floors?" in mail.outbox[0].body
    assert HONEYPOT_FIELD not in mail.outbox[0].body


def test_a_filled_honeypot_is_refused_in_words_and_nothing_is_kept(client, contact):
    response = client.post(contact.url, {**MESSAGE, HONEYPOT_FIELD: "https://cheap-pills.example"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your message was not sent: it looked automated (a hidden field that people leave empty" in html
    assert "reached the workshop" not in html
    assert _submissions(contact) == []
    assert mail.outbox == []


def test_a_flood_is_refused_in_words_past_the_limit_and_nothing_more_is_kept(client, contact, settings):
    settings.CMS_FORM_RATE = "3/h"

    answers = [client.post(contact.url, {**MESSAGE, "your_message": f"Message {n}"}).status_code for n in range(5)]

    assert answers == [200, 200, 200, 429, 429]
    assert [data["your_message"] for data in _submissions(contact)] == ["Message 0", "Message 1", "Message 2"]
    assert len(mail.outbox) == 3
    refused = client.post(contact.url, MESSAGE)
    assert "this form has been sent from your connection too often in a short time. Please try again in 60 minutes" in (
        refused.content.decode()
    )


def test_the_limit_is_per_client_address(client, contact, settings):
    settings.CMS_FORM_RATE = "1/h"

    first = client.post(contact.url, MESSAGE, REMOTE_ADDR="203.0.113.5")
    second = client.post(contact.url, MESSAGE, REMOTE_ADDR="203.0.113.5")
    other = client.post(contact.url, MESSAGE, REMOTE_ADDR="198.51.100.7")

    assert [first.status_code, second.status_code, other.status_code] == [200, 429, 200]
    assert len(_submissions(contact)) == 2


def test_a_message_with_missing_fields_is_kept_nowhere_and_says_what_is_missing(client, contact):
    response = client.post(contact.url, {**MESSAGE, "your_message": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"your_message": ["This field is required."]}
    assert _submissions(contact) == []


def test_submitted_text_is_escaped_on_the_way_back(client, contact):
    response = client.post(contact.url, {**MESSAGE, "your_name": "<script>alert(1)</script>", "your_message": ""})

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_staff_read_and_export_the_submissions_in_wagtail(client, login, contact):
    client.post(contact.url, MESSAGE)
    login("editor@atelier.example")

    listing = client.get(f"/cms/forms/submissions/{contact.pk}/")
    export = client.get(f"/cms/forms/submissions/{contact.pk}/?export=csv")

    assert listing.status_code == 200
    assert "Can you carry a fridge up three floors?" in listing.content.decode()
    assert export.status_code == 200
    csv = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert "Priya Shah" in csv and "Can you carry a fridge up three floors?" in csv


def test_shoppers_cannot_read_the_submissions(client, login, contact):
    client.post(contact.url, MESSAGE)
    login("ada@example.com")

    response = client.get(f"/cms/forms/submissions/{contact.pk}/")

    assert response.status_code == 302
    assert "/cms/login/" in response["Location"]


def test_an_editor_adds_a_form_page_under_the_home_page(client, login):
    home = HomePage.objects.get()
    login("editor@atelier.example")

    response = client.get(f"/cms/pages/add/cms/formpage/{home.pk}/")

    assert response.status_code == 200
    assert 'name="form_fields-TOTAL_FORMS"' in response.content.decode()


def test_a_formula_in_an_entry_stays_text_in_the_csv_export(client, login, contact):
    client.post(contact.url, {**MESSAGE, "your_name": '=HYPERLINK("https://evil.example","Click")'})
    login("editor@atelier.example")

    export = client.get(f"/cms/forms/submissions/{contact.pk}/?export=csv")

    csv = b"".join(export.streaming_content).decode()
    assert "'=HYPERLINK(" in csv
    assert ",=HYPERLINK(" not in csv and '"=HYPERLINK(' not in csv
