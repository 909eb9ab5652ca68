"""The survey pages: the signed link and the hub's route, every refusal with its words and nothing stored."""

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse

from atelier.orders import OrderStatus
from care.models import Ticket
from care.surveys import links
from care.surveys.models import LineScore, Survey
from tests.factories import CustomerFactory, OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db


def ours():
    """The surveys this test stored (the demo's stand apart)."""
    return Survey.objects.exclude(order__number__startswith="DEMO-")


GOOD = {"score": "4", "buy_again": "yes", "comment": "Fine."}


def link(order):
    return links.survey_path(order_number=order.number, user_id=order.user_id)


def hub(order):
    return reverse("surveys:order", kwargs={"number": order.number})


def html(response):
    return response.content.decode()


def test_the_signed_link_answers_without_signing_in(client, delivered):
    page = client.get(link(delivered))
    assert page.status_code == 200
    assert 'type="radio" name="score" value="1"' in html(page)
    assert "<legend" in html(page)

    response = client.post(link(delivered), GOOD)

    assert response.status_code == 302
    assert response["Location"] == link(delivered) + "thanks/"
    survey = Survey.objects.get(order=delivered)
    assert (survey.user, survey.score, survey.source) == (delivered.user, 4, "link")


def test_the_owner_answers_from_the_hub(client, delivered):
    client.force_login(delivered.user)
    order_page = html(client.get(reverse("customer:order", kwargs={"order_number": delivered.number})))
    assert f'href="{hub(delivered)}"' in order_page

    response = client.post(hub(delivered), GOOD)

    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:order-thanks", kwargs={"number": delivered.number})
    assert Survey.objects.get(order=delivered).source == "hub"
    order_page = html(client.get(reverse("customer:order", kwargs={"order_number": delivered.number})))
    assert "You gave it 4/5 on" in order_page


def test_the_hub_offers_no_survey_before_delivery(client):
    shipped = OrderFactory(status=OrderStatus.SHIPPED)
    client.force_login(shipped.user)
    page = html(client.get(reverse("customer:order", kwargs={"order_number": shipped.number})))
    assert "Tell us how it went" not in page
    response = client.post(hub(shipped), GOOD)
    assert "has not arrived yet" in html(response)
    assert not Survey.objects.filter(order=shipped).exists()


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("other customer", 404), ("anonymous", 302), ("staff", 404)]
)
def test_the_hub_route_by_who_asks(client, delivered, who, status):
    users = {"owner": delivered.user, "other customer": CustomerFactory(), "staff": StaffFactory()}
    if who in users:
        client.force_login(users[who])
    assert client.get(hub(delivered)).status_code == status
    assert client.post(hub(delivered), GOOD).status_code == (302 if who == "owner" else status)
    assert Survey.objects.filter(order=delivered).count() == (1 if who == "owner" else 0)


def test_another_customer_signed_in_cannot_use_the_link(client, delivered):
    client.force_login(CustomerFactory())
    response = client.post(link(delivered), GOOD)
    assert response.status_code == 403
    assert "This survey was sent to another account." in html(response)
    assert not ours().exists()


def test_the_owner_signed_in_may_use_the_link(client, delivered):
    client.force_login(delivered.user)
    assert client.post(link(delivered), GOOD).status_code == 302


def test_a_tampered_token_is_refused(client, delivered):
    token = links.make_token(order_number=delivered.number, user_id=delivered.user_id)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.post(reverse("surveys:answer", kwargs={"token": tampered}), GOOD)
    assert response.status_code == 400
    assert "This link is not valid." in html(response)
    assert not ours().exists()


def test_a_token_for_another_customer_or_order_opens_nothing(client, delivered):
    """A link whose customer is not the order's (forged with our key or not) is the same refusal: no enumeration."""
    someone = CustomerFactory()
    forged = reverse(
        "surveys:answer", kwargs={"token": links.make_token(order_number=delivered.number, user_id=someone.pk)}
    )
    unknown = reverse("surveys:answer", kwargs={"token": links.make_token(order_number="NOPE-1", user_id=someone.pk)})
    for url in (forged, unknown):
        response = client.post(url, GOOD)
        assert response.status_code == 400
        assert "This link is not valid." in html(response)
    assert not ours().exists()


def test_a_token_signed_for_something_else_is_refused(client, delivered):
    other_salt = signing.dumps({"o": delivered.number, "u": delivered.user_id}, salt="reminders.click", compress=True)
    response = client.post(reverse("surveys:answer", kwargs={"token": other_salt}), GOOD)
    assert response.status_code == 400
    assert not ours().exists()


def test_an_expired_link_says_so(client, delivered):
    url = link(delivered)
    with override_settings(SURVEY_LINK_MAX_AGE_DAYS=-1):  # issued a day before its age limit
        response = client.post(url, GOOD)
    assert response.status_code == 400
    assert "This link has expired." in html(response)
    assert not ours().exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"score": "0", "buy_again": "yes"}, "Please choose a score from 1 to 5."),
        ({"score": "6", "buy_again": "yes"}, "Please choose a score from 1 to 5."),
        ({"score": "five", "buy_again": "yes"}, "Please choose a score from 1 to 5."),
        ({"buy_again": "yes"}, "Please choose a score from 1 to 5."),
        ({}, "Please choose a score from 1 to 5."),
        ({"score": "4"}, "Please tell us whether you would buy from us again."),
        ({"score": "4", "buy_again": "perhaps"}, "Please tell us whether you would buy from us again."),
        ({"score": "4", "buy_again": "yes", "comment": "x" * 4001}, "at most 4000 characters"),
    ],
)
def test_bad_answers_are_refused_with_their_words(client, delivered, data, words):
    response = client.post(link(delivered), data)
    assert response.status_code == 400
    assert words in html(response)
    assert not ours().exists()


def test_a_line_score_out_of_range_is_refused(client, two_items):
    line = two_items.lines.first()
    response = client.post(link(two_items), {**GOOD, f"line_{line.pk}": "7"})
    assert response.status_code == 400
    assert "Please choose a score from 1 to 5 for this item, or none." in html(response)
    assert not ours().exists()


def test_each_item_may_have_its_own_score(client, two_items):
    first, second = two_items.lines.order_by("pk")
    page = html(client.get(link(two_items)))
    assert f'name="line_{first.pk}"' in page and f'name="line_{second.pk}"' in page

    client.post(link(two_items), {**GOOD, f"line_{second.pk}": "2"})

    assert list(LineScore.objects.filter(survey__order=two_items).values_list("line_id", "score")) == [(second.pk, 2)]


def test_a_single_item_order_asks_no_item_score(client, delivered):
    assert "line_" not in html(client.get(link(delivered)))


def test_a_second_answer_shows_the_first_and_stores_nothing(client, delivered):
    client.post(link(delivered), GOOD)

    again = client.post(link(delivered), {**GOOD, "score": "1"})

    assert again.status_code == 409
    assert "You answered on" in html(again) and ": 4/5." in html(again)
    assert list(ours().values_list("score", flat=True)) == [4]
    assert "You answered on" in html(client.get(link(delivered)))


def test_the_customers_words_are_escaped_on_every_page(
    client, delivered, quality_topic, admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    words = '<script>alert("x")</script><b>bold</b>'
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link(delivered), {"score": "2", "buy_again": "no", "comment": words})

    thanks = html(client.get(link(delivered) + "thanks/"))
    console = html(admin_client.get(reverse("surveys-dashboard:list")))
    for page in (thanks, console):
        assert "<script>alert" not in page and "<b>bold</b>" not in page
        assert "&lt;script&gt;" in page
    ticket = Ticket.objects.get(order=delivered)
    ticket_page = html(admin_client.get(reverse("care-dashboard:ticket", args=[ticket.reference])))
    assert "<script>alert" not in ticket_page and "&lt;script&gt;alert" in ticket_page
    # The ticket's acknowledgement e-mail: its HTML part escapes the words.
    (acknowledgement,) = [m for m in mailoutbox if ticket.reference in m.subject]
    html_part = acknowledgement.alternatives[0][0]
    assert "<script>alert" not in html_part and "&lt;script&gt;alert" in html_part


def test_a_low_score_tells_the_customer_of_the_promise(
    client, delivered, quality_topic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link(delivered), {"score": "3", "buy_again": "not_sure", "comment": "Scratched."})

    thanks = html(client.get(link(delivered) + "thanks/"))

    assert "Someone from our quality team will contact you within 8 working hours" in thanks
    assert Ticket.objects.filter(order=delivered, topic=quality_topic).count() == 1


def test_a_five_invites_a_review_of_the_orders_products(client, delivered):
    product = delivered.lines.get().product
    client.force_login(delivered.user)
    client.post(hub(delivered), {**GOOD, "score": "5"})

    thanks = html(client.get(reverse("surveys:order-thanks", kwargs={"number": delivered.number})))

    review_url = reverse("catalogue:reviews-add", kwargs={"product_slug": product.slug, "product_pk": product.pk})
    assert f'href="{review_url}#addreview"' in thanks
    assert "Someone from our quality team" not in thanks


def test_a_four_invites_no_review(client, delivered):
    client.post(link(delivered), GOOD)
    thanks = html(client.get(link(delivered) + "thanks/"))
    assert "reviews/add" not in thanks and "Someone from our quality team" not in thanks


def test_the_console_lists_surveys_with_the_average_by_month(client, delivered, admin_client):
    client.post(link(delivered), {**GOOD, "score": "5"})
    page = html(admin_client.get(reverse("surveys-dashboard:list")))
    assert "Average score by month" in page
    assert delivered.number in page


@pytest.mark.parametrize(("who", "status"), [("customer", 403), ("anonymous", 302)])
def test_the_console_list_is_for_care_agents(client, who, status):
    if who == "customer":
        client.force_login(CustomerFactory())
    assert client.get(reverse("surveys-dashboard:list")).status_code == status


def test_the_console_ticket_page_shows_the_survey_that_opened_it(
    client, delivered, quality_topic, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link(delivered), {"score": "1", "buy_again": "no", "comment": "Broken on arrival."})
    ticket = Ticket.objects.get(order=delivered)

    page = html(admin_client.get(reverse("care-dashboard:ticket", args=[ticket.reference])))

    assert "data-ticket-surveys" in page
    assert "Opened this ticket:" in page
    assert f"{delivered.number}</a> · 1/5 · buy again: No" in page


def test_the_care_agent_finds_surveys_in_the_dashboard_menu(client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(email="care@atelier.example"))
    page = html(client.get(reverse("care-dashboard:queue")))
    assert f'href="{reverse("surveys-dashboard:list")}"' in page
    assert client.get(reverse("surveys-dashboard:list")).status_code == 200
