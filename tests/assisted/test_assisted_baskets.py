"""Staff build a basket for a customer and send it as a pay link; only that customer opens it, once, in time."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from care import services as care_services
from care.models import Topic
from configurator import quoting
from portal.assisted import links
from portal.assisted.models import AssistedBasket
from tests.factories import CustomerFactory, OrderFactory, StockedProductFactory

pytestmark = pytest.mark.django_db

AGENT, PLANNER, SHOPPER = "care@atelier.example", "planner@atelier.example", "ada@example.com"
Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def customer(db):
    return CustomerFactory(email="grace.hopper@example.com", first_name="Grace", last_name="Hopper")


@pytest.fixture
def part(db):
    return StockedProductFactory(title="Spare hinge", upc="TST-HINGE", price=Decimal("25.00"), num_in_stock=5)


@pytest.fixture
def ticket(customer):
    topic = Topic.objects.get(slug="order-question")
    return care_services.open_ticket(topic=topic, user=customer, subject="A spare hinge", body="Mine broke.")[0]


@pytest.fixture
def agent(login):
    return login(AGENT)


def _start(agent, ticket, key=None):
    return agent.post("/dashboard/care/baskets/new/", {"ticket": ticket.reference, "submission": key or uuid.uuid4()})


@pytest.fixture
def assisted(agent, ticket):
    _start(agent, ticket)
    return AssistedBasket.objects.get(ticket=ticket)


def _add(agent, assisted, product, quantity, **extra):
    url = f"/dashboard/care/baskets/{assisted.pk}/add/"
    return agent.post(url, {"product": product.pk, "quantity": quantity, "q": "hinge", **extra})


def _sent(agent, assisted, part, django_capture_on_commit_callbacks):
    # Followed, so the agent's flash messages are read here and not by whoever uses the client next.
    agent.post(f"/dashboard/care/baskets/{assisted.pk}/add/", {"product": part.pk, "quantity": 2}, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        agent.post(f"/dashboard/care/baskets/{assisted.pk}/send/", follow=True)
    assisted.refresh_from_db()
    return assisted


def _answer(response):
    if response.status_code in (200, 302) and "login" not in response.get("Location", ""):
        return "ok"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 302:
        return "login"
    return f"unexpected {response.status_code}"


@pytest.mark.parametrize(
    ("who", "expected"), [(AGENT, "ok"), (PLANNER, "forbidden"), (SHOPPER, "forbidden"), (None, "login")]
)
def test_only_agents_build_baskets(client, login, assisted, part, who, expected):
    client.logout()  # the fixture started the basket as an agent
    browser = login(who) if who else client
    base = f"/dashboard/care/baskets/{assisted.pk}"
    for url in ("/dashboard/care/baskets/", f"/dashboard/care/baskets/new/?ticket={assisted.ticket.reference}",
                f"{base}/", f"{base}/configure/printed-tote/"):  # fmt: skip
        assert _answer(browser.get(url)) == expected
    if expected != "ok":
        assert _answer(_add(browser, assisted, part, 1)) == expected
        assert _answer(browser.post(f"{base}/send/")) == expected
        assisted.refresh_from_db()
        assert assisted.state == AssistedBasket.State.DRAFT
        assert not assisted.basket.lines.exists()


def test_a_double_submit_of_the_start_form_makes_one_basket(agent, ticket):
    key = uuid.uuid4()
    first = _start(agent, ticket, key)
    second = _start(agent, ticket, key)

    assisted = AssistedBasket.objects.get(ticket=ticket)
    assert first["Location"] == second["Location"] == f"/dashboard/care/baskets/{assisted.pk}/"
    assert assisted.customer == ticket.user
    assert assisted.basket.owner is None and assisted.basket.status == Basket.SAVED


def test_a_guests_ticket_gets_no_basket(agent):
    topic = Topic.objects.get(slug="order-question")
    guest = care_services.open_ticket(topic=topic, guest_email="guest@example.com", subject="s", body="b")[0]

    assert agent.get(f"/dashboard/care/baskets/new/?ticket={guest.reference}").status_code == 404
    assert _start(agent, guest).status_code == 404
    assert not AssistedBasket.objects.exists()


def test_products_are_found_by_name_upc_or_family(agent, assisted, part):
    page = f"/dashboard/care/baskets/{assisted.pk}/"

    assert "Spare hinge" in agent.get(page, {"q": "hinge"}).content.decode()
    assert "Spare hinge" in agent.get(page, {"q": "tst-hinge"}).content.decode()
    by_family = agent.get(page, {"q": "printed-tote"}).content.decode()
    assert f"/dashboard/care/baskets/{assisted.pk}/configure/printed-tote/" in by_family
    assert "No product on sale matches" in agent.get(page, {"q": "no-such-thing"}).content.decode()


def test_a_stocked_product_is_priced_by_the_server_whatever_the_form_says(agent, assisted, part):
    response = _add(agent, assisted, part, 2, price="0.01", price_incl_tax="0.01", price_excl_tax="0.01")

    assert response.status_code == 302
    line = assisted.basket.lines.get()
    assert (line.product, line.quantity, line.price_incl_tax) == (part, 2, Decimal("25.00"))


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "Enter 1 or more."),
        ("-3", "Enter 1 or more."),
        ("two", "Enter a whole number, such as 2."),
        ("1.5", "Enter a whole number, such as 2."),
        ("6", "Spare hinge: a maximum of 5 can be bought"),
        ("100000", "Enter at most 10000."),
    ],
)
def test_a_quantity_out_of_range_is_refused_in_words(agent, assisted, part, quantity, message):
    response = _add(agent, assisted, part, quantity)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not assisted.basket.lines.exists()


def test_a_configured_product_is_checked_and_priced_by_the_configurator(agent, assisted):
    values = {"colour": "black", "print_text": "Hello", "sides": "both", "ink": "white"}
    expected = quoting.configure(family_slug="printed-tote", values=values).quote.unit_price_after_discount

    response = agent.post(
        f"/dashboard/care/baskets/{assisted.pk}/configure/printed-tote/",
        {**values, "action": "add", "price": "0.01", "price_incl_tax": "0.01"},
    )

    assert response.status_code == 302
    line = assisted.basket.lines.get()
    assert line.price_incl_tax == expected > Decimal("0.01")
    assert "Hello" in line.attributes.get().value


def test_a_configuration_the_rules_refuse_adds_nothing(agent, assisted):
    response = agent.post(
        f"/dashboard/care/baskets/{assisted.pk}/configure/printed-tote/",
        {"colour": "black", "print_text": "x" * 31, "sides": "one", "ink": "white", "action": "add"},
    )

    assert response.status_code == 422
    assert "Not added:" in response.content.decode()
    assert not assisted.basket.lines.exists()


def test_sending_mails_the_link_notes_the_ticket_and_freezes_the_basket(
    agent, assisted, part, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    assisted = _sent(agent, assisted, part, django_capture_on_commit_callbacks)

    assert assisted.state == AssistedBasket.State.SENT
    assert assisted.expires_at == assisted.sent_at + timedelta(days=7)
    assert [message.to for message in mail.outbox] == [["grace.hopper@example.com"]]
    body = mail.outbox[0].body
    assert links.pay_path(assisted) in body
    assert "Spare hinge × 2: £50.00" in body
    note = assisted.ticket.messages.get(internal=True)
    assert note.body.startswith("Basket sent for payment: Spare hinge × 2, £50.00.")
    page = agent.get(f"/dashboard/care/baskets/{assisted.pk}/").content.decode()
    assert links.pay_path(assisted) in page
    # Sent: no more changes.
    assert _add(agent, assisted, part, 1).status_code == 422
    assert assisted.basket.lines.get().quantity == 2


def test_a_double_send_sends_one_email(agent, assisted, part, django_capture_on_commit_callbacks):
    _add(agent, assisted, part, 1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        agent.post(f"/dashboard/care/baskets/{assisted.pk}/send/")
        second = agent.post(f"/dashboard/care/baskets/{assisted.pk}/send/", follow=True)

    assert len(mail.outbox) == 1
    assert "This basket was sent already; nothing was sent again." in second.content.decode()
    assert assisted.ticket.messages.filter(internal=True).count() == 1


def test_an_empty_basket_is_not_sent(agent, assisted):
    response = agent.post(f"/dashboard/care/baskets/{assisted.pk}/send/", follow=True)

    assert "Add at least one product before sending the basket." in response.content.decode()
    assisted.refresh_from_db()
    assert assisted.state == AssistedBasket.State.DRAFT


# --- The customer's side ---------------------------------------------------------------------


def test_signed_out_the_link_asks_to_sign_in_first(client, agent, assisted, part, django_capture_on_commit_callbacks):
    path = links.pay_path(_sent(agent, assisted, part, django_capture_on_commit_callbacks))
    client.logout()

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "basket/prepared/" in response["Location"]


def test_another_signed_in_customer_is_refused_and_sees_nothing(
    client, agent, assisted, part, django_capture_on_commit_callbacks
):
    path = links.pay_path(_sent(agent, assisted, part, django_capture_on_commit_callbacks))
    client.force_login(CustomerFactory())

    for response in (client.get(path), client.post(path)):
        html = response.content.decode()
        assert response.status_code == 403
        assert "This basket was prepared for another account." in html
        assert "Spare hinge" not in html and "50.00" not in html
    assisted.refresh_from_db()
    assert assisted.state == AssistedBasket.State.SENT


def test_a_tampered_link_opens_nothing(client, agent, assisted, part, customer, django_capture_on_commit_callbacks):
    token = links.token_for(_sent(agent, assisted, part, django_capture_on_commit_callbacks))
    client.force_login(customer)
    pk, rest = token.split(".", 1)

    for bad in (f"{int(pk) + 1}.{rest}", token[:-2] + ("aa" if not token.endswith("aa") else "bb"), "nonsense"):
        response = client.get(f"/basket/prepared/{bad}/")
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()


def test_a_draft_has_no_working_link(client, assisted, part, customer, agent):
    _add(agent, assisted, part, 1)
    client.force_login(customer)

    assert client.get(links.pay_path(assisted)).status_code == 404


def test_an_expired_link_says_so(client, agent, assisted, part, customer, django_capture_on_commit_callbacks):
    assisted = _sent(agent, assisted, part, django_capture_on_commit_callbacks)
    AssistedBasket.objects.filter(pk=assisted.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(customer)

    response = client.post(links.pay_path(assisted))

    assert response.status_code == 410
    assert "This link has expired." in response.content.decode()
    assisted.refresh_from_db()
    assert assisted.state == AssistedBasket.State.SENT


def test_the_customer_accepts_once_and_goes_to_checkout_with_their_earlier_basket_saved(
    client, agent, assisted, part, customer, django_capture_on_commit_callbacks
):
    assisted = _sent(agent, assisted, part, django_capture_on_commit_callbacks)
    earlier = Basket.objects.create(owner=customer)
    earlier.strategy = Selector().strategy(user=customer)
    earlier.add_product(StockedProductFactory(title="Something else"), 1)
    client.force_login(customer)
    path = links.pay_path(assisted)

    page = client.get(path)
    assert page.status_code == 200
    assert "Spare hinge" in page.content.decode() and "£50.00" in page.content.decode()
    accepted = client.post(path)

    assert accepted.status_code == 302 and accepted["Location"] == "/checkout/"
    basket = Basket.objects.get(pk=assisted.basket_id)
    assert (basket.owner, basket.status) == (customer, Basket.OPEN)
    assert list(Basket.open.filter(owner=customer)) == [basket]
    assert Basket.saved.get(owner=customer).lines.get().product.title == "Something else"
    assert client.get("/basket/").context["basket"].pk == basket.pk

    again = client.post(path)
    assert again.status_code == 200
    assert "You accepted this basket already" in again.content.decode()
    assert list(Basket.open.filter(owner=customer)) == [basket]


def test_an_ordered_basket_says_so(client, agent, assisted, part, customer, django_capture_on_commit_callbacks):
    assisted = _sent(agent, assisted, part, django_capture_on_commit_callbacks)
    client.force_login(customer)
    client.post(links.pay_path(assisted))
    order = OrderFactory(user=customer)
    type(order).objects.filter(pk=order.pk).update(basket_id=assisted.basket_id)
    Basket.objects.filter(pk=assisted.basket_id).update(status=Basket.SUBMITTED)

    html = client.get(links.pay_path(assisted)).content.decode()

    assert f"This basket has been ordered: it is your order {order.number}." in html


def test_a_newer_basket_replaces_the_link_of_the_older(
    client, agent, assisted, part, customer, ticket, django_capture_on_commit_callbacks
):
    older = _sent(agent, assisted, part, django_capture_on_commit_callbacks)
    _start(agent, ticket)
    newer = AssistedBasket.objects.exclude(pk=older.pk).get(ticket=ticket)
    _sent(agent, newer, part, django_capture_on_commit_callbacks)
    client.force_login(customer)

    response = client.get(links.pay_path(older))

    assert response.status_code == 410
    assert "We sent you a newer basket since" in response.content.decode()
    assert client.get(links.pay_path(newer)).status_code == 200


def test_a_price_changed_since_sending_shows_as_todays(
    client, agent, assisted, part, customer, django_capture_on_commit_callbacks
):
    assisted = _sent(agent, assisted, part, django_capture_on_commit_callbacks)
    StockRecord.objects.filter(product=part).update(price=Decimal("30.00"))
    client.force_login(customer)

    html = client.get(links.pay_path(assisted)).content.decode()

    assert "£60.00" in html and "£50.00" not in html


def test_the_link_is_unguessable(agent, assisted):
    token = links.token_for(assisted)
    assert re.fullmatch(rf"{assisted.pk}\.[\w-]{{22}}:[\w-]{{20,}}", token)


def test_a_configured_quantity_outside_the_familys_range_is_refused_in_words(agent, assisted):
    response = agent.post(
        f"/dashboard/care/baskets/{assisted.pk}/configure/printed-tote/",
        {"colour": "black", "print_text": "Hello", "sides": "one", "ink": "white", "quantity": "501", "action": "add"},
    )

    assert response.status_code == 422
    assert "Not added:" in response.content.decode()
    assert "500" in response.content.decode()
    assert not assisted.basket.lines.exists()


def test_the_configure_page_prices_on_the_server(agent, assisted):
    values = {"colour": "black", "print_text": "Hi", "sides": "both", "ink": "white"}
    quote = quoting.configure(family_slug="printed-tote", values=values, quantity=3).quote

    html = agent.post(
        f"/dashboard/care/baskets/{assisted.pk}/configure/printed-tote/",
        {**values, "quantity": "3", "action": "update"},
    ).content.decode()

    assert f"£{quote.total}" in html
    assert not assisted.basket.lines.exists()


def test_a_basket_without_a_ticket_for_a_customer_found_in_the_console(agent, customer):
    assert (
        f"/dashboard/care/baskets/new/?customer={customer.pk}"
        in agent.get("/dashboard/care/new/?q=hopper").content.decode()
    )

    agent.post("/dashboard/care/baskets/new/", {"customer": customer.pk, "submission": uuid.uuid4()})

    assisted = AssistedBasket.objects.get(customer=customer)
    assert assisted.ticket is None
    assert agent.post("/dashboard/care/baskets/new/", {"customer": "x"}).status_code == 404


def test_the_stock_limit_counts_what_the_basket_holds_already(agent, assisted, part):
    assert _add(agent, assisted, part, 3).status_code == 302

    response = _add(agent, assisted, part, 3)

    assert response.status_code == 422
    assert "Spare hinge: a maximum of 5 can be bought" in response.content.decode()
    assert assisted.basket.lines.get().quantity == 3


def test_a_made_to_order_product_is_not_added_as_it_is(agent, assisted):
    tote = get_model("catalogue", "Product").objects.get(upc="ATL-TOTE")

    response = _add(agent, assisted, tote, 1)

    assert response.status_code == 422
    assert "Custom Printed Tote is made to order: choose its options first." in response.content.decode()
    assert not assisted.basket.lines.exists()
