"""The invite page in the hub, the invite link, registering with its code, and the staff's view."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from loyalty.invites import SESSION_KEY
from loyalty.models import InviteCode, Referral
from loyalty.services import referrals
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a-long-fresh-passphrase"


@pytest.fixture
def member(db):
    return CustomerFactory(first_name="Marta", last_name="Quist")


@pytest.fixture
def code(member):
    return referrals.invite_code_for(user=member).code


def register(client, email, **extra):
    return client.post("/accounts/register/", {"email": email, "password1": PASSWORD, "password2": PASSWORD, **extra})


# --- the hub page ---------------------------------------------------------------------------


def test_invite_page_shows_the_members_own_link_and_code_the_same_each_time(client, member):
    client.force_login(member)
    html = client.get("/accounts/invite/").content.decode()
    code = InviteCode.objects.get(user=member).code
    assert f'value="http://testserver/invite/{code}/"' in html
    assert f'<strong class="invite-code" data-invite-code>{code}</strong>' in html
    assert "Nobody has joined with your link yet." in html
    assert "data-copy-invite hidden" in html  # shown by invite.js only; without it: select and copy
    assert client.get("/accounts/invite/").content.decode().count(code) == html.count(code)


def test_invite_page_needs_a_login(client):
    response = client.get("/accounts/invite/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_invite_page_lists_the_members_friends_only(client, member):
    friend = CustomerFactory(first_name="Nell", last_name="Park")
    referrals.register_referral(referrer=member, friend=friend)
    referrals.register_referral(referrer=CustomerFactory(), friend=CustomerFactory(first_name="Other", last_name="X"))
    client.force_login(member)
    html = client.get("/accounts/invite/").content.decode()
    assert "<td>Nell P.</td>" in html
    assert "Other X." not in html
    assert "1 friend joined with your link. Friends who have ordered: 0. Points you earned: 0." in html
    assert friend.email not in html


# --- the invite link ------------------------------------------------------------------------


def test_invite_link_keeps_the_code_for_the_register_page(client, member, code):
    response = client.get(f"/invite/{code.lower()}/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/register/")
    assert client.session[SESSION_KEY] == code
    page = client.get("/accounts/register/")
    assert "Marta Q. invited you." in page.content.decode()
    assert page.context["form"]["invite_code"].value() == code


@pytest.mark.parametrize("typed", ["NOSUCHCODE", "abc", "A" * 40, "%27%20OR%201%3D1"])
def test_unknown_or_tampered_code_is_a_404_that_says_so(client, code, typed):
    response = client.get(f"/invite/{typed}/")
    assert response.status_code == 404
    assert "We do not know this invite link." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_code_lookups_are_rate_limited_per_client(client, code, settings):
    settings.REFERRAL_CODE_RATE = "3/h"
    for attempt in range(3):
        assert client.get(f"/invite/GUESS{attempt}/").status_code == 404
    response = client.get(f"/invite/{code}/")  # even the right code, once past the limit
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many invite codes were tried from your network." in response.content.decode()
    assert Client(REMOTE_ADDR="10.9.9.9").get(f"/invite/{code}/").status_code == 302  # another client


def test_a_signed_in_customer_is_told_invites_are_for_new_customers(client, code):
    client.force_login(CustomerFactory())
    response = client.get(f"/invite/{code}/", follow=True)
    assert "Invites are for new customers, and you already have an account with us." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_the_member_following_their_own_link_is_sent_to_their_invite_page(client, member, code):
    client.force_login(member)
    response = client.get(f"/invite/{code}/")
    assert response["Location"] == "/accounts/invite/"


# --- registering with a code ----------------------------------------------------------------


def test_registering_through_the_link_records_the_referral(client, member, code):
    client.get(f"/invite/{code}/")
    response = register(client, "nell.new@example.org", invite_code=code)
    assert response.status_code == 302
    friend = User.objects.get(email="nell.new@example.org")
    referral = Referral.objects.get(friend=friend)
    assert (referral.referrer, referral.code, referral.status) == (member, code, Referral.Status.PENDING)
    assert SESSION_KEY not in client.session


def test_registering_on_the_login_page_with_a_code_records_the_referral(client, member, code):
    response = client.post(
        "/accounts/login/",
        {
            "registration-email": "ole.new@example.org",
            "registration-password1": PASSWORD,
            "registration-password2": PASSWORD,
            "registration-invite_code": f" {code[:4].lower()}-{code[4:]} ",
            "registration_submit": "1",
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get(friend__email="ole.new@example.org").referrer == member


def test_a_tampered_code_on_the_form_is_refused_and_no_account_made(client, code):
    response = register(client, "pia.new@example.org", invite_code=code[:-1] + ("X" if code[-1] != "X" else "Y"))
    assert response.status_code == 200
    assert "We do not know this invite code." in response.content.decode()
    assert not User.objects.filter(email="pia.new@example.org").exists()


def test_the_members_own_address_with_a_tag_is_refused(client, member, code):
    response = register(client, member.email.replace("@", "+friend@"), invite_code=code)
    assert "You cannot use your own invite code." in response.content.decode()
    assert not Referral.objects.filter(referrer=member).exists()


def test_registering_without_a_code_makes_no_referral(client):
    assert register(client, "quin.new@example.org").status_code == 302
    assert not Referral.objects.filter(friend__email="quin.new@example.org").exists()


def test_codes_typed_on_the_form_count_against_the_limit(client, code, settings):
    settings.REFERRAL_CODE_RATE = "2/h"
    register(client, "r1.new@example.org", invite_code="WRONG1")
    register(client, "r2.new@example.org", invite_code="WRONG2")
    response = register(client, "r3.new@example.org", invite_code=code)
    assert "Too many invite codes were tried from your network." in response.content.decode()
    assert not User.objects.filter(email="r3.new@example.org").exists()


# --- staff ----------------------------------------------------------------------------------


def test_staff_see_the_referral_on_the_customer_page(login):
    ada, chloe = User.objects.get(email="ada@example.com"), User.objects.get(email="chloe@example.com")
    Referral.objects.filter(friend=chloe).update(
        status=Referral.Status.REFUSED, reason="The friend paid with the same card"
    )
    staff = login("admin@atelier.example")
    html = staff.get(f"/dashboard/loyalty/customers/{chloe.pk}/").content.decode()
    assert "Invited by ada@example.com: Refused." in html
    assert "The friend paid with the same card" in html
    html = staff.get(f"/dashboard/loyalty/customers/{ada.pk}/").content.decode()
    assert f'<a href="/dashboard/loyalty/customers/{chloe.pk}/">chloe@example.com</a>' in html
