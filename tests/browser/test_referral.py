"""A shopper invites a friend: the link copied from the hub, the friend registers through it and
pays a first order, and both see their referral points in the hub."""

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from loyalty.models import ProgrammeRules, Referral
from tests.browser.accessibility import assert_accessible
from tests.browser.checkout_steps import buy_a_fridge
from tests.browser.signing_in import sign_in

PASSWORD = "a-long-fresh-passphrase"
MEMBER, FRIEND = "iris.member@example.org", "jonah.friend@example.org"


def register(page, email):
    """The registration form as it is on the page (the sign-in page or the register page)."""
    form = page.locator("#register_form")
    form.get_by_label("Email address").fill(email)
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Confirm password").fill(PASSWORD)
    return form


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_a_friend_registers_with_the_copied_link_and_both_earn_after_the_first_order(shop, page, context):
    rules = ProgrammeRules.current()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=shop)

    # The member registers through the pages and finds the invite page in the hub.
    page.goto(shop + "/accounts/login/")
    register(page, MEMBER).get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(shop + "/accounts/")
    page.get_by_role("link", name="Invite friends").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite friends")
    expect(page.locator("html[data-invite-ready]")).to_have_count(1)  # invite.js listens
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Link copied. Paste it into a message to a friend.")
    link = page.get_by_label("Link to share").input_value()
    assert re.fullmatch(re.escape(shop) + r"/invite/[A-Z2-9]{10}/", link)
    assert page.evaluate("navigator.clipboard.readText()") == link
    expect(page.get_by_text("Nobody has joined with your link yet.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The friend follows the link: the register page says who invited them and carries the code.
    page.goto(link)
    expect(page).to_have_url(shop + "/accounts/register/")
    expect(page.get_by_text(re.compile(r"invited you\. Create your account"))).to_be_visible()
    code = link.rstrip("/").rsplit("/", 1)[1]
    expect(page.get_by_label("Invite code (optional)")).to_have_value(code)
    assert_accessible(page)
    register(page, FRIEND).get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(shop + "/accounts/")

    # Their first paid order decides the referral.
    buy_a_fridge(page, shop, name="Jonah Friend")
    page.goto(shop + "/accounts/invite/")
    expect(page.locator("[data-invited-by]")).to_have_text(
        f"You joined with a friend's invite and got {rules.referral_bonus_friend} points after your first order."
    )
    assert_accessible(page)
    page.get_by_role("link", name="See your points").click()
    expect(page.get_by_text("Referral bonus (friend)")).to_be_visible()
    sign_out(page)

    # The member sees the friend and the points.
    sign_in(page, shop, MEMBER, PASSWORD)
    page.goto(shop + "/accounts/invite/")
    expect(page.locator("[data-invite-totals]")).to_have_text(
        "1 friend joined with your link. Friends who have ordered: 1. "
        f"Points you earned: {rules.referral_bonus_referrer}."
    )
    friends = page.get_by_role("table")
    expect(friends.get_by_role("row").nth(1)).to_contain_text("Rewarded")
    assert_accessible(page)
    page.get_by_role("link", name="See your points").click()
    expect(page.get_by_text("Referral bonus (referrer)")).to_be_visible()

    member = get_user_model().objects.get(email=MEMBER)
    referral = Referral.objects.get(friend__email=FRIEND)
    assert (referral.referrer, referral.status) == (member, Referral.Status.REWARDED)
