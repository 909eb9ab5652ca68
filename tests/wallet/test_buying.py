"""A gift card bought like a product: chosen within limits, priced on the server, issued when the
order is paid, e-mailed with its PDF on the delivery date, once."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty.wallet import codes
from loyalty.wallet.models import GiftCardPurchase, StoredValue
from loyalty.wallet.services import cards
from loyalty.wallet.services.product import ensure_gift_card_product

pytestmark = pytest.mark.django_db
Line = get_model("basket", "Line")
Order = get_model("order", "Order")


def place_gift_card_order(checkout):
    """A basket of gift cards only: nothing to ship, so checkout goes from the guest's address
    straight to the review (Oscar's "no shipping required" method, set as the pages pass)."""
    client = checkout.client
    if client.get("/checkout/").status_code == 200:
        client.post("/checkout/", {"username": "kit@example.org", "options": "anonymous"})
    client.get("/checkout/shipping-address/")
    client.get("/checkout/shipping-method/")
    preview = client.get("/checkout/preview/")
    assert preview.status_code == 200, preview.get("Location")
    response = client.post(
        "/checkout/preview/", {"action": "place_order", "basket_fingerprint": preview.context["basket_fingerprint"]}
    )
    assert response["Location"].startswith("/checkout/pay/"), response["Location"]
    return Order.objects.get(number=response["Location"].split("/")[3])


def gift_form(**overrides):
    today = timezone.localdate()
    data = {
        "amount": "40",
        "recipient_name": "Lin Gao",
        "recipient_email": "lin.gao@example.org",
        "sender_name": "Kit",
        "message": "Happy housewarming!",
        "deliver_on": today.isoformat(),
        "key": "k" * 32,
    }
    return {**data, **overrides}


def test_a_paid_gift_card_is_issued_and_mailed_with_its_pdf(checkout):
    response = checkout.client.post("/gift-cards/", gift_form())
    assert response.status_code == 302 and response["Location"] == "/basket/"
    order = place_gift_card_order(checkout)
    assert order.total_incl_tax == Decimal("40.00")  # nothing to ship, no VAT on a voucher
    assert order.lines.get().unit_price_incl_tax == Decimal("40.00")

    checkout.pay_demo(order)

    purchase = GiftCardPurchase.objects.get(order_line__order=order)
    card = purchase.card
    assert (card.balance, card.initial_amount, purchase.sent_at is not None) == (
        Decimal("40.00"),
        Decimal("40.00"),
        True,
    )
    message = next(m for m in mail.outbox if m.to == ["lin.gao@example.org"])
    code = next(word for word in message.body.split() if codes.normalise(word))
    assert codes.digest(code) == card.code_digest and card.code_hint == codes.hint(code)
    assert not StoredValue.objects.filter(code_digest=code).exists()  # the code itself is kept nowhere
    ((name, pdf, kind),) = message.attachments
    assert kind == "application/pdf" and pdf.startswith(b"%PDF") and name.endswith(f"{card.code_hint}.pdf")
    assert "Happy housewarming!" in message.body

    assert cards.send_due_gift_cards() == 0  # sent once
    assert cards.issue_cards_for_order(order_id=order.pk) == []  # issued once


def test_a_card_for_a_later_day_is_sent_by_the_beat_on_that_day(checkout):
    day = timezone.localdate() + timedelta(days=10)
    checkout.client.post("/gift-cards/", gift_form(deliver_on=day.isoformat()))
    order = place_gift_card_order(checkout)
    checkout.pay_demo(order)
    purchase = GiftCardPurchase.objects.get(order_line__order=order)
    assert purchase.sent_at is None and not purchase.card.code_digest
    assert not [m for m in mail.outbox if m.to == ["lin.gao@example.org"]]

    assert cards.send_due_gift_cards(today=day - timedelta(days=1)) == 0
    assert cards.send_due_gift_cards(today=day) == 1
    assert cards.send_due_gift_cards(today=day) == 0
    assert len([m for m in mail.outbox if m.to == ["lin.gao@example.org"]]) == 1


def test_a_double_click_adds_one_card(client):
    client.post("/gift-cards/", gift_form())
    client.post("/gift-cards/", gift_form())
    line = Line.objects.get(product__upc="gift-card")
    assert line.quantity == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "5", "Choose from £10 to £500."),
        ("amount", "501", "Choose from £10 to £500."),
        ("amount", "10.5", "Enter a whole number."),
        ("amount", "-20", "Choose from £10 to £500."),
        ("recipient_email", "not-an-address", "Enter a valid email address."),
        ("deliver_on", "2001-01-01", "Choose today or a day ahead."),
        ("deliver_on", "2999-01-01", "Choose a day within a year."),
    ],
)
def test_a_gift_card_out_of_range_is_refused(client, field, value, message):
    response = client.post("/gift-cards/", gift_form(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Line.objects.filter(product__upc="gift-card").exists()


def test_a_tampered_amount_on_the_line_is_refused_at_checkout(client):
    client.post("/gift-cards/", gift_form())
    line = Line.objects.get(product__upc="gift-card")
    attribute = line.attributes.get()
    for amount in ("0.01", "100000", "NaN"):
        attribute.value = json.dumps({**json.loads(attribute.value), "amount": amount})
        attribute.save()
        basket = client.get("/basket/")
        assert basket.context["basket"].total_incl_tax == Decimal("0.00")
        response = client.get("/checkout/")
        assert response.status_code == 302 and response["Location"] == "/basket/"


def test_the_gift_card_product_is_not_bought_without_its_choices(client):
    product = ensure_gift_card_product()
    response = client.post(f"/basket/add/{product.pk}/", {"quantity": 1}, follow=True)
    assert not Line.objects.filter(product=product).exists()
    assert "gift card page" in response.content.decode()
