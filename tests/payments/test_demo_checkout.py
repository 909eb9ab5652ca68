"""Checkout through the demo gateway: the embedded shop's payments, on the same code path."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from oscar.core.loading import get_model

from portal.payments.models import DemoPayment

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


def test_guest_buys_a_configured_fridge(checkout, demo_mode, paid_events):
    checkout.add_configured(hinge="left", ice_maker="true", water_kit="true")
    order = checkout.place_order()
    assert order.status == "Pending payment"
    assert order.total_incl_tax == Decimal("1637.00")  # configured on the server; delivery free over £60

    response = checkout.pay_demo(order)

    assert response["Location"] == "/checkout/thank-you/"
    order.refresh_from_db()
    assert order.status == "Paid"
    source = order.sources.get()
    assert (source.source_type.name, source.amount_debited) == ("Demo gateway", Decimal("1637.00"))
    assert order.payment_events.get().event_type.name == "Paid"
    assert paid_events == [order.number]
    [email] = mail.outbox
    assert email.to == ["grace@example.com"]
    assert email.attachments[0][0] == f"invoice-{order.number}.pdf"
    assert email.attachments[0][1][:4] == b"%PDF"


def test_thank_you_page_links_the_invoice_which_names_the_configuration(checkout, demo_mode):
    checkout.add_configured(hinge="left", engraving="Ada's fridge")
    order = checkout.place_order()
    checkout.pay_demo(order)

    html = checkout.client.get("/checkout/thank-you/").content.decode()
    assert "Payment received" in html
    assert f"/orders/{order.number}/invoice.pdf" in html

    pdf = checkout.client.get(f"/orders/{order.number}/invoice.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Door opens on the: Left" in text
    assert "Ada's fridge" in text
    assert "PAID" in text.upper()


def pdf_text(content):
    from io import BytesIO

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_invoice_is_not_for_other_people(checkout, demo_mode, login):
    checkout.add_stocked()
    order = checkout.place_order()
    checkout.pay_demo(order)

    assert Client().get(f"/orders/{order.number}/invoice.pdf").status_code == 404
    stranger = Client()
    stranger.force_login(get_model("users", "User").objects.get(email="ben@example.com"))
    assert stranger.get(f"/orders/{order.number}/invoice.pdf").status_code == 404
    assert stranger.get(f"/checkout/pay/{order.number}/").status_code == 404
    staff = Client()
    staff.force_login(get_model("users", "User").objects.get(email="admin@atelier.example"))
    assert staff.get(f"/orders/{order.number}/invoice.pdf").status_code == 200


def test_signed_in_shopper_buys_and_owns_the_order(client, login, checkout, demo_mode):
    login("ben@example.com")
    checkout.add_configured("printed-tee", print_text="Ben's team", quantity="12")
    order = checkout.place_order()
    checkout.pay_demo(order)

    order.refresh_from_db()
    assert order.user.email == "ben@example.com"
    assert order.status == "Paid"
    assert order.lines.get().quantity == 12
    assert client.get(f"/orders/{order.number}/invoice.pdf").status_code == 200


def test_declined_card_keeps_the_order_payable_then_pays(checkout, demo_mode, paid_events):
    checkout.add_stocked()
    order = checkout.place_order()

    response = checkout.pay_demo(order, card="4000 0000 0000 0002")

    assert response["Location"] == f"/checkout/pay/{order.number}/"
    order.refresh_from_db()
    assert order.status == "Payment failed"
    assert "Your card was declined." in checkout.client.get(response["Location"]).content.decode()

    checkout.pay_demo(order)
    order.refresh_from_db()
    assert order.status == "Paid"
    assert paid_events == [order.number]


@pytest.mark.parametrize(("outcome", "status"), [("complete", "Paid"), ("fail", "Payment failed")])
def test_three_d_secure(checkout, demo_mode, outcome, status):
    checkout.add_stocked()
    order = checkout.place_order()

    response = checkout.pay_demo(order, card="4000 0025 0000 3155")
    assert response["Location"].startswith("/checkout/demo-authenticate/")
    assert "Complete authentication" in checkout.client.get(response["Location"]).content.decode()
    checkout.post(response["Location"], {"outcome": outcome})

    order.refresh_from_db()
    assert order.status == status


def test_prices_and_totals_sent_in_the_post_are_ignored(checkout, demo_mode):
    checkout.add_stocked(quantity=2)
    preview = checkout.to_preview()

    response = checkout.client.post(
        "/checkout/preview/",
        {
            "action": "place_order",
            "basket_fingerprint": preview.context["basket_fingerprint"],
            "order_total": "0.01",
            "shipping_charge": "0",
            "price": "0.01",
        },
    )

    order = Order.objects.get(number=response["Location"].split("/")[3])
    assert order.shipping_incl_tax == Decimal("9.95")  # standard delivery: free only from £60
    assert order.total_incl_tax == Decimal("67.95")  # 2 × 29 + 9.95
    assert DemoPayment.objects.get(order_number=order.number).amount == int(order.total_incl_tax * 100)


def test_basket_changed_in_another_tab_is_not_paid_for_unseen(checkout, demo_mode):
    checkout.add_stocked()
    preview = checkout.to_preview()
    checkout.add_stocked("ATL-CAREKIT")  # another tab

    response = checkout.client.post(
        "/checkout/preview/", {"action": "place_order", "basket_fingerprint": preview.context["basket_fingerprint"]}
    )

    assert response["Location"] == "/checkout/preview/"
    assert not Order.objects.filter(status="Pending payment").exists()


def test_double_submit_places_one_order_and_one_payment(checkout, demo_mode):
    checkout.add_stocked()
    preview = checkout.to_preview()
    data = {"action": "place_order", "basket_fingerprint": preview.context["basket_fingerprint"]}

    first = checkout.client.post("/checkout/preview/", data)
    second = checkout.client.post("/checkout/preview/", data)

    assert first["Location"].startswith("/checkout/pay/")
    assert not second.get("Location", "").startswith("/checkout/pay/") or second["Location"] == first["Location"]
    assert Order.objects.filter(status="Pending payment").count() == 1
    assert DemoPayment.objects.count() == 1


def test_paying_an_already_paid_order_changes_nothing(checkout, demo_mode, paid_events):
    checkout.add_stocked()
    order = checkout.place_order()
    checkout.pay_demo(order)

    response = checkout.pay_demo(order)

    assert response["Location"] == "/checkout/thank-you/"
    assert order.payment_events.count() == 1
    assert paid_events == [order.number]
