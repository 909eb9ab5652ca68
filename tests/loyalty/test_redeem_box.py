"""The checkout's points box, as a script would post it: an emptied box, letters, a negative,
a decimal, more than the balance or than the basket allows each get a plain message and change
nothing (points already held stay held); only "Don't use points" gives them back."""

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from loyalty.ledger import PointsRefused
from loyalty.models import LoyaltyAccount, PointsHold
from loyalty.services.holds import hold_points
from loyalty.services.staff import adjust_points
from tests.payments.conftest import checkout, demo_mode  # noqa: F401 -- the payments suite's checkout driver

pytestmark = pytest.mark.django_db

REDEEM = "/checkout/points/"
ENTER = "Enter how many points to use, or choose “Don’t use points”."
WHOLE = "Points must be a whole number."
ABOVE_ZERO = "Points must be more than zero. To use none, choose “Don’t use points”."
RELEASED = "No points will be used on this order."


@pytest.fixture
def ben(login, checkout, demo_mode, admin_user):  # noqa: F811
    """Ben, signed in at the review page of a £116 basket, with 2,000 points of which 500 are
    held for it."""
    login("ben@example.com")
    user = get_user_model().objects.get(email="ben@example.com")
    account = LoyaltyAccount.objects.filter(user=user).first()
    topup = 2000 - (account.available if account else 0)
    adjust_points(user_id=user.pk, points=topup, reason="Test balance", staff=admin_user)
    checkout.add_stocked(upc="ATL-FILTER", quantity=4)
    checkout.to_preview()
    checkout.client.post(REDEEM, {"points": "500"}, follow=True)  # its message shown and gone
    assert held(user) == [500]
    return user


def held(user):
    return list(PointsHold.objects.filter(account__user=user, status="held").values_list("points", flat=True))


def available(user):
    return LoyaltyAccount.objects.get(user=user).available


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def post(checkout, data):  # noqa: F811
    response = checkout.client.post(REDEEM, {"next": "/checkout/preview/", **data}, follow=True)
    assert response.redirect_chain == [("/checkout/preview/", 302)]
    return response


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, ENTER),
        ({"points": ""}, ENTER),
        ({"points": "   "}, ENTER),
        ({"points": "five hundred"}, WHOLE),
        ({"points": "5OO"}, WHOLE),
        ({"points": "550.5"}, WHOLE),
        ({"points": "1e3"}, WHOLE),
        ({"points": "0"}, ABOVE_ZERO),
        ({"points": "-500"}, ABOVE_ZERO),
        ({"points": "300"}, "Redeem at least 500 points."),
        ({"points": "550"}, "Redeem points in steps of 100."),
        ({"points": "99999"}, "You have 2000 points: you cannot redeem 99999."),
        ({"points": "", "action": "use"}, ENTER),
        ({"points": "abc", "action": "anything"}, WHOLE),
    ],
)
def test_a_box_that_is_no_choice_is_refused_and_the_held_points_stay(ben, checkout, data, message):  # noqa: F811
    response = post(checkout, data)

    assert messages_of(response) == [message]
    assert held(ben) == [500]
    assert available(ben) == 1500
    assert "500 points take £5.00 off this order." in response.content.decode()


def test_more_than_the_basket_allows_is_refused_and_the_held_points_stay(ben, checkout, admin_user):  # noqa: F811
    adjust_points(user_id=ben.pk, points=20000, reason="Test balance", staff=admin_user)

    response = post(checkout, {"points": "5900"})

    assert messages_of(response) == ["At most 5800 points can be redeemed on this order."]
    assert held(ben) == [500]
    assert available(ben) == 21500


def test_dont_use_points_gives_them_back(ben, checkout):  # noqa: F811
    response = post(checkout, {"action": "release", "points": "500"})

    assert messages_of(response) == [RELEASED]
    assert held(ben) == []
    assert available(ben) == 2000
    assert PointsHold.objects.filter(account__user=ben).values_list("status", flat=True).get() == "released"


def test_dont_use_points_ignores_whatever_the_box_holds(ben, checkout):  # noqa: F811
    response = post(checkout, {"action": "release", "points": "letters"})

    assert messages_of(response) == [RELEASED]
    assert available(ben) == 2000


def test_dont_use_points_with_none_held_changes_nothing(ben, checkout):  # noqa: F811
    post(checkout, {"action": "release"})

    response = post(checkout, {"action": "release"})

    assert messages_of(response) == [RELEASED]
    assert available(ben) == 2000
    assert PointsHold.objects.filter(account__user=ben, status="released").count() == 1


def test_a_new_choice_replaces_the_held_one(ben, checkout):  # noqa: F811
    response = post(checkout, {"points": "700"})

    assert messages_of(response) == ["700 points will take £7.00 off this order."]
    assert held(ben) == [700]
    assert available(ben) == 1300


def test_the_box_offers_the_release_button_while_points_are_held(ben, checkout):  # noqa: F811
    html = checkout.client.get("/checkout/preview/").content.decode()

    assert 'name="action" value="release"' in html
    assert 'min="500"' in html


@pytest.mark.parametrize("points", [0, "", "0", None, "abc", -100, 1.5])
def test_the_service_refuses_what_is_no_choice_and_keeps_the_hold(ben, points):
    basket = get_model("basket", "Basket").objects.get(owner=ben, status="Open")

    with pytest.raises(PointsRefused):
        hold_points(user=ben, basket=basket, points=points)

    assert held(ben) == [500]
    assert available(ben) == 1500
