"""Redeeming points at checkout: chosen on the review page, a discount through Oscar's offers,
tied to the order at placement, spent when paid, released when payment fails."""

import math
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from loyalty.models import LoyaltyAccount, PendingEarn, PointsHold
from loyalty.services import holds, refunds, staff
from tests.payments.conftest import checkout, demo_mode  # noqa: F401 -- the payments suite's checkout driver

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


@pytest.fixture
def ben(login, checkout, demo_mode, admin_user):  # noqa: F811
    """Ben, signed in, with 2,000 available points and a £100+ basket."""
    client = login("ben@example.com")
    user = client.session and get_model("users", "User").objects.get(email="ben@example.com")
    account = LoyaltyAccount.objects.filter(user=user).first()
    topup = 2000 - (account.available if account else 0)
    staff.adjust_points(user_id=user.pk, points=topup, reason="Test balance", staff=admin_user)
    checkout.add_stocked(upc="ATL-FILTER", quantity=4)
    return user


def available(user):
    return LoyaltyAccount.objects.get(user=user).available


def test_points_show_as_a_discount_and_are_spent_when_paid(ben, checkout):  # noqa: F811
    preview = checkout.to_preview()
    assert "Use your points" in preview.content.decode()
    before_total = preview.context["basket"].total_incl_tax

    response = checkout.client.post("/checkout/points/", {"points": "500", "next": "/checkout/preview/"})
    assert response.status_code == 302
    assert available(ben) == 1500

    preview = checkout.client.get("/checkout/preview/")
    assert preview.context["basket"].total_incl_tax == before_total - Decimal("5.00")
    assert "Points redeemed" in preview.content.decode()

    order = checkout.place_order()
    discount = order.discounts.get()
    assert (discount.offer_name, discount.amount) == ("Points redeemed", Decimal("5.00"))
    assert PointsHold.objects.get(order_number=order.number).status == "held"

    checkout.pay_demo(order)
    order.refresh_from_db()
    assert order.status == "Paid"
    assert PointsHold.objects.get(order_number=order.number).status == "spent"
    account = LoyaltyAccount.objects.get(user=ben)
    assert account.available == 1500
    assert account.pending > 0  # earned on what was paid in money


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("99999", "you cannot redeem 99999"),
        ("-100", "more than zero"),
        ("550.5", "whole number"),
        ("300", "at least 500"),
        ("550", "steps of 100"),
    ],
)
def test_bad_redemptions_are_refused_and_nothing_moves(ben, checkout, points, message):  # noqa: F811
    checkout.to_preview()
    response = checkout.client.post("/checkout/points/", {"points": points}, follow=True)
    assert message in response.content.decode().replace("&#x27;", "'")
    assert available(ben) == 2000
    assert not PointsHold.objects.filter(account__user=ben).exists()


def test_more_than_the_share_of_the_order_is_refused(ben, checkout, admin_user):  # noqa: F811
    staff.adjust_points(user_id=ben.pk, points=20000, reason="Test balance", staff=admin_user)
    preview = checkout.to_preview()
    maximum = preview.context["points_options"].maximum
    assert maximum == 5800  # half of the £116 basket at 1p a point
    response = checkout.client.post("/checkout/points/", {"points": str(maximum + 100)}, follow=True)
    assert "At most 5800 points can be redeemed on this order." in response.content.decode()
    assert available(ben) == 22000


def test_choosing_again_replaces_the_earlier_choice(ben, checkout):  # noqa: F811
    checkout.to_preview()
    checkout.client.post("/checkout/points/", {"points": "500"})
    checkout.client.post("/checkout/points/", {"points": "700"})
    assert available(ben) == 1300
    checkout.client.post("/checkout/points/", {"action": "release"})
    assert available(ben) == 2000


def test_failed_payment_releases_the_points_and_paying_again_takes_them_back(ben, checkout):  # noqa: F811
    checkout.to_preview()
    checkout.client.post("/checkout/points/", {"points": "500"})
    order = checkout.place_order()
    checkout.pay_demo(order, card="4000 0000 0000 0002")  # declined
    order.refresh_from_db()
    assert order.status == "Payment failed"
    assert available(ben) == 2000

    checkout.pay_demo(order)
    order.refresh_from_db()
    assert order.status == "Paid"
    assert available(ben) == 1500
    assert PointsHold.objects.get(order_number=order.number).status == "spent"


def test_paid_after_the_points_were_spent_elsewhere_leaves_a_note_not_a_debt(ben, checkout, admin_user):  # noqa: F811
    checkout.to_preview()
    checkout.client.post("/checkout/points/", {"points": "500"})
    order = checkout.place_order()
    checkout.pay_demo(order, card="4000 0000 0000 0002")  # declined: the 500 points come back
    staff.adjust_points(user_id=ben.pk, points=-1800, reason="Spent elsewhere", staff=admin_user)

    holds.spend_hold(order_number=order.number)  # Stripe's own retry succeeded
    holds.spend_hold(order_number=order.number)  # and its event was delivered twice

    assert available(ben) == 200  # never negative
    [note] = get_model("order", "OrderNote").objects.filter(order=order, message__contains="could not be taken")
    assert note.note_type == "Warning" and "500 points" in note.message


def test_refund_after_a_redemption_returns_points_in_proportion(ben, checkout):  # noqa: F811
    checkout.to_preview()
    checkout.client.post("/checkout/points/", {"points": "1000"})
    order = checkout.place_order()
    before = LoyaltyAccount.objects.get(user=ben).pending  # other paid orders' points wait too
    checkout.pay_demo(order)
    pending = LoyaltyAccount.objects.get(user=ben).pending - before  # what this order earned
    assert available(ben) == 1000

    half = (order.total_incl_tax / 2).quantize(Decimal("0.01"))
    refunds.reverse_for_refund(order_id=order.pk, amount=half, refund_reference="re_half")
    refunds.reverse_for_refund(order_id=order.pk, amount=half, refund_reference="re_half")  # replayed

    account = LoyaltyAccount.objects.get(user=ben)
    assert account.available == 1500  # half of the 1,000 redeemed came back
    assert PendingEarn.objects.get(order_number=order.number).points == pending
    assert account.pending == before + pending - math.floor(pending * half / order.total_incl_tax)


def test_guests_are_not_offered_points(checkout, demo_mode):  # noqa: F811
    checkout.add_stocked()
    assert "Use your points" not in checkout.to_preview().content.decode()
    assert checkout.client.post("/checkout/points/", {"points": "500"}).status_code == 302
    assert not PointsHold.objects.exists()


def _another_tab_chooses(monkeypatch, user, points):
    """Tab B changes the points after tab A's "Place order" request applied the discount and
    checked the basket, just before A ties the points to its order: the narrowest window."""
    attach = holds.attach_hold_to_order

    def tab_b_first(*, basket, **kwargs):
        if points:
            holds.hold_points(user=user, basket=basket, points=points)
        else:
            holds.release_points(user=user, basket=basket)
        return attach(basket=basket, **kwargs)

    monkeypatch.setattr(holds, "attach_hold_to_order", tab_b_first)


def _place_order(checkout):  # noqa: F811
    preview = checkout.to_preview()
    fingerprint = preview.context["basket_fingerprint"]
    return checkout.client.post("/checkout/preview/", {"action": "place_order", "basket_fingerprint": fingerprint})


def test_points_taken_back_in_another_tab_while_placing_do_not_leave_a_free_discount(ben, checkout, monkeypatch):  # noqa: F811
    checkout.to_preview()
    checkout.client.post("/checkout/points/", {"points": "500"})
    _another_tab_chooses(monkeypatch, ben, 0)

    response = _place_order(checkout)

    assert "Your points changed in another window" in response.content.decode()
    assert not Order.objects.filter(user=ben).exclude(number__startswith="DEMO").exists()
    assert available(ben) == 2000


def test_points_chosen_in_another_tab_while_placing_are_not_spent_without_a_discount(ben, checkout, monkeypatch):  # noqa: F811
    checkout.to_preview()
    _another_tab_chooses(monkeypatch, ben, 700)

    response = _place_order(checkout)

    assert "Your points changed in another window" in response.content.decode()
    assert not Order.objects.filter(user=ben).exclude(number__startswith="DEMO").exists()
    hold = PointsHold.objects.get(account__user=ben, status="held")
    assert (hold.points, hold.order_number) == (700, "")
