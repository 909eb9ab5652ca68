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
