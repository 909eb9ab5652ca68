"""The checkout's steps as a shopper goes through them, for the browser tests that buy something."""

import re

from playwright.sync_api import expect


def give_delivery_address(page, *, name, street, city, postcode):
    """Fill in the shipping address form and go on to the delivery methods."""
    first_name, last_name = name.split(" ", 1)
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    page.get_by_label("First line of address").fill(street)
    page.get_by_label("City").fill(city)
    page.get_by_label("Post/Zip-code").fill(postcode)
    page.get_by_role("button", name="Continue").click()


def buy_a_fridge(page, shop, *, name, before_placing=None):
    """The fridge as the configurator opens, to a Cambridge address, paid with the demo gateway's
    card (`before_placing(page)` on the last step, say to use points). Returns the order number."""
    page.goto(shop + "/configure/atelier-fridge/")
    page.get_by_role("button", name="Add to basket").click()
    expect(page).to_have_url(shop + "/basket/")
    page.get_by_role("link", name="Proceed to checkout").click()
    give_delivery_address(page, name=name, street="Flat 3, 88 Mill Road", city="Cambridge", postcode="CB1 2AS")
    page.get_by_role("button", name="Select option").first.click()
    if before_placing is not None:
        before_placing(page)
    page.get_by_role("button", name=re.compile(r"Place order and pay")).click()
    expect(page).to_have_url(re.compile(r"/checkout/pay/\d+/$"))
    number = page.url.rstrip("/").split("/")[-1]
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name=re.compile(r"^Pay £")).click()
    expect(page.locator(".order-outcome")).to_contain_text("Payment received")
    return number


def set_points_balance(email, points):
    """The shopper (returned) holds exactly `points` to spend, set by the demo admin as a staff adjustment."""
    from django.contrib.auth import get_user_model

    from loyalty.models import LoyaltyAccount
    from loyalty.services.staff import adjust_points

    users = get_user_model().objects
    shopper, admin = users.get(email=email), users.get(email="admin@atelier.example")
    current = LoyaltyAccount.objects.get(user=shopper).available
    adjust_points(user_id=shopper.pk, points=points - current, reason="Browser test balance", staff=admin)
    return shopper
