"""The customer's ticket pages: opening, the list with unread replies, the thread, and nobody else's ticket."""

import io
import re
import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from care import guest_links, services
from care.help.models import SearchRecord
from care.help.visitors import SESSION_KEY, visitor_hash
from care.models import Author, State, Ticket
from tests.factories import CustomerFactory, OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def ticket_of(user, topic, **kwargs):
    kwargs.setdefault("subject", "A question")
    kwargs.setdefault("body", "Hello")
    return services.open_ticket(topic=topic, user=user, **kwargs)[0]


def form_data(topic, **fields):
    return {"topic": topic.pk, "subject": "Where is it?", "body": "Please tell me.", "submission": str(uuid.uuid4()),
            **fields}  # fmt: skip


def test_the_form_is_filled_from_the_link(client, question_topic):
    customer = CustomerFactory()
    order = OrderFactory(user=customer)
    line = order.lines.first()
    client.force_login(customer)

    response = client.get(f"/tickets/new/?topic={question_topic.slug}&order={order.number}&line={line.pk}")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{question_topic.pk}" selected>' in html
    assert f'value="About {line.title} (order {order.number})"' in html
    assert f'name="order" value="{order.number}"' in html


def test_a_signed_in_customer_opens_a_ticket_about_their_order_line(
    client, question_topic, django_capture_on_commit_callbacks
):
    customer = CustomerFactory()
    order = OrderFactory(user=customer)
    line = order.lines.first()
    client.force_login(customer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tickets/new/", form_data(question_topic, order=order.number, line=line.pk))

    ticket = Ticket.objects.get(user=customer)
    assert response.status_code == 302 and response["Location"] == f"/accounts/tickets/{ticket.reference}/"
    assert (ticket.order, ticket.line, ticket.topic) == (order, line, question_topic)
    assert mail.outbox[-1].to == [customer.email]
    page = client.get(response["Location"]).content.decode()
    assert "Please tell me." in page and ticket.reference in page


def test_another_customers_order_in_the_link_is_ignored_and_refused_on_post(client, question_topic):
    customer, other = CustomerFactory(), CustomerFactory()
    theirs = OrderFactory(user=other)
    client.force_login(customer)

    page = client.get(f"/tickets/new/?order={theirs.number}").content.decode()
    assert theirs.number not in page

    client.post("/tickets/new/", form_data(question_topic, order=theirs.number))
    assert Ticket.objects.get(user=customer).order is None


def test_a_double_submitted_form_makes_one_ticket(client, question_topic):
    client.force_login(CustomerFactory())
    data = form_data(question_topic)

    first = client.post("/tickets/new/", data)
    second = client.post("/tickets/new/", data)

    assert Ticket.objects.filter(subject="Where is it?").count() == 1
    assert first["Location"] == second["Location"]


def test_html_in_subject_and_body_is_shown_as_text(client, question_topic, django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/tickets/new/", form_data(question_topic, subject=SCRIPT, body=f"Body {SCRIPT}"))
    ticket = Ticket.objects.get(user=customer)

    for url in ("/accounts/tickets/", f"/accounts/tickets/{ticket.reference}/"):
        html = client.get(url).content.decode()
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    sent = mail.outbox[-1]
    assert SCRIPT not in sent.alternatives[0][0]
    assert "&lt;script&gt;" in sent.alternatives[0][0]


def test_the_list_counts_staff_replies_since_the_customer_last_looked(client, question_topic):
    customer = CustomerFactory()
    ticket = ticket_of(customer, question_topic)
    services.reply(ticket=ticket, body="First answer", author_kind=Author.STAFF, author=StaffFactory())
    services.reply(ticket=ticket, body="Second answer", author_kind=Author.STAFF, author=StaffFactory())
    services.reply(ticket=ticket, body="Internal", author_kind=Author.STAFF, author=StaffFactory(), internal=True)
    client.force_login(customer)

    html = client.get("/accounts/tickets/").content.decode()
    assert "2 new replies" in html
    assert re.search(r"Help & tickets <span class=\"badge-unread\">2", html)

    thread = client.get(f"/accounts/tickets/{ticket.reference}/").content.decode()
    assert "Second answer" in thread and "Internal" not in thread
    assert "new repl" not in client.get("/accounts/tickets/").content.decode()


def test_a_customer_reply_to_a_resolved_ticket_reopens_it(client, question_topic):
    customer, agent = CustomerFactory(), StaffFactory()
    ticket = ticket_of(customer, question_topic)
    services.change_state(ticket=ticket, to_state=State.RESOLVED, expected_state=State.NEW, actor=agent)
    client.force_login(customer)

    response = client.post(f"/accounts/tickets/{ticket.reference}/", {"body": "Not fixed", "submission": uuid.uuid4()})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN


def test_a_reply_to_a_closed_ticket_is_refused_with_a_clear_message(client, question_topic):
    customer = CustomerFactory()
    ticket = ticket_of(customer, question_topic)
    services.change_state(ticket=ticket, to_state=State.CLOSED, expected_state=State.NEW, actor=StaffFactory())
    client.force_login(customer)

    response = client.post(f"/accounts/tickets/{ticket.reference}/", {"body": "Hello?", "submission": uuid.uuid4()})

    assert response.status_code == 409
    assert f"Ticket {ticket.reference} is closed and takes no more replies." in response.content.decode()
    assert ticket.messages.count() == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (("page.html", b"<html><script>x</script></html>", "text/html"), "page.html is not a photo or a PDF"),
        (("fake.png", b"<svg onload=alert(1)>", "image/png"), "fake.png is not a photo or a PDF"),
        (("bad.jpg", b"\xff\xd8\xff" + b"junk" * 10, "image/jpeg"), "bad.jpg could not be read as an image"),
        (("empty.pdf", b"", "application/pdf"), "empty.pdf is empty."),
    ],
)
def test_wrong_attachments_are_refused_with_what_is_accepted(client, question_topic, upload, message):
    client.force_login(CustomerFactory())

    response = client.post("/tickets/new/", {**form_data(question_topic), "attachments": SimpleUploadedFile(*upload)})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Ticket.objects.filter(subject="Where is it?").exists()


def test_an_oversize_attachment_is_refused(client, question_topic, settings):
    settings.CARE_ATTACHMENT_MAX_BYTES = 1024
    client.force_login(CustomerFactory())
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * 2000, "application/pdf")

    response = client.post("/tickets/new/", {**form_data(question_topic), "attachments": upload})

    assert response.status_code == 422
    assert "scan.pdf is 2.0\xa0KB; files can be at most 1.0\xa0KB." in response.content.decode()


def test_too_many_attachments_are_refused(client, question_topic):
    client.force_login(CustomerFactory())
    uploads = [SimpleUploadedFile(f"p{n}.png", png_bytes(), "image/png") for n in range(4)]

    response = client.post("/tickets/new/", {**form_data(question_topic), "attachments": uploads})

    assert response.status_code == 422
    assert "Please attach at most 3 files to one message." in response.content.decode()


def test_an_attachment_is_kept_outside_media_and_served_only_to_its_owner(client, question_topic, settings):
    customer = CustomerFactory()
    client.force_login(customer)
    upload = SimpleUploadedFile("photo.png", png_bytes(), "image/png")
    client.post("/tickets/new/", {**form_data(question_topic), "attachments": upload})
    ticket = Ticket.objects.get(user=customer)
    attachment = ticket.messages.get().attachments.get()

    path = attachment.file.path
    assert path.startswith(str(settings.CARE_PRIVATE_ROOT)) and not path.startswith(str(settings.MEDIA_ROOT))
    url = f"/accounts/tickets/{ticket.reference}/files/{attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    assert "sandbox" in response["Content-Security-Policy"]

    stranger = Client()
    stranger.force_login(CustomerFactory())
    assert stranger.get(url).status_code == 404


def test_the_rate_limit_refuses_a_flood_of_tickets(client, question_topic, settings):
    settings.CARE_TICKET_RATE = "2/h"
    client.force_login(CustomerFactory())

    statuses = [client.post("/tickets/new/", form_data(question_topic)).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert Ticket.objects.filter(subject="Where is it?").count() == 2


def test_a_guest_opens_a_ticket_and_follows_it_by_the_emailed_link(
    client, question_topic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/tickets/new/", form_data(question_topic, name="Gil Guest", email="gil@example.com", website="")
        )

    ticket = Ticket.objects.get(guest_email="gil@example.com")
    # The signed link carries the second it was made in: the view's and the mail's are the ones to compare.
    link = response["Location"]
    assert link.startswith("/tickets/follow/") and link.split(":")[0] == guest_links.guest_path(ticket).split(":")[0]
    assert ticket.user is None and ticket.guest_name == "Gil Guest"
    sent = mail.outbox[-1]
    assert sent.to == ["gil@example.com"] and link.split(":")[0] in sent.body

    page = Client().get(link)
    assert page.status_code == 200 and "Please tell me." in page.content.decode()
    reply = Client().post(link, {"body": "More details", "submission": uuid.uuid4()})
    assert reply.status_code == 302
    assert ticket.messages.filter(body="More details", author_kind="customer").exists()


def test_a_guest_cannot_link_an_order_even_by_its_number(client, question_topic):
    order = OrderFactory()
    client.post("/tickets/new/", form_data(question_topic, name="G", email="g@example.com", order=order.number))

    assert Ticket.objects.get(guest_email="g@example.com").order is None


def test_the_honeypot_refuses_a_robot(client, question_topic):
    response = client.post(
        "/tickets/new/", form_data(question_topic, name="Bot", email="bot@example.com", website="http://spam")
    )

    assert response.status_code == 400
    assert "We could not accept this form. Please try again." in response.content.decode()
    assert not Ticket.objects.filter(guest_email="bot@example.com").exists()


def test_a_guest_is_limited_per_address_too(client, question_topic, settings):
    settings.CARE_TICKET_RATE = "1/h"
    first = client.post("/tickets/new/", form_data(question_topic, name="G", email="g@example.com"))
    other_network = Client(REMOTE_ADDR="198.51.100.7")
    second = other_network.post("/tickets/new/", form_data(question_topic, name="G", email="G@example.com "))

    assert (first.status_code, second.status_code) == (302, 429)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/tickets/{reference}/",
        "/accounts/tickets/{lower}/",
        "/accounts/tickets/{reference}/files/1/",
    ],
)
def test_another_customers_ticket_is_not_found(client, question_topic, url):
    ticket = ticket_of(CustomerFactory(), question_topic)
    client.force_login(CustomerFactory())

    response = client.get(url.format(reference=ticket.reference, lower=ticket.reference.lower()))
    assert response.status_code == 404
    assert client.post(url.format(reference=ticket.reference, lower=ticket.reference), {"body": "x"}).status_code == 404
    assert ticket.messages.count() == 1


def test_a_guest_link_that_is_guessed_or_altered_is_not_found(client, question_topic):
    guest = services.open_ticket(topic=question_topic, guest_email="g@example.com", subject="s", body="b")[0]
    member = ticket_of(CustomerFactory(), question_topic)
    token = guest_links.token_for(guest)

    assert client.get(f"/tickets/follow/{token}/").status_code == 200
    for guessed in (guest.reference, token[:-1] + ("A" if token[-1] != "A" else "B"), guest_links.token_for(member)):
        assert client.get(f"/tickets/follow/{guessed}/").status_code == 404


def test_ticket_pages_need_a_signed_in_customer(client, question_topic):
    ticket = ticket_of(CustomerFactory(), question_topic)
    for url in ("/accounts/tickets/", f"/accounts/tickets/{ticket.reference}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_csrf_is_enforced_on_opening_and_replying(question_topic):
    customer = CustomerFactory()
    ticket = ticket_of(customer, question_topic)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer)

    assert browser.post("/tickets/new/", form_data(question_topic)).status_code == 403
    assert browser.post(f"/accounts/tickets/{ticket.reference}/", {"body": "x"}).status_code == 403
    assert (
        Client(enforce_csrf_checks=True)
        .post("/tickets/new/", form_data(question_topic, name="G", email="g@example.com"))
        .status_code
        == 403
    )
    assert Ticket.objects.filter(subject="Where is it?").count() == 0


def test_the_order_page_asks_about_the_order_and_each_line(client):
    customer = CustomerFactory()
    order = OrderFactory(user=customer)
    line = order.lines.first()
    client.force_login(customer)

    html = client.get(f"/accounts/orders/{order.number}/").content.decode()

    assert f'href="/tickets/new/?order={order.number}">Ask about this order</a>' in html
    assert f'href="/tickets/new/?order={order.number}&amp;line={line.pk}"' in html


def test_the_guest_form_hides_its_trap_once(client):
    html = client.get("/tickets/new/").content.decode()

    assert html.count('name="website"') == 1
    assert '<div class="care-trap" hidden>' in html


def test_the_customer_reads_waiting_as_waiting_for_them(client, question_topic):
    customer = CustomerFactory()
    ticket = ticket_of(customer, question_topic)
    services.reply(ticket=ticket, body="Which colour?", author_kind=Author.STAFF, author=StaffFactory())
    client.force_login(customer)

    assert "Waiting for you" in client.get("/accounts/tickets/").content.decode()
    assert "Waiting for you" in client.get(f"/accounts/tickets/{ticket.reference}/").content.decode()


def test_a_ticket_marks_the_visitors_help_searches_as_ended_in_a_ticket(client, question_topic):
    client.force_login(CustomerFactory())
    session = client.session
    session[SESSION_KEY] = "visitor-token"
    session.save()
    request = type("Request", (), {"session": {SESSION_KEY: "visitor-token"}})()
    searched = SearchRecord.objects.create(query="sofa legs", results_count=0, visitor=visitor_hash(request))
    someone_else = SearchRecord.objects.create(query="sofa legs", results_count=0, visitor="another")

    client.post("/tickets/new/", form_data(question_topic))

    searched.refresh_from_db()
    someone_else.refresh_from_db()
    assert searched.ended_in_ticket_at is not None
    assert someone_else.ended_in_ticket_at is None
