"""A new visitor creates an account on the sign-in page and lands in their account, signed in."""

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from configurator.models import SavedDesign
from loyalty.reminders.models import ConsentRecord, ReminderConsent
from tests.browser.accessibility import assert_accessible

PASSWORD = "a-long-fresh-passphrase"


def register(page, shop, email):
    """Fill the registration form on /accounts/login/, the way the home page's "Create your account" leads."""
    page.goto(shop + "/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in or create an account")
    assert_accessible(page)
    form = page.locator("#register_form")
    form.get_by_label("Email address").fill(email)
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Confirm password").fill(PASSWORD)
    return form


def test_a_new_visitor_registers_chooses_reminders_and_lands_signed_in_in_the_hub(shop, page):
    form = register(page, shop, "Nora.Quinn@Example.com ")
    consent = form.get_by_role("group", name="Reminders from Atelier")
    expect(consent.get_by_role("checkbox", name="Birthday: Email")).not_to_be_checked()
    expect(consent.get_by_role("checkbox", name="Order shipped: Email")).to_be_checked()
    consent.get_by_role("checkbox", name="Birthday: Email").check()
    consent.get_by_role("checkbox", name="Saved design not ordered: Account inbox").check()
    consent.get_by_role("checkbox", name="Order delivered: Email").uncheck()
    form.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(shop + "/accounts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, nora.quinn@example.com")
    expect(page.get_by_text("Thanks for registering!")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)

    user = get_user_model().objects.get(email="nora.quinn@example.com")
    assert set(ReminderConsent.objects.filter(user=user, allowed=True).values_list("trigger", "channel")) == {
        ("birthday", "email"),
        ("saved_design", "inbox"),
        ("order_shipped", "email"),
        ("order_shipped", "inbox"),
        ("order_delivered", "inbox"),
    }
    record = ConsentRecord.objects.get(user=user)
    assert record.choices["order_delivered"] == {"email": False, "inbox": True}
    assert "Birthday: Email" in record.wording.splitlines()

    # The choices made at sign-up are the ones the Reminders tab shows.
    page.goto(shop + "/accounts/reminders/")
    expect(page.get_by_role("checkbox", name="Birthday: Email")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Lapsed customer win-back: Email")).not_to_be_checked()
    assert_accessible(page)


def test_the_privacy_notice_is_one_click_from_the_form(shop, page):
    register(page, shop, "olga@example.com")

    page.locator("#register_form").get_by_role("link", name=re.compile("privacy notice")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    expect(page.get_by_role("heading", name="Reminders, only with your agreement")).to_be_visible()
    assert_accessible(page)


def test_a_design_saved_and_a_basket_filled_before_registering_are_the_new_customers(shop, page):
    page.goto(shop + "/configure/atelier-fridge/")
    page.get_by_role("radio", name="Left").check()
    page.get_by_label("Design name").fill("Fridge for the alcove")
    page.get_by_role("button", name="Save design").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fridge for the alcove")
    assert_accessible(page)
    page.get_by_role("button", name="Add to basket").click()
    expect(page.locator(".basket-summary__count")).to_have_text("1")

    form = register(page, shop, "pavel@example.com")
    form.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(shop + "/accounts/")
    designs = page.locator("section", has=page.get_by_role("heading", name="Saved designs"))
    expect(designs.get_by_role("link", name="Fridge for the alcove")).to_be_visible()
    expect(page.locator(".basket-summary__count")).to_have_text("1")
    assert_accessible(page)
    assert SavedDesign.objects.get(name="Fridge for the alcove").owner.email == "pavel@example.com"

    page.goto(shop + "/basket/")
    expect(page.locator("#content_inner")).to_contain_text("Door opens on the: Left")
    assert_accessible(page)


def test_the_register_page_asks_the_same_and_the_data_page_links_the_privacy_notice(shop, page):
    page.goto(shop + "/accounts/register/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    assert_accessible(page)
    form = page.locator("#register_form")
    form.get_by_label("Email address").fill("quentin@example.com")
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Confirm password").fill(PASSWORD)
    form.get_by_role("checkbox", name="Points expiring: Account inbox").check()
    form.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(shop + "/accounts/")
    record = ConsentRecord.objects.get(user__email="quentin@example.com")
    assert record.choices["points_expiring"] == {"email": False, "inbox": True}

    page.locator(".sidebar").get_by_role("link", name="Your data").click()
    assert_accessible(page)
    page.get_by_role("link", name="Read how we use your data in our privacy notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
