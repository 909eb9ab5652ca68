"""The basket's quantity box: out-of-range or unreadable answers get a plain message and change nothing."""

import pytest
from oscar.core.loading import get_model

from tests.basket.conftest import add_filter, add_tee
from tests.basket.test_bad_lines import basket_form_data, messages_of
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

Line = get_model("basket", "Line")


def update(client, line, quantity):
    return client.post("/basket/", basket_form_data(client, {line.pk: quantity}))


def quantity_of(line):
    return Line.objects.get(pk=line.pk).quantity


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("501", "How many: the largest is 500 shirts."),
        ("10000", "How many: the largest is 500 shirts."),
        ("99999999999999999999", "How many: the largest is 500 shirts."),
        ("-1", "Enter 1 or more, or press Remove."),
        ("1.5", "Enter a whole number, such as 2."),
        ("two", "Enter a whole number, such as 2."),
        ("", "Enter how many you want, or press Remove."),
    ],
)
def test_a_quantity_the_shirt_cannot_have_is_refused_in_words(client, typed, message):
    line = add_tee(client)

    response = update(client, line, typed)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<p class="basket-line__error" id="form-0-quantity-error">{message}</p>' in html
    assert f'value="{typed}"' in html  # what was typed stays in the box, to correct
    assert quantity_of(line) == 1
    for path in ["/basket/", "/", "/checkout/"]:
        assert client.get(path).status_code in (200, 302), path


def test_the_limit_itself_is_accepted(client):
    line = add_tee(client)

    response = update(client, line, "500")

    assert (response.status_code, response["Location"]) == (302, "/basket/")
    assert quantity_of(line) == 500


def test_zero_removes_the_line_and_says_so(client):
    line = add_tee(client)

    response = client.post("/basket/", basket_form_data(client, {line.pk: "0"}), follow=True)

    assert "Custom Printed T-shirt is no longer in your basket." in messages_of(response)
    assert not Line.objects.filter(pk=line.pk).exists()


def test_two_designs_of_the_same_shirt_each_have_their_own_limit(client):
    first = add_tee(client, colour="sage", quantity="300")
    second = add_tee(client, colour="clay", quantity="300")

    response = client.post("/basket/", basket_form_data(client, {first.pk: 400, second.pk: 400}))

    assert (response.status_code, response["Location"]) == (302, "/basket/")
    assert (quantity_of(first), quantity_of(second)) == (400, 400)


def test_a_line_stored_above_the_limit_is_mended_by_lowering_its_quantity(client):
    line = add_tee(client)
    Line.objects.filter(pk=line.pk).update(quantity=501)
    assert "How many: the largest is 500 shirts." in client.get("/basket/").content.decode()

    response = update(client, line, "500")

    assert (response.status_code, response["Location"]) == (302, "/basket/")
    assert quantity_of(line) == 500
    basket = client.get("/basket/").context["basket"]
    assert basket.problem_lines == []
    assert client.get("/checkout/").status_code == 200


def test_a_flagged_line_does_not_stop_changes_to_the_other_lines(client):
    tee = add_tee(client)
    filters = add_filter(client)
    Line.objects.filter(pk=tee.pk).update(quantity=501)

    response = client.post("/basket/", basket_form_data(client, {filters.pk: 3}))

    assert (response.status_code, response["Location"]) == (302, "/basket/")
    assert (quantity_of(filters), quantity_of(tee)) == (3, 501)


def test_the_quantity_box_has_a_label_and_says_its_range(client):
    add_tee(client)

    html = client.get("/basket/").content.decode()

    assert '<label class="sr-only" for="id_form-0-quantity">Quantity of Custom Printed T-shirt</label>' in html
    assert 'aria-describedby="form-0-quantity-help"' in html
    assert "From 1 to 500." in html


def test_crossing_a_quantity_break_is_called_the_bulk_price(client):
    line = add_tee(client)

    update(client, line, "10")
    response = client.get("/basket/")

    warnings = [str(warning) for warning in response.context["basket_warnings"]]
    assert warnings == ["Custom Printed T-shirt is £21.60 each: the bulk price for 10 or more."]
    assert "decreased" not in response.content.decode()


def test_going_back_below_a_quantity_break_says_where_bulk_prices_start(client):
    line = add_tee(client, quantity="25")

    update(client, line, "2")
    response = client.get("/basket/")

    assert [str(warning) for warning in response.context["basket_warnings"]] == [
        "Custom Printed T-shirt is £24.00 each: bulk prices start at 10."
    ]


def test_a_price_change_is_still_called_a_price_change(client):
    from configurator import services
    from configurator.models import Choice, ProductFamily

    add_tee(client, ink="gold", quantity="10")
    family = ProductFamily.objects.get(slug="printed-tee")
    Choice.objects.filter(option__family=family, option__code="ink", code="gold").update(price=10)
    services.publish_version(family=family)

    warnings = [str(warning) for warning in client.get("/basket/").context["basket_warnings"]]

    assert len(warnings) == 1 and "has increased" in warnings[0]


def test_a_refused_update_says_the_basket_needs_attention(client):
    line = add_tee(client)

    response = update(client, line, "501")

    assert "Your basket has got some issues. Please correct any validation errors below." in messages_of(response)


def test_a_design_saved_for_later_goes_back_into_the_basket(client):
    client.force_login(CustomerFactory())
    line = add_tee(client, quantity="3")
    data = basket_form_data(client)
    data["form-0-save_for_later"] = "on"
    assert client.post("/basket/", data).status_code == 302
    saved = client.get("/basket/").context["saved_formset"]
    assert [form.instance.pk for form in saved.forms] == [line.pk]

    response = client.post(
        "/basket/saved/",
        {
            "saved-TOTAL_FORMS": "1",
            "saved-INITIAL_FORMS": "1",
            "saved-MIN_NUM_FORMS": "0",
            "saved-MAX_NUM_FORMS": "1000",
            "saved-0-id": str(line.pk),
            "saved-0-move_to_basket": "on",
        },
        follow=True,
    )

    assert response.status_code == 200
    basket = response.context["basket"]
    assert [(each.product.upc, each.quantity) for each in basket.all_lines()] == [("ATL-TEE", 3)]
    assert basket.problem_lines == []


def test_removing_a_line_says_so(client):
    line = add_tee(client)
    data = basket_form_data(client)
    data["form-0-DELETE"] = "on"

    response = client.post("/basket/", data, follow=True)

    assert "Custom Printed T-shirt is no longer in your basket." in messages_of(response)
    assert not Line.objects.filter(pk=line.pk).exists()
