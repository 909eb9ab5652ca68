"""Checkout in the storefront's frame, with its steps in this shop's order, and a review page
that says how the order is paid."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from loyalty.services.staff import adjust_points
from tests.payments.conftest import ADDRESS, checkout, demo_mode, stripe_mode  # noqa: F401 -- the checkout driver

pytestmark = pytest.mark.django_db

STEPS = ["Address", "Delivery", "Review", "Payment", "Confirmation"]


def frame(response):
    """The page's landmarks and where its step indicator says the shopper is."""
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    steps = page.select("nav.checkout-steps li")
    return {
        "main": len(page.select("main#main")),
        "site header": len(page.select("header.site-header")),
        "site footer": len(page.select("footer.site-footer")),
        "steps": [step.select_one(".checkout-steps__label").contents[0].strip() for step in steps],
        "current": [
            step.select_one(".checkout-steps__label").contents[0].strip()
            for step in steps
            if step.get("aria-current") == "step"
        ],
        "links back": [step.a["href"] for step in steps if step.a],
        "h1": [h1.get_text(strip=True) for h1 in page.select("h1")],
    }


def in_frame(current, h1, links_back=()):
    return {
        "main": 1,
        "site header": 1,
        "site footer": 1,
        "steps": STEPS,
        "current": [current] if current else [],
        "links back": list(links_back),
        "h1": [h1],
    }


def test_a_guest_goes_from_basket_to_thank_you_in_the_site_frame(checkout, demo_mode):  # noqa: F811
    """Oscar's checkout layout had a header of its own (no navigation, basket or footer) and no <main>."""
    client = checkout.client
    checkout.add_configured(hinge="left")

    assert frame(client.get("/checkout/")) == in_frame(None, "Who are you?")
    client.post("/checkout/", {"username": "grace@example.com", "options": "anonymous"})
    assert frame(client.get("/checkout/shipping-address/")) == in_frame("Address", "Shipping address")
    client.post("/checkout/shipping-address/", ADDRESS)
    assert frame(client.get("/checkout/shipping-method/")) == in_frame(
        "Delivery", "Shipping method", ["/checkout/shipping-address/"]
    )
    client.post("/checkout/shipping-method/", {"method_code": "standard"})
    assert frame(client.get("/checkout/preview/")) == in_frame(
        "Review", "Review your order", ["/checkout/shipping-address/", "/checkout/shipping-method/"]
    )
    order = checkout.place_order()
    # The order exists from here on: the steps before are done, and closed.
    assert frame(client.get(f"/checkout/pay/{order.number}/")) == in_frame("Payment", "Payment")
    checkout.pay_demo(order)
    assert frame(client.get("/checkout/thank-you/")) == in_frame("Confirmation", "Thank you: your order is confirmed")


def payment_summary(response):
    page = BeautifulSoup(response.content, "html.parser")
    summary = page.select_one("#payment-summary")
    assert "Payment details to go here" not in response.content.decode()
    return {
        dt.get_text(strip=True): " ".join(dd.get_text(" ", strip=True).split())
        for dt, dd in zip(summary.select("dt"), summary.select("dd"), strict=True)
    }


def test_the_review_page_says_how_a_guest_pays_in_test_mode(checkout, demo_mode):  # noqa: F811
    """Oscar's review page said "Payment details to go here"."""
    checkout.add_stocked(quantity=2)  # £58.00 and £9.95 delivery (free from £60)

    assert payment_summary(checkout.to_preview()) == {
        "Card": "£67.95, on the next page once you place the order Demo gateway in test mode: no card is charged."
    }


def test_the_review_page_says_what_points_and_stripe_pay(checkout, stripe_mode, login, admin_user):  # noqa: F811
    client = login("ben@example.com")
    ben = get_user_model().objects.get(email="ben@example.com")
    adjust_points(user_id=ben.pk, points=2000, reason="Test balance", staff=admin_user)
    checkout.add_stocked(quantity=4)
    checkout.to_preview()
    client.post("/checkout/points/", {"points": "500"})

    assert payment_summary(client.get("/checkout/preview/")) == {
        "Points": "500 points take £5.00 off",
        "Card": "£111.00, on the next page once you place the order"
        " Paid securely through Stripe; we never see your card number.",
    }
