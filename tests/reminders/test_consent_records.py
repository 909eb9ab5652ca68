"""Every answer to a consent question is kept as evidence: the preferences page and the unsubscribe link
write a ConsentRecord (when, where, the words shown, the answers) as registration does, and the
customer's data export lists them."""

import json

import pytest

from loyalty.reminders import links
from loyalty.reminders.models import Channel, ConsentRecord, Trigger

pytestmark = pytest.mark.django_db

PREFERENCES_WORDING = "\n".join(
    [
        "Reminders",
        "Choose which reminders you receive, and where. Order updates you asked for by buying stay in your "
        "order history either way.",
    ]
    + [f"{trigger}: {channel}" for trigger in Trigger.labels for channel in Channel.labels]
)


def every_box_but(*refused):
    return {f"{t}:{c}": "on" for t in Trigger.values for c in Channel.values if (t, c) not in refused}


def test_saving_preferences_records_the_words_shown_and_every_answer(client, customer):
    ada = customer()
    client.force_login(ada)
    page = client.get("/accounts/reminders/").content.decode()

    response = client.post("/accounts/reminders/", every_box_but(("survey", "email"), ("win_back", "inbox")))

    assert response.status_code == 302
    (record,) = ConsentRecord.objects.filter(user=ada)
    assert record.source == ConsentRecord.Source.PREFERENCES == "preferences"
    assert record.wording == PREFERENCES_WORDING
    expected = {t: {"email": True, "inbox": True} for t in Trigger.values}
    expected["survey"]["email"] = False
    expected["win_back"]["inbox"] = False
    assert record.choices == expected
    # The words recorded are the page's: its introduction and every box's label.
    for line in PREFERENCES_WORDING.splitlines()[1:]:
        assert line in page


def test_each_save_of_preferences_is_a_record_of_its_own(client, customer):
    ada = customer()
    client.force_login(ada)

    client.post("/accounts/reminders/", every_box_but())
    client.post("/accounts/reminders/", {})

    first, second = ConsentRecord.objects.filter(user=ada).order_by("pk")
    assert all(all(channels.values()) for channels in first.choices.values())
    assert not any(any(channels.values()) for channels in second.choices.values())


def test_the_unsubscribe_page_records_the_withdrawal_in_its_words(client, customer):
    ada = customer()
    path = links.unsubscribe_path(ada.pk, Trigger.WIN_BACK)
    client.get(path)
    assert not ConsentRecord.objects.exists()  # a link scanner's visit answers nothing

    response = client.post(path)

    assert response.status_code == 200
    (record,) = ConsentRecord.objects.filter(user=ada)
    assert record.source == ConsentRecord.Source.UNSUBSCRIBE == "unsubscribe"
    assert record.wording == (
        "Stop these reminders?\n"
        "You will no longer receive “Lapsed customer win-back” reminders, by email or in your account inbox."
    )
    assert record.choices == {"win_back": {"email": False, "inbox": False}}


def test_a_mail_programs_one_click_unsubscribe_is_recorded_as_such(client, customer):
    ada = customer()
    path = links.unsubscribe_path(ada.pk, Trigger.BIRTHDAY)

    response = client.post(path, {"List-Unsubscribe": "One-Click"})  # RFC 8058's body

    assert response.status_code == 200
    (record,) = ConsentRecord.objects.filter(user=ada)
    assert record.wording == (
        "One-click unsubscribe in the mail program, from a “Birthday” reminder email "
        "(List-Unsubscribe=One-Click): no page of ours was shown."
    )
    assert record.choices == {"birthday": {"email": False, "inbox": False}}


def test_unsubscribing_again_changes_nothing_and_records_nothing(client, customer):
    ada = customer()
    path = links.unsubscribe_path(ada.pk, Trigger.WIN_BACK)

    client.post(path)
    again = client.post(path)

    assert again.status_code == 200
    assert ConsentRecord.objects.filter(user=ada).count() == 1


def test_the_unsubscribe_link_of_an_erased_account_records_nothing(client, customer):
    gone = customer()
    path = links.unsubscribe_path(gone.pk, Trigger.WIN_BACK)
    gone.delete()

    assert client.post(path).status_code == 200
    assert not ConsentRecord.objects.exists()


def test_the_data_export_lists_every_answer_newest_first(client, customer):
    ada = customer()
    client.post(links.unsubscribe_path(ada.pk, Trigger.WIN_BACK))
    client.force_login(ada)
    client.post("/accounts/reminders/", every_box_but(("win_back", "email"), ("win_back", "inbox")))

    data = json.loads(client.get("/accounts/data/export.json").content)

    given = data["reminders"]["consent_given"]
    assert [(entry["where"], entry["wording"].splitlines()[0]) for entry in given] == [
        ("preferences", "Reminders"),
        ("unsubscribe", "Stop these reminders?"),
    ]
    assert given[1]["answers"] == {"win_back": {"email": False, "inbox": False}}
