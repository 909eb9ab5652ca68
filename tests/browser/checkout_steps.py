"""The checkout's address step as a shopper fills it in, for the browser tests that go through it."""


def give_delivery_address(page, *, name, street, city, postcode):
    """Fill in the shipping address form and go on to the delivery methods."""
    first_name, last_name = name.split(" ", 1)
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    page.get_by_label("First line of address").fill(street)
    page.get_by_label("City").fill(city)
    page.get_by_label("Post/Zip-code").fill(postcode)
    page.get_by_role("button", name="Continue").click()


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
