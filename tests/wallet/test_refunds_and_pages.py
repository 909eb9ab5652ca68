"""Money paid with a gift card or store credit goes back where it came from; the hub's wallet page
is the customer's own; store credit is given by staff who may, with a reason."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from atelier.orders import OrderStatus
from loyalty.wallet.ledger import WalletRefused
from loyalty.wallet.models import StoredValue, WalletEntry, WalletHold
from loyalty.wallet.services import cards, refunds
from tests.factories import CustomerFactory
from tests.wallet.conftest import make_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_with_card(client, checkout, demo_mode):
    """A new customer's fridge, £60 of it paid by gift card, the rest by the demo gateway; released to production."""
    customer = CustomerFactory()
    client.force_login(customer)
    card, code = make_card("60.00")
    checkout.add_configured("atelier-fridge")
    checkout.to_preview()
    client.post("/checkout/gift-card/", {"code": code, "next": "/checkout/preview/"})
    order = checkout.place_order()
    checkout.pay_demo(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.work_orders.exists()
    card.refresh_from_db()
    assert card.balance == Decimal("0.00")
    return order, card


def cancel(checkout, order):
    with checkout.capture(execute=True):
        return checkout.client.post(
            f"/accounts/orders/{order.number}/cancel/", {"reason": "changed-mind", "key": str(uuid.uuid4())}
        )


def test_cancelling_before_production_returns_the_card_part_to_the_card(checkout, paid_with_card):
    order, card = paid_with_card
    card_source = order.sources.order_by("pk").first()

    assert cancel(checkout, order).status_code == 302

    order.refresh_from_db()
    card.refresh_from_db()
    card_source.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert card.balance == Decimal("60.00")
    assert card_source.amount_refunded == card_source.amount_debited == order.total_incl_tax - Decimal("60.00")
    refund = card.entries.get(kind=WalletEntry.Kind.REFUND)
    assert (refund.amount, refund.reference) == (Decimal("60.00"), order.number)
    # Asked again (a replayed task), nothing more comes back.
    assert refunds.return_for_order(order_number=order.number, why="again", reference=f"closed:{order.number}") == []
    card.refresh_from_db()
    assert card.balance == Decimal("60.00")


def test_a_refund_to_an_expired_card_goes_to_the_buyers_store_credit(checkout, paid_with_card):
    order, card = paid_with_card
    StoredValue.objects.filter(pk=card.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    cancel(checkout, order)
    card.refresh_from_db()
    credit = StoredValue.objects.get(holder=order.user, kind="store_credit")
    assert (card.balance, credit.balance) == (Decimal("0.00"), Decimal("60.00"))
    assert "has expired" in credit.entries.get().reason
    assert WalletHold.objects.get(order_number=order.number).returned == Decimal("60.00")


def test_the_wallet_page_shows_only_the_customers_own(client, admin_user):
    ada, ben = CustomerFactory(), get_user_model().objects.get(email="ben@example.com")
    cards.issue_store_credit(ada, "15.00", "Scratched door", "CLAIM-1", by=admin_user)
    cards.issue_store_credit(ben, "99.00", "Ben's goodwill", by=admin_user)
    card, code = make_card("25.00")

    assert client.get("/accounts/wallet/").status_code == 302  # anonymous: sign in first
    client.force_login(ada)
    response = client.post("/accounts/wallet/", {"code": code}, follow=True)
    page = response.content.decode()
    assert "You have £40.00 to spend." in page
    assert "Scratched door" in page and "Ben&#x27;s goodwill" not in page and "99.00" not in page
    card.refresh_from_db()
    assert card.holder == ada

    client.force_login(ben)
    response = client.post("/accounts/wallet/", {"code": code}, follow=True)
    assert "This gift card is already in another customer&#x27;s wallet." in response.content.decode()


def test_adding_cards_in_the_hub_is_rate_limited_with_one_message(client, settings):
    settings.WALLET_CODE_RATE = "2/h"
    client.force_login(CustomerFactory())
    for guess in ("AAAA-BBBB-CCCC-DDDD-EEEE", "short"):
        response = client.post("/accounts/wallet/", {"code": guess}, follow=True)
        assert "That code does not match a gift card. Check it and try again." in response.content.decode()
    _card, code = make_card("25.00")
    response = client.post("/accounts/wallet/", {"code": code}, follow=True)
    assert "Too many gift card codes tried" in response.content.decode()


def test_store_credit_is_given_by_staff_with_the_permission_once_per_form(client, admin_user):
    ben = get_user_model().objects.get(email="ben@example.com")
    form = {"email": "ben@example.com", "amount": "20.00", "reason": "Late delivery", "reference": "CL-9", "key": "k1"}

    client.force_login(ben)
    assert client.post("/dashboard/store-credit/", form).status_code in (302, 403)
    assert not StoredValue.objects.filter(holder=ben).exists()

    staff = CustomerFactory(is_staff=True)
    client.force_login(staff)
    assert client.get("/dashboard/store-credit/").status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="issue_store_credit"))
    assert client.get("/dashboard/store-credit/").status_code == 200
    assert client.post("/dashboard/store-credit/", form).status_code == 302
    assert client.post("/dashboard/store-credit/", form).status_code == 302  # a double click
    credit = StoredValue.objects.get(holder=ben)
    assert credit.balance == Decimal("20.00")
    entry = credit.entries.get()
    assert (entry.reason, entry.reference, entry.created_by) == ("Late delivery", "CL-9", staff)

    for amount, message in (("0", "greater than or equal to 0.01"), ("5000", "At most £1000 at once.")):
        response = client.post("/dashboard/store-credit/", {**form, "amount": amount, "key": "k2"})
        assert message in response.content.decode()
    response = client.post("/dashboard/store-credit/", {**form, "email": "nobody@example.com", "key": "k3"})
    assert "No customer has this e-mail address." in response.content.decode()


def test_issue_store_credit_refuses_what_is_not_money():
    ben = get_user_model().objects.get(email="ben@example.com")
    for amount in ("-1", "abc", "0.001", True):
        with pytest.raises(WalletRefused):
            cards.issue_store_credit(ben, amount, "Reason")
    with pytest.raises(WalletRefused, match="Say why"):
        cards.issue_store_credit(ben, "5", "  ")
    assert not StoredValue.objects.filter(holder=ben).exists() or not WalletEntry.objects.filter(value__holder=ben)
