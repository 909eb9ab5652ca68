"""A basket line that breaks a rule never takes the site down: it is shown, flagged, with a way out.

Every page that reads the basket (the basket, each checkout step, the pay page, the header
on any page, the account hub) answers with such a line, for a guest and for a signed-in
shopper whose basket follows them to every device.
"""

import pytest
from oscar.core.loading import get_model

from tests.basket.conftest import PROBLEMS, add_filter, add_tee, break_line
from tests.factories import CustomerFactory, LoyaltyAccountFactory
from tests.payments.conftest import checkout, demo_mode  # noqa: F401 -- the payments suite's checkout driver

pytestmark = pytest.mark.django_db

Line = get_model("basket", "Line")
Order = get_model("order", "Order")

CHECKOUT_STEPS = [
    "/checkout/",
    "/checkout/shipping-address/",
    "/checkout/shipping-method/",
    "/checkout/payment-method/",
    "/checkout/preview/",
    "/checkout/payment-details/",
]
REFUSAL = "can’t be ordered as it is in your basket"


@pytest.fixture(params=["guest", "signed_in"])
def shopper(request, client):
    if request.param == "signed_in":
        client.force_login(CustomerFactory())
    return client


def basket_form_data(client, quantities=None):
    """The basket's formset as the page posts it, with `quantities` ({line id: typed}) changed."""
    quantities = quantities or {}
    formset = client.get("/basket/").context["formset"]
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(formset.total_form_count()),
        f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
        f"{formset.prefix}-MIN_NUM_FORMS": "0",
        f"{formset.prefix}-MAX_NUM_FORMS": "1000",
    }
    for form in formset.forms:
        data[f"{form.prefix}-id"] = str(form.instance.pk)
        data[f"{form.prefix}-quantity"] = str(quantities.get(form.instance.pk, form.instance.quantity))
    return data


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def follow(client, path):
    """(status, final path, messages) of a GET followed through its redirects."""
    response = client.get(path, follow=True)
    return response.status_code, response.request["PATH_INFO"], messages_of(response)


def assert_sent_back_to_the_basket(client, kind):
    """Each checkout step lands on the basket (some skip ahead first), saying which line and why."""
    for path in CHECKOUT_STEPS:
        status, landed, said = follow(client, path)
        assert (status, landed) == (200, "/basket/"), path
        assert any(REFUSAL in message and PROBLEMS[kind] in message for message in said), (path, said)


def test_the_basket_shows_a_bad_line_flagged_with_a_way_to_remove_it(shopper, bad_kind, monkeypatch):
    line = add_tee(shopper, colour="sage", position="back")
    kept = add_filter(shopper)
    break_line(bad_kind, line, monkeypatch)

    response = shopper.get("/basket/")

    assert response.status_code == 200
    html = response.content.decode()
    assert PROBLEMS[bad_kind] in html
    assert 'name="form-0-DELETE"' in html and ">Remove</button>" in html
    # The good line is still priced; the total counts what can be bought.
    assert response.context["basket"].total_incl_tax == kept.price_incl_tax


def test_every_page_still_answers_with_a_bad_line_in_the_basket(shopper, bad_kind, monkeypatch):
    line = add_tee(shopper, colour="sage", position="back")
    break_line(bad_kind, line, monkeypatch)

    for path in ["/", "/catalogue/", "/basket/"]:
        response = shopper.get(path)
        assert response.status_code == 200, path
        assert b'class="basket-summary"' in response.content, path
    assert_sent_back_to_the_basket(shopper, bad_kind)


def test_the_account_pages_still_answer_with_a_bad_line_in_the_basket(client, bad_kind, monkeypatch):
    client.force_login(CustomerFactory())
    line = add_tee(client, colour="sage", position="back")
    break_line(bad_kind, line, monkeypatch)

    for path in ["/accounts/", "/accounts/orders/", "/accounts/points/", "/designs/", "/accounts/notifications/inbox/"]:
        assert client.get(path).status_code == 200, path


def test_removing_a_bad_line_leaves_a_working_basket(shopper, bad_kind, monkeypatch):
    line = add_tee(shopper, colour="sage", position="back")
    kept = add_filter(shopper)
    break_line(bad_kind, line, monkeypatch)
    data = basket_form_data(shopper)
    data["form-0-DELETE"] = "on"

    response = shopper.post("/basket/", data)

    assert (response.status_code, response["Location"]) == (302, "/basket/")
    assert list(Line.objects.filter(basket=kept.basket).values_list("pk", flat=True)) == [kept.pk]
    status, landed, _said = follow(shopper, "/checkout/")
    assert status == 200 and landed.startswith("/checkout/")


def test_a_bad_line_stops_an_order_reviewed_before_it_broke(shopper, bad_kind, monkeypatch, checkout, demo_mode):  # noqa: F811
    checkout.client = shopper
    line = add_tee(shopper, colour="sage", position="back")
    preview = checkout.to_preview()
    fingerprint = preview.context["basket_fingerprint"]
    break_line(bad_kind, line, monkeypatch)

    response = shopper.post("/checkout/preview/", {"action": "place_order", "basket_fingerprint": fingerprint})

    assert (response.status_code, response["Location"]) == (302, "/basket/")
    assert not Order.objects.filter(basket_id=line.basket_id).exists()
    assert_sent_back_to_the_basket(shopper, bad_kind)


def test_the_pay_page_answers_with_a_bad_line_in_the_next_basket(shopper, bad_kind, monkeypatch, checkout, demo_mode):  # noqa: F811
    checkout.client = shopper
    add_filter(shopper)
    order = checkout.place_order()
    line = add_tee(shopper, colour="sage", position="back")
    break_line(bad_kind, line, monkeypatch)

    response = shopper.get(f"/checkout/pay/{order.number}/")

    assert response.status_code == 200
    assert b'class="basket-summary"' in response.content


def test_points_can_be_offered_and_chosen_with_a_bad_line_in_the_basket(client, bad_kind, monkeypatch):
    client.force_login(LoyaltyAccountFactory(points=500).user)
    add_filter(client, quantity=4)
    line = add_tee(client, colour="sage", position="back")
    break_line(bad_kind, line, monkeypatch)

    response = client.post("/checkout/points/", {"points": "100", "next": "/basket/"})

    assert (response.status_code, response["Location"]) == (302, "/basket/")
    assert client.get("/basket/").status_code == 200


@pytest.mark.parametrize(
    ("break_it", "problem"),
    [
        ({"is_public": False}, "No longer sold. Please remove it."),
        ({"price": None}, "Its price cannot be worked out at the moment."),
    ],
    ids=["withdrawn", "price_cleared"],
)
def test_a_stocked_product_withdrawn_or_without_a_price_is_flagged_too(shopper, break_it, problem):
    line = add_filter(shopper)
    if "price" in break_it:
        get_model("partner", "StockRecord").objects.filter(pk=line.stockrecord_id).update(**break_it)
    else:
        get_model("catalogue", "Product").objects.filter(pk=line.product_id).update(**break_it)

    response = shopper.get("/basket/")

    assert response.status_code == 200
    assert problem in response.content.decode()
    assert shopper.get("/").status_code == 200
    status, landed, said = follow(shopper, "/checkout/")
    assert (status, landed) == (200, "/basket/")
    assert any(REFUSAL in message and problem in message for message in said)
