"""Registering: both forms sign the new customer in, one account per address, whatever its case."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models.functions import Lower, Trim
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from oscar.core.loading import get_model

from configurator.models import SavedDesign
from loyalty.reminders.models import ConsentRecord, ReminderConsent
from loyalty.reminders.selectors import withdrawn_channels
from loyalty.reminders.services.consent import record_consent
from portal.customer.mixins import RegisterUserMixin

pytestmark = pytest.mark.django_db

User = get_user_model()
Basket = get_model("basket", "Basket")
PASSWORD = "a-long-fresh-passphrase"


def register_on_login_page(client, email, password=PASSWORD, **extra):
    return client.post(
        "/accounts/login/",
        {
            "registration-email": email,
            "registration-password1": password,
            "registration-password2": password,
            "registration_submit": "1",
            **extra,
        },
    )


def register_on_register_page(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/register/", {"email": email, "password1": password, "password2": password, **extra})


def signed_in_user(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


def test_registering_on_the_login_page_signs_the_shopper_in_and_lands_in_the_hub(client):
    response = register_on_login_page(client, "dora@example.com")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert signed_in_user(client) == User.objects.get(email="dora@example.com")
    assert client.get("/accounts/").status_code == 200
    assert [message.to for message in mail.outbox] == [["dora@example.com"]]  # Oscar's welcome email


def test_registering_on_the_register_page_signs_the_shopper_in(client):
    response = register_on_register_page(client, "eli@example.com")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert signed_in_user(client) == User.objects.get(email="eli@example.com")


def test_registering_keeps_a_safe_next_page(client):
    response = client.post(
        "/accounts/register/?next=/checkout/shipping-address/",
        {
            "email": "fay@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "redirect_url": "/checkout/shipping-address/",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/checkout/shipping-address/"
    assert signed_in_user(client).email == "fay@example.com"


@pytest.mark.parametrize("typed", ["Ada@Example.com ", "ADA@EXAMPLE.COM", " ada@example.com"])
@pytest.mark.parametrize("register", [register_on_login_page, register_on_register_page])
def test_an_existing_address_in_another_case_is_refused_with_a_clear_message(client, register, typed):
    response = register(client, typed)

    assert response.status_code == 200
    assert "A user with that email address already exists" in response.content.decode()
    assert User.objects.filter(email__iexact="ada@example.com").count() == 1
    assert "_auth_user_id" not in client.session


def test_a_new_address_is_stored_trimmed_and_lower_case(client):
    register_on_login_page(client, "  Gus.Smith@Example.COM ")

    assert User.objects.filter(email__iexact="gus.smith@example.com").get().email == "gus.smith@example.com"
    assert signed_in_user(client).email == "gus.smith@example.com"


def test_the_new_address_signs_in_with_any_case_afterwards(client):
    register_on_login_page(client, "hana@example.com")
    client.post("/accounts/logout/")

    response = Client().post(
        "/accounts/login/",
        {"login-username": " HANA@Example.com", "login-password": PASSWORD, "login_submit": "1"},
    )

    assert response.status_code == 302


def test_a_second_submit_that_passed_the_check_before_the_first_saved_signs_into_the_same_account(client, monkeypatch):
    """The double click: both requests pass the form's checks, then the first one saves.

    The competing row is written after this request's form was validated and before it
    registers, where the first request's commit lands; the database's case-insensitive unique constraint
    refuses the second row, and the shopper who typed the same password is signed in to the
    one account.
    """
    register = RegisterUserMixin.register_user

    def first_request_commits_then_register(view, form):
        User.objects.create_user(email="Ivy@example.com", password=PASSWORD)
        return register(view, form)

    monkeypatch.setattr(RegisterUserMixin, "register_user", first_request_commits_then_register)

    response = register_on_login_page(client, "ivy@example.com")

    assert response.status_code == 302
    assert User.objects.filter(email__iexact="ivy@example.com").count() == 1
    assert signed_in_user(client).email == "ivy@example.com"


def test_a_racing_registration_with_another_password_is_refused_not_signed_in(client, monkeypatch):
    register = RegisterUserMixin.register_user

    def someone_else_commits_then_register(view, form):
        User.objects.create_user(email="jo@example.com", password="somebody-elses-passphrase")
        return register(view, form)

    monkeypatch.setattr(RegisterUserMixin, "register_user", someone_else_commits_then_register)

    response = register_on_login_page(client, "jo@example.com")

    assert response.status_code == 200
    assert "A user with that email address already exists" in response.content.decode()
    assert User.objects.filter(email__iexact="jo@example.com").count() == 1
    assert "_auth_user_id" not in client.session


def test_a_second_submit_after_the_first_saved_signs_into_the_account_it_made(client):
    """The double click as browsers send it: the first request has committed when the second
    arrives, and the browser shows the second's answer. Not "already exists": the same person,
    signed in to the one account, whose choices the first request recorded."""
    register_on_login_page(client, "rae@example.com", **{"registration-consent_birthday_email": "on"})
    second_tab = Client()

    response = register_on_login_page(second_tab, "Rae@example.com", **{"registration-consent_birthday_email": "on"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert signed_in_user(second_tab).email == "rae@example.com"
    assert User.objects.filter(email__iexact="rae@example.com").count() == 1
    assert ConsentRecord.objects.filter(user__email="rae@example.com").count() == 1
    messages = [str(message) for message in second_tab.get("/accounts/").context["messages"]]
    assert messages == ["You already have an account with this address, so we signed you in."]


def test_checkouts_create_an_account_link_with_an_existing_account_signs_in_and_goes_on(client):
    response = client.post(
        "/accounts/register/?next=/checkout/shipping-address/",
        {
            "email": "Chloe@example.com",
            "password1": "atelier-shopper",
            "password2": "atelier-shopper",
            "redirect_url": "/checkout/shipping-address/",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/checkout/shipping-address/"
    assert signed_in_user(client).email == "chloe@example.com"


def test_registering_an_existing_address_is_no_way_around_the_lockout(client):
    for _ in range(4):
        response = register_on_login_page(client, "ben@example.com", password="guess-number-n")
        assert "A user with that email address already exists" in response.content.decode()
    register_on_login_page(client, "BEN@example.com", password="guess-number-n")  # the fifth locks

    response = register_on_login_page(client, "ben@example.com", password="atelier-shopper")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_registering_from_an_address_locked_out_for_that_email_creates_the_account_but_says_wait(client):
    """Five wrong guesses for an address that had no account yet lock that address from here;
    registering it then is not a way around the lockout, and not a 500 either."""
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"login-username": "kim@example.com", "login-password": "guess", "login_submit": "1"},
        )

    response = register_on_login_page(client, "Kim@Example.com")

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert User.objects.filter(email="kim@example.com").count() == 1
    assert "_auth_user_id" not in client.session


def test_designs_saved_before_registering_are_claimed(client):
    client.post("/configure/atelier-fridge/", {"action": "save", "name": "Before I had an account", "hinge": "left"})
    design = SavedDesign.objects.get(name="Before I had an account")
    assert design.owner is None

    register_on_login_page(client, "lea@example.com")

    design.refresh_from_db()
    assert design.owner == User.objects.get(email="lea@example.com")


def test_a_basket_filled_before_registering_is_claimed(client):
    client.post("/configure/atelier-fridge/", {"action": "basket", "hinge": "left"})

    register_on_login_page(client, "max@example.com")
    client.get("/accounts/")  # Oscar's middleware merges the cookie basket on the next request

    basket = Basket.objects.get(owner__email="max@example.com", status=Basket.OPEN)
    assert [line.product.upc for line in basket.all_lines()] == ["ATL-FRIDGE"]


# --- consent at registration -------------------------------------------------------------

MARKETING = {
    "birthday",
    "anniversary",
    "replenishment",
    "saved_design",
    "abandoned_basket",
    "points_expiring",
    "tier_gap",
    "win_back",
    "survey",
}


def test_only_news_about_the_customers_own_orders_is_ticked_in_advance(client):
    html = client.get("/accounts/login/").content.decode()

    ticked = set(re.findall(r'<input type="checkbox" name="registration-consent_(\w+)" [^>]*checked', html))
    assert ticked == {"order_shipped_email", "order_shipped_inbox", "order_delivered_email", "order_delivered_inbox"}
    assert len(re.findall(r'name="registration-consent_\w+"', html)) == 22  # 11 reminder types, 2 channels


def test_registration_records_each_choice_with_the_time_and_the_words_shown(client):
    page = client.get("/accounts/login/").content.decode()
    before = timezone.now()

    register_on_login_page(
        client,
        "nadia.new@example.com",
        **{"registration-consent_birthday_email": "on", "registration-consent_order_shipped_inbox": "on"},
    )

    user = User.objects.get(email="nadia.new@example.com")
    allowed = set(ReminderConsent.objects.filter(user=user, allowed=True).values_list("trigger", "channel", "source"))
    assert allowed == {("birthday", "email", "registration"), ("order_shipped", "inbox", "registration")}
    assert ReminderConsent.objects.filter(user=user, allowed=False).count() == 20
    record = ConsentRecord.objects.get(user=user)
    assert record.source == "registration"
    assert before <= record.recorded_at <= timezone.now()
    assert record.choices["birthday"] == {"email": True, "inbox": False}
    assert record.choices["order_shipped"] == {"email": False, "inbox": True}
    assert record.choices["win_back"] == {"email": False, "inbox": False}
    lines = record.wording.splitlines()
    assert lines[0] == "Reminders from Atelier"
    assert "Birthday: Email" in lines and "Order shipped: Account inbox" in lines
    assert len(lines) == 2 + 22 + 1
    for line in lines:
        assert escape(line) in page, line  # word for word what the form showed


def test_marketing_left_unticked_at_registration_is_never_sent(client):
    register_on_login_page(client, "olu@example.com")
    user = User.objects.get(email="olu@example.com")

    withdrawn = {(trigger, channel) for _, trigger, channel in withdrawn_channels([user.pk])}

    assert {trigger for trigger, _ in withdrawn} == MARKETING | {"order_shipped", "order_delivered"}
    assert len(withdrawn) == 22


def test_the_register_page_asks_the_same_question_and_records_it(client):
    register_on_register_page(client, "pia@example.com", **{"consent_saved_design_email": "on"})

    record = ConsentRecord.objects.get(user__email="pia@example.com")
    assert record.choices["saved_design"] == {"email": True, "inbox": False}
    assert sum(on for channels in record.choices.values() for on in channels.values()) == 1


def test_a_refused_registration_records_no_consent(client):
    register_on_login_page(client, "ada@example.com", **{"registration-consent_birthday_email": "on"})

    assert not ConsentRecord.objects.filter(user__email="ada@example.com").exists()
    assert not ReminderConsent.objects.filter(user__email="ada@example.com", source="registration").exists()


def test_the_consent_service_refuses_an_unknown_reminder_type_and_writes_nothing():
    user = User.objects.get(email="chloe@example.com")

    with pytest.raises(ValueError, match="Unknown reminder type or channel"):
        record_consent(
            user=user, allowed={("birthday", "email"), ("newsletter", "email")}, wording="?", source="registration"
        )

    assert not ReminderConsent.objects.filter(user=user).exists()
    assert not ConsentRecord.objects.filter(user=user).exists()


def test_the_customers_data_export_includes_what_they_agreed_to(client):
    register_on_login_page(client, "quin@example.com", **{"registration-consent_tier_gap_inbox": "on"})

    data = client.get("/accounts/data/export.json").json()

    [given] = data["reminders"]["consent_given"]
    assert given["where"] == "registration"
    assert given["answers"]["tier_gap"] == {"email": False, "inbox": True}
    assert given["wording"] == ConsentRecord.objects.get(user__email="quin@example.com").wording


# --- the profile form keeps the one spelling ---------------------------------------------


def test_retyping_ones_own_address_in_another_case_changes_nothing_and_warns_nobody(login):
    client = login("ada@example.com")

    response = client.post(
        "/accounts/profile/edit/", {"first_name": "Ada", "last_name": "L", "email": " ADA@Example.com"}
    )

    assert response.status_code == 302
    assert User.objects.get(first_name="Ada", last_name="L").email == "ada@example.com"
    assert mail.outbox == []  # Oscar's "your address changed" warning is for a real change


def test_an_address_changed_in_the_profile_is_stored_in_the_one_spelling(login):
    client = login("chloe@example.com")

    client.post(
        "/accounts/profile/edit/",
        {"first_name": "Chloe", "last_name": "", "email": "Chloe.B@Example.com", "current_password": "atelier-shopper"},
    )

    assert User.objects.filter(first_name="Chloe").get().email == "chloe.b@example.com"
    assert [message.to for message in mail.outbox] == [["chloe@example.com"]]


def test_another_customers_address_in_another_case_is_refused_in_the_profile(login):
    client = login("ben@example.com")

    response = client.post(
        "/accounts/profile/edit/", {"first_name": "Ben", "last_name": "", "email": "ADA@example.com"}
    )

    assert response.status_code == 200
    assert "A user with this email address already exists" in response.content.decode()
    assert User.objects.filter(email="ben@example.com").exists()


def test_the_migration_stores_existing_addresses_in_the_one_spelling():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("portal.users.migrations.0002_email_case_insensitive_unique")
    User.objects.filter(email="chloe@example.com").update(email=" Chloe@Example.COM")  # as saved before

    migration.store_addresses_lower_case(apps, None)

    assert User.objects.filter(email="chloe@example.com").count() == 1
    assert not User.objects.exclude(email=Lower(Trim("email"))).exists()
