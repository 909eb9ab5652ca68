"""A gift card or store credit pays part of an order: set aside at checkout, the card charged the
rest, debited once when paid, released when the payment fails or the order lapses, given back
when the order is cancelled."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import OrderStatus
from loyalty.wallet.ledger import WalletRefused
from loyalty.wallet.models import StoredValue, WalletEntry, WalletHold
from loyalty.wallet.services import cards
from loyalty.wallet.services import checkout as wallet_checkout
from portal.payments.models import DemoPayment
from portal.payments.services.unpaid import cancel_unpaid_orders
from tests.wallet.conftest import make_card

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
NO_SUCH_CARD = "That code does not match a gift card. Check it and try again."


@pytest.fixture
def ben_basket(login, checkout, demo_mode):
    login("ben@example.com")
    checkout.add_stocked(upc="ATL-FILTER", quantity=4)
    return get_user_model().objects.get(email="ben@example.com")


def use_code(checkout, code, **extra):
    return checkout.client.post(
        "/checkout/gift-card/", {"code": code, "next": "/checkout/preview/", **extra}, follow=True
    )


def text(response):
    return response.content.decode().replace("&#x27;", "'").replace("&#39;", "'")


def test_a_gift_card_pays_part_and_the_card_the_rest(ben_basket, checkout):
    card, code = make_card("30.00")
    preview = checkout.to_preview()
    total = preview.context["order_total"].incl_tax

    response = use_code(checkout, code.lower().replace("-", " "))
    assert "pays £30.00 of this order" in text(response)
    card.refresh_from_db()
    assert card.balance == Decimal("0.00")

    preview = checkout.client.get("/checkout/preview/")
    assert preview.context["pay_by_card"] == total - Decimal("30.00")
    order = checkout.place_order()
    card_source, wallet_source = order.sources.order_by("pk")
    assert card_source.amount_allocated == total - Decimal("30.00")
    assert (wallet_source.source_type.name, wallet_source.amount_allocated) == (
        "Gift card and store credit",
        Decimal("30.00"),
    )
    assert DemoPayment.objects.get(order_number=order.number).amount == int((total - Decimal("30.00")) * 100)

    checkout.pay_demo(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert WalletHold.objects.get(order_number=order.number).status == "spent"
    card.refresh_from_db()
    assert card.balance == Decimal("0.00")
    assert list(card.entries.order_by("pk").values_list("kind", "amount")) == [
        ("issue", Decimal("30.00")),
        ("hold", Decimal("-30.00")),
    ]


def test_a_large_card_leaves_the_card_its_minimum(ben_basket, checkout):
    card, code = make_card("500.00")
    total = checkout.to_preview().context["order_total"].incl_tax
    use_code(checkout, code)
    hold = WalletHold.objects.get(value=card)
    goods = checkout.client.get("/checkout/preview/").context["basket"].total_incl_tax
    assert hold.amount == goods - Decimal("0.50")
    order = checkout.place_order()
    assert order.sources.order_by("pk").first().amount_allocated == total - hold.amount


def test_wrong_and_unknown_codes_get_one_message_and_guessing_is_limited(ben_basket, checkout, settings):
    settings.WALLET_CODE_RATE = "3/h"
    card, code = make_card("30.00")
    checkout.to_preview()
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    for guess in ("nonsense", wrong):
        assert NO_SUCH_CARD in text(use_code(checkout, guess))
    assert "pays £30.00" in text(use_code(checkout, code))  # the third try is within the limit
    response = use_code(checkout, code)
    assert "Too many gift card codes tried" in text(response)
    assert WalletHold.objects.filter(value=card, status="held").count() == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "The amount must be at least £0.01."),
        ("abc", "The amount must be a sum of money."),
        ("10.001", "pounds and pence"),
        ("40", "Only £30.00 is left on Gift card ending"),
        ("Infinity", "The amount must be a sum of money"),
    ],
)
def test_a_tampered_amount_is_refused_and_nothing_moves(ben_basket, checkout, amount, message):
    card, code = make_card("30.00")
    checkout.to_preview()
    assert message in text(use_code(checkout, code, amount=amount))
    card.refresh_from_db()
    assert card.balance == Decimal("30.00") and not WalletHold.objects.exists()


def test_expired_and_empty_cards_are_refused(ben_basket, checkout):
    expired, expired_code = make_card("30.00", expires_in_days=-1)
    checkout.to_preview()
    assert "This gift card expired on" in text(use_code(checkout, expired_code))
    _empty, empty_code = make_card("5.00")
    assert "pays £5.00" in text(use_code(checkout, empty_code))
    other_basket = get_model("basket", "Basket").objects.create()
    with pytest.raises(WalletRefused, match="Nothing is left on Gift card ending"):
        wallet_checkout.hold_gift_card(basket=other_basket, code=empty_code)
    assert not WalletHold.objects.filter(value=expired).exists()


def test_a_declined_payment_releases_the_card_and_the_pay_page_takes_it_again(ben_basket, checkout):
    card, code = make_card("30.00")
    checkout.to_preview()
    use_code(checkout, code)
    order = checkout.place_order()
    checkout.pay_demo(order, card="4000 0000 0000 0002")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYMENT_FAILED
    card.refresh_from_db()
    assert card.balance == Decimal("30.00")  # back while the order is unpaid

    checkout.pay_demo(order)
    order.refresh_from_db()
    card.refresh_from_db()
    assert order.status == OrderStatus.PAID and card.balance == Decimal("0.00")
    assert WalletHold.objects.get(order_number=order.number).status == "spent"
    assert sum(card.entries.values_list("amount", flat=True)) == Decimal("0.00")


def test_an_abandoned_order_gives_the_money_back(ben_basket, checkout, django_capture_on_commit_callbacks):
    card, code = make_card("30.00")
    checkout.to_preview()
    use_code(checkout, code)
    order = checkout.place_order()
    Order.objects.filter(pk=order.pk).update(date_placed=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        cancel_unpaid_orders()
    order.refresh_from_db()
    card.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and card.balance == Decimal("30.00")


def test_a_basket_left_at_checkout_gives_the_money_back_after_two_hours(ben_basket, checkout):
    card, code = make_card("30.00")
    checkout.to_preview()
    use_code(checkout, code)
    assert wallet_checkout.release_stale_holds() == 0
    WalletHold.objects.update(created=timezone.now() - timedelta(hours=3))
    assert wallet_checkout.release_stale_holds() == 1
    card.refresh_from_db()
    assert card.balance == Decimal("30.00")


def test_store_credit_pays_part_without_a_code(ben_basket, checkout, admin_user):
    cards.issue_store_credit(ben_basket, "12.50", "Late delivery", "CLAIM-7", by=admin_user, key="claim-7")
    preview = checkout.to_preview()
    credit = StoredValue.objects.get(holder=ben_basket, kind="store_credit")
    assert preview.context["wallet_options"].usable == [credit]
    checkout.client.post("/checkout/gift-card/", {"action": "use", "value": credit.pk, "next": "/checkout/preview/"})
    order = checkout.place_order()
    checkout.pay_demo(order)
    credit.refresh_from_db()
    assert credit.balance == Decimal("0.00")


def test_someone_elses_credit_cannot_be_used(ben_basket, checkout, admin_user):
    ada = get_user_model().objects.get(email="ada@example.com")  # the demo gives her £15
    cards.issue_store_credit(ada, "20.00", "Goodwill", by=admin_user)
    credit = StoredValue.objects.get(holder=ada)
    checkout.to_preview()
    response = checkout.client.post(
        "/checkout/gift-card/", {"action": "use", "value": credit.pk, "next": "/checkout/preview/"}, follow=True
    )
    assert "That is not in your wallet." in text(response)
    credit.refresh_from_db()
    assert credit.balance == Decimal("35.00")


def test_a_gift_card_cannot_pay_for_a_gift_card(ben_basket, checkout):
    _card, code = make_card("300.00")
    goods = checkout.to_preview().context["basket"].total_incl_tax
    today = timezone.localdate().isoformat()
    gift = {"amount": "20", "recipient_name": "Lin", "recipient_email": "lin@example.org", "deliver_on": today}
    checkout.client.post("/gift-cards/", {**gift, "key": "a" * 32})
    assert "pays £%s" % (goods - Decimal("0.50")) in text(use_code(checkout, code))


def test_ledger_rows_cannot_be_edited(gift_card):
    card, _ = gift_card("10.00")
    entry = card.entries.get()
    entry.amount = Decimal("1000.00")
    with pytest.raises(Exception, match="append-only"):
        entry.save()
    assert WalletEntry.objects.get(pk=entry.pk).amount == Decimal("10.00")
