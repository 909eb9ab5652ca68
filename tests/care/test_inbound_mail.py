"""E-mail replies: the signed Reply-To on care's e-mails, and a reply e-mail coming back into its ticket once."""

import base64
import io
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from care import reply_address, services
from care.mail_text import html_to_text, reply_text
from care.models import Author, State, TicketEvent, TicketMessage
from care.services import inbound
from tests.care.conftest import make_topic
from tests.care.test_customer_pages import png_bytes
from tests.factories import CustomerFactory, StaffFactory
from tests.helpers import at_once

pytestmark = pytest.mark.django_db

QUOTED = """\
Yes, the left arm is scratched. Photo attached.

Thanks,
Ada

On Mon, 7 Dec 2026 at 10:02, Atelier customer care <hello@atelier.example>
wrote:
> There is an answer on your ticket:
> Could you send us a photo?
-- 
Ada Lovelace, Analytical Engines Ltd
"""  # noqa: W291 -- the signature separator is "-- " with its space


@pytest.fixture
def waiting_ticket(question_topic, django_capture_on_commit_callbacks):
    """Ada's ticket, answered by staff: waiting for her, its e-mails sent."""
    customer = CustomerFactory(email="ada.l@mail.example.com", first_name="Ada")
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _created = services.open_ticket(topic=question_topic, user=customer, subject="Scratch", body="Hi")
        services.reply(
            ticket=ticket, body="Could you send us a photo?", author_kind=Author.STAFF, author=StaffFactory()
        )
    assert ticket.state == State.WAITING
    mail.outbox.clear()
    return ticket


def reply_mail(ticket, *, text=QUOTED, sender=None, to=None, html=None, files=(), message_id=None, **headers):
    message = EmailMessage()
    message["From"] = sender or f"Ada Lovelace <{ticket.customer_email}>"
    message["To"] = to or f"Atelier customer care <{reply_address.address_for(ticket)}>"
    message["Subject"] = f"Re: {ticket.subject} [{ticket.reference}]"
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.com")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    else:
        message.set_content(html, subtype="html")
    for name, data, maintype, subtype in files:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def customer_messages(ticket):
    return list(TicketMessage.objects.filter(ticket=ticket, author_kind=Author.CUSTOMER).order_by("pk"))


# --- The signed reply address ---------------------------------------------------------------


def test_every_ticket_email_carries_the_tickets_signed_reply_address(
    question_topic, django_capture_on_commit_callbacks
):
    customer = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _created = services.open_ticket(topic=question_topic, user=customer, subject="Legs", body="How tall?")
        services.reply(ticket=ticket, body="72 cm.", author_kind=Author.STAFF, author=StaffFactory())

    assert [sent.subject.split(":")[0] for sent in mail.outbox] == [f"We have your question {ticket.reference}", "Re"]
    for sent in mail.outbox:
        assert sent.from_email == settings.OSCAR_FROM_EMAIL  # the From is the shop's, as before
        [address] = sent.reply_to
        assert address.startswith(f"care+{ticket.reference}-")
        assert address.endswith(f"@{settings.CARE_REPLY_DOMAIN}")
        assert sent.message()["Reply-To"] == address
        assert reply_address.reference_in(address) == ticket.reference
        assert "You can also answer this e-mail" in sent.body or "Answer this e-mail to reply" in sent.body


def test_a_tampered_or_another_tickets_signature_does_not_verify(question_topic):
    ada, bob = CustomerFactory(), CustomerFactory()
    mine = services.open_ticket(topic=question_topic, user=ada, subject="a", body="a")[0]
    theirs = services.open_ticket(topic=question_topic, user=bob, subject="b", body="b")[0]
    address = reply_address.address_for(mine)
    local, _at, domain = address.partition("@")
    signature = local.rsplit("-", 1)[1]
    flipped = signature[:-1] + ("a" if signature[-1] != "a" else "b")
    their_signature = reply_address.address_for(theirs).partition("@")[0].rsplit("-", 1)[1]

    assert reply_address.reference_in(address.upper()) == mine.reference  # mail systems may change the case
    for forged in (
        f"care+{mine.reference}-{flipped}@{domain}",
        f"care+{mine.reference}-{their_signature}@{domain}",
        f"care+{theirs.reference}-{signature}@{domain}",
        f"care+{mine.reference}-{signature}@elsewhere.example",
        f"care+{mine.reference}@{domain}",
        f"care+{mine.reference}-{signature[:-2]}@{domain}",
        "",
    ):
        assert reply_address.reference_in(forged) is None, forged


def test_no_reply_domain_means_no_reply_to(settings, question_topic, django_capture_on_commit_callbacks):
    settings.CARE_REPLY_DOMAIN = ""
    with django_capture_on_commit_callbacks(execute=True):
        services.open_ticket(topic=question_topic, user=CustomerFactory(), subject="s", body="b")

    assert mail.outbox[0].reply_to == []
    assert "answer this e-mail" not in mail.outbox[0].body.lower()


# --- Replies coming back ----------------------------------------------------------------------


def test_a_multipart_reply_with_quoted_history_and_a_photo_lands_as_one_message(waiting_ticket, client):
    raw = reply_mail(
        waiting_ticket,
        html="<p>Yes, the left arm is scratched.</p><blockquote>Could you send us a photo?</blockquote>",
        files=[("arm.png", png_bytes(), "image", "png")],
    )

    outcome = inbound.receive_reply_mail(raw=raw)

    assert (outcome.code, outcome.text) == (
        "added",
        f"Added to ticket {waiting_ticket.reference}; attachments kept: 1, not kept: 0.",
    )
    [message] = customer_messages(waiting_ticket)[1:]
    assert message.body == "Yes, the left arm is scratched. Photo attached.\n\nThanks,\nAda"
    assert message.author == waiting_ticket.user and not message.internal
    assert message.email_message_id.endswith("@mail.example.com>")
    [attachment] = message.attachments.all()
    assert (attachment.name, attachment.content_type, attachment.size) == ("arm.png", "image/png", len(png_bytes()))
    assert attachment.file.read() == png_bytes()
    waiting_ticket.refresh_from_db()
    assert waiting_ticket.state == State.OPEN  # her answer brings it back to staff
    assert TicketEvent.objects.filter(ticket=waiting_ticket, kind="state", after="Open").count() == 1
    assert mail.outbox == []  # a customer's own message is not mailed back to her

    client.force_login(waiting_ticket.user)
    page = client.get(f"/accounts/tickets/{waiting_ticket.reference}/").content.decode()
    assert "Yes, the left arm is scratched. Photo attached." in page
    assert ">arm.png</a>" in page


def test_the_same_message_delivered_again_adds_nothing(waiting_ticket):
    raw = reply_mail(waiting_ticket, files=[("arm.png", png_bytes(), "image", "png")])

    first = inbound.receive_reply_mail(raw=raw)
    again = inbound.receive_reply_mail(raw=raw)

    assert (first.code, again.code) == ("added", "duplicate")
    assert again.text == f"This e-mail was already added to ticket {waiting_ticket.reference}."
    assert again.message == first.message
    assert len(customer_messages(waiting_ticket)) == 2
    assert first.message.attachments.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_the_same_message_delivered_four_times_at_once_adds_one_message(committed_demo_shop):
    customer = CustomerFactory(email="ada.l@mail.example.com")
    ticket = services.open_ticket(topic=make_topic("test-question"), user=customer, subject="Scratch", body="Hi")[0]
    raw = reply_mail(ticket, text="At once.")

    outcomes = at_once(lambda _: inbound.receive_reply_mail(raw=raw), range(4))

    assert sorted(getattr(o, "code", repr(o)) for o in outcomes) == ["added", "duplicate", "duplicate", "duplicate"]
    assert [m.body for m in customer_messages(ticket)] == ["Hi", "At once."]


def test_a_resolved_ticket_is_reopened_by_a_reply(waiting_ticket):
    services.change_state(ticket=waiting_ticket, to_state=State.RESOLVED, expected_state=State.WAITING)

    assert inbound.receive_reply_mail(raw=reply_mail(waiting_ticket)).code == "added"

    waiting_ticket.refresh_from_db()
    assert (waiting_ticket.state, waiting_ticket.resolved_at) == (State.OPEN, None)


def test_a_guest_replies_from_their_address_in_any_case(question_topic):
    ticket = services.open_ticket(
        topic=question_topic, guest_email="Grace@Example.com", guest_name="Grace", subject="Fabric", body="Wool?"
    )[0]

    outcome = inbound.receive_reply_mail(raw=reply_mail(ticket, text="Or linen?", sender="GRACE@example.COM"))

    assert outcome.code == "added"
    assert [m.body for m in customer_messages(ticket)] == ["Wool?", "Or linen?"]
    assert customer_messages(ticket)[1].author is None


def test_a_forged_signature_is_refused_and_never_answered(waiting_ticket):
    good = reply_address.address_for(waiting_ticket)
    forged = good.replace(good.partition("@")[0][-4:], "aaaa")

    outcome = inbound.receive_reply_mail(raw=reply_mail(waiting_ticket, to=forged))

    assert (outcome.code, outcome.text) == ("address", "The e-mail is not addressed to a valid ticket reply address.")
    assert len(customer_messages(waiting_ticket)) == 1
    assert mail.outbox == []


def test_the_address_may_come_in_delivered_to_when_the_customer_used_bcc(waiting_ticket):
    raw = reply_mail(waiting_ticket, to="someone@example.org", Delivered_To=reply_address.address_for(waiting_ticket))

    assert inbound.receive_reply_mail(raw=raw).code == "added"


def test_another_sender_is_refused(waiting_ticket):
    outcome = inbound.receive_reply_mail(raw=reply_mail(waiting_ticket, sender="Mallory <mallory@example.com>"))

    assert (outcome.code, outcome.text) == (
        "sender",
        f"The sender is not the customer of ticket {waiting_ticket.reference}.",
    )
    assert len(customer_messages(waiting_ticket)) == 1
    assert mail.outbox == []


def test_a_closed_ticket_refuses_and_tells_the_real_sender_once(waiting_ticket):
    services.change_state(ticket=waiting_ticket, to_state=State.CLOSED, expected_state=State.WAITING)
    forged_sender = reply_mail(waiting_ticket, sender="mallory@example.com")
    raw = reply_mail(waiting_ticket)

    assert inbound.receive_reply_mail(raw=forged_sender).code == "sender"
    assert mail.outbox == []  # never to a sender who is not the customer

    outcome = inbound.receive_reply_mail(raw=raw)
    again = inbound.receive_reply_mail(raw=raw)

    assert (outcome.code, outcome.text) == (
        "closed",
        f"Ticket {waiting_ticket.reference} is closed; the e-mail was not added and the customer was told "
        "how to open a new one.",
    )
    assert (again.code, again.text) == (
        "closed",
        f"Ticket {waiting_ticket.reference} is closed; the e-mail was not added.",
    )
    assert len(customer_messages(waiting_ticket)) == 1
    [notice] = mail.outbox
    assert notice.to == ["ada.l@mail.example.com"]
    assert notice.subject == f"Ticket {waiting_ticket.reference} is closed: your e-mail was not added"
    assert "please open a new ticket and mention" in notice.body
    assert "https://" in notice.body and "/tickets/new/" in notice.body
    assert notice.extra_headers["Auto-Submitted"] == "auto-replied"
    assert notice.reply_to == []  # answering the notice does not reach the closed ticket again


def test_an_html_only_mail_is_stored_as_text_and_shown_escaped(waiting_ticket, client):
    html = (
        "<html><head><style>p {color: red}</style></head><body>"
        "<p>Is &lt;b&gt;this&lt;/b&gt; bold?</p><script>alert('x')</script><p>Ada</p></body></html>"
    )

    outcome = inbound.receive_reply_mail(raw=reply_mail(waiting_ticket, text=None, html=html))

    assert outcome.code == "added"
    assert outcome.message.body == "Is <b>this</b> bold?\n\nAda"
    client.force_login(waiting_ticket.user)
    page = client.get(f"/accounts/tickets/{waiting_ticket.reference}/").content.decode()
    assert "Is &lt;b&gt;this&lt;/b&gt; bold?" in page
    assert "alert(" not in page


def test_an_oversize_or_unaccepted_attachment_is_dropped_with_a_note(settings, waiting_ticket):
    settings.CARE_ATTACHMENT_MAX_BYTES = 1024
    big = b"%PDF-1.4\n" + b"0" * 2048
    raw = reply_mail(
        waiting_ticket,
        text="Here are the papers.",
        files=[("delivery.pdf", big, "application", "pdf"), ("notes.docx", b"PK\x03\x04", "application", "msword")],
    )

    outcome = inbound.receive_reply_mail(raw=raw)

    assert outcome.text == f"Added to ticket {waiting_ticket.reference}; attachments kept: 0, not kept: 2."
    assert outcome.message.body == (
        "Here are the papers.\n\n"
        "Not attached: delivery.pdf is 2.0\xa0KB; files can be at most 1.0\xa0KB.\n\n"
        "Not attached: notes.docx is not a photo or a PDF. Please send JPEG, PNG or WebP images, or PDF documents."
    )
    assert outcome.message.attachments.count() == 0


def test_more_files_than_a_message_takes_keep_the_first(settings, waiting_ticket):
    settings.CARE_ATTACHMENTS_PER_MESSAGE = 1
    raw = reply_mail(
        waiting_ticket,
        text="Two photos.",
        files=[("one.png", png_bytes(), "image", "png"), ("two.png", png_bytes(), "image", "png")],
    )

    outcome = inbound.receive_reply_mail(raw=raw)

    assert list(outcome.message.attachments.values_list("name", flat=True)) == ["one.png"]
    assert outcome.message.body == "Two photos.\n\nNot attached: two.png (at most 1 files a message)."


@pytest.mark.parametrize("raw", [b"", b"\x00\xff\xfe\x81 not a message", b"From: \r\n\r\n\xff"])
def test_malformed_bytes_are_refused(raw, waiting_ticket):
    before = TicketMessage.objects.count()

    outcome = inbound.receive_reply_mail(raw=raw)

    assert (outcome.code, outcome.accepted) == ("malformed", False)
    assert outcome.text.startswith("The message could not be read as an e-mail")
    assert TicketMessage.objects.count() == before
    assert mail.outbox == []


def test_a_reply_with_nothing_but_the_quoted_history_is_refused(waiting_ticket):
    text = "On Mon, 7 Dec 2026, Atelier <hello@atelier.example> wrote:\n> Could you send us a photo?\n"

    outcome = inbound.receive_reply_mail(raw=reply_mail(waiting_ticket, text=text))

    assert (outcome.code, outcome.text) == (
        "empty",
        "The e-mail has no text of its own once the quoted history and signature are removed.",
    )
    assert len(customer_messages(waiting_ticket)) == 1
    waiting_ticket.refresh_from_db()
    assert waiting_ticket.state == State.WAITING


def test_a_reply_longer_than_anyone_types_is_refused_not_cut(waiting_ticket):
    outcome = inbound.receive_reply_mail(raw=reply_mail(waiting_ticket, text="word " * 4001))

    assert (outcome.code, outcome.text) == (
        "too_long",
        "The e-mail is longer than 20000 characters; please shorten it or answer on the ticket's page.",
    )
    assert len(customer_messages(waiting_ticket)) == 1


def test_an_out_of_office_answer_is_not_added(waiting_ticket):
    raw = reply_mail(waiting_ticket, text="I am away until Monday.", Auto_Submitted="auto-replied")

    assert inbound.receive_reply_mail(raw=raw).code == "automatic"
    assert len(customer_messages(waiting_ticket)) == 1


def test_the_customers_words_without_history_or_signature():
    wrapped = "Fine by me.\n\nOn Mon, 7 Dec 2026 at 10:02, Atelier customer care <\ncare+x@y> wrote:\n> old\n"
    outlook = "Thursday works.\n\n-----Original Message-----\nFrom: Atelier\nSent: Monday\n\nold text"
    interleaved = "> When can we come?\nThursday.\n> Which address?\nThe shop.\n"

    assert reply_text(wrapped) == "Fine by me."
    assert reply_text(outlook) == "Thursday works."
    assert reply_text(interleaved) == "Thursday.\nThe shop."
    assert reply_text("Only this.\n-- \nAda\n") == "Only this."
    assert reply_text("Gern.\n\nAm Mo., 7. Dez. 2026 um 10:02 Uhr schrieb Atelier <a@b>:\n> alt") == "Gern."
    assert reply_text("Merci.\n\nLe lun. 7 déc. 2026 à 10:02, Atelier <a@b> a écrit :\n> ancien") == "Merci."
    assert reply_text("On Tuesday we wrote to you.\nThanks.") == "On Tuesday we wrote to you.\nThanks."
    assert html_to_text("<div>One<br>Two</div><div>&amp; three</div>") == "One\nTwo\n& three"


# --- The endpoint -----------------------------------------------------------------------------

ENDPOINT = "/care/inbound-mail/"


def post(client, raw, **headers):
    return client.post(ENDPOINT, data=raw, content_type="message/rfc822", **headers)


def test_the_endpoint_is_off_without_a_secret(settings, client, waiting_ticket):
    settings.CARE_INBOUND_MAIL_SECRET = ""

    response = post(client, reply_mail(waiting_ticket), HTTP_AUTHORIZATION="Bearer ")

    assert response.status_code == 404
    assert client.get(ENDPOINT).status_code == 404
    assert len(customer_messages(waiting_ticket)) == 1


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "Bearer s3cret-and-more", "Basic !!", "s3cret"])
def test_the_endpoint_refuses_a_missing_or_wrong_secret(settings, client, waiting_ticket, authorization):
    settings.CARE_INBOUND_MAIL_SECRET = "s3cret"
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = post(client, reply_mail(waiting_ticket), **headers)

    assert (response.status_code, response.content) == (403, b"forbidden: wrong or missing secret\n")
    assert len(customer_messages(waiting_ticket)) == 1


def test_the_endpoint_adds_a_posted_reply_once(settings, waiting_ticket):
    from django.test import Client

    settings.CARE_INBOUND_MAIL_SECRET = "s3cret"
    client = Client(enforce_csrf_checks=True)  # a provider has no CSRF token
    raw = reply_mail(waiting_ticket, text="Thursday is fine.")
    basic = "Basic " + base64.b64encode(b"inbound:s3cret").decode()

    first = post(client, raw, HTTP_AUTHORIZATION="Bearer s3cret")
    again = post(client, raw, HTTP_AUTHORIZATION=basic)

    assert (first.status_code, first.content.decode()) == (
        201,
        f"added: Added to ticket {waiting_ticket.reference}; attachments kept: 0, not kept: 0.\n",
    )
    assert (again.status_code, again.content.decode()) == (
        200,
        f"duplicate: This e-mail was already added to ticket {waiting_ticket.reference}.\n",
    )
    assert [m.body for m in customer_messages(waiting_ticket)] == ["Hi", "Thursday is fine."]


def test_the_endpoint_refuses_with_the_reason_and_limits_the_size(settings, client, waiting_ticket):
    settings.CARE_INBOUND_MAIL_SECRET = "s3cret"
    auth = {"HTTP_AUTHORIZATION": "Bearer s3cret"}

    refused = post(client, reply_mail(waiting_ticket, sender="mallory@example.com"), **auth)
    settings.CARE_INBOUND_MAIL_MAX_BYTES = 1000
    too_big = post(client, reply_mail(waiting_ticket, text="x" * 2000), **auth)
    wrong_method = client.get(ENDPOINT, **auth)

    assert (refused.status_code, refused.content.decode()) == (
        422,
        f"refused (sender): The sender is not the customer of ticket {waiting_ticket.reference}.\n",
    )
    assert (too_big.status_code, too_big.content) == (413, b"refused (too large): the message is over 1000 bytes\n")
    assert wrong_method.status_code == 405
    assert len(customer_messages(waiting_ticket)) == 1


def test_the_endpoint_takes_a_message_larger_than_a_forms_limit(settings, client, waiting_ticket):
    settings.CARE_INBOUND_MAIL_SECRET = "s3cret"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # Django's limit for form bodies, 5 MB in production
    raw = reply_mail(
        waiting_ticket, text="Photo attached.", files=[("arm.png", png_bytes() + b"\0" * 2000, "image", "png")]
    )
    assert len(raw) > 3000

    response = post(client, raw, HTTP_AUTHORIZATION="Bearer s3cret")

    assert response.status_code == 201, response.content
    assert customer_messages(waiting_ticket)[-1].attachments.count() == 1


# --- The command ----------------------------------------------------------------------------------


def test_the_command_reads_a_message_from_stdin(waiting_ticket):
    out = io.StringIO()

    call_command("care_inbound_mail", stdin=io.BytesIO(reply_mail(waiting_ticket, text="By pipe.")), stdout=out)

    assert out.getvalue() == f"added: Added to ticket {waiting_ticket.reference}; attachments kept: 0, not kept: 0.\n"
    assert customer_messages(waiting_ticket)[-1].body == "By pipe."


def test_the_command_reads_a_file_and_exits_with_the_mtas_codes(waiting_ticket, tmp_path):
    forged = tmp_path / "forged.eml"
    forged.write_bytes(reply_mail(waiting_ticket, to="care+T-AAAAAA-aaaaaaaaaaaaaaaa@reply.atelier.example"))
    stranger = tmp_path / "stranger.eml"
    stranger.write_bytes(reply_mail(waiting_ticket, sender="mallory@example.com"))

    with pytest.raises(CommandError) as unknown:
        call_command("care_inbound_mail", str(forged))
    with pytest.raises(CommandError) as refused:
        call_command("care_inbound_mail", str(stranger))
    with pytest.raises(CommandError) as missing:
        call_command("care_inbound_mail", str(tmp_path / "nothing.eml"))

    assert (unknown.value.returncode, str(unknown.value)) == (
        67,
        "refused (address): The e-mail is not addressed to a valid ticket reply address.",
    )
    assert (refused.value.returncode, str(refused.value)) == (
        65,
        f"refused (sender): The sender is not the customer of ticket {waiting_ticket.reference}.",
    )
    assert missing.value.returncode == 66
    assert len(customer_messages(waiting_ticket)) == 1
