"""Returns and warranty claims: a customer files one from the hub's order page with photos, an RMA and
a return label; staff decide it once in the care console; a remake or repair becomes a work order, a
refund goes through the portal's refund path; each step is on the order's timeline and e-mailed."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import OrderStatus
from care.claims import services
from care.claims.models import Claim, ClaimEvent, ClaimStep
from care.claims.rules import ClaimRefused
from care.models import Author, EventKind, Remake, TicketAttachment
from production.models import WorkOrder
from tests.care.test_customer_pages import png_bytes
from tests.factories import CustomerFactory, OrderFactory, StaffFactory, StockedProductFactory
from tests.helpers import at_once

pytestmark = pytest.mark.django_db

OrderStatusChange = get_model("order", "OrderStatusChange")
TOTE = ("printed-tote", {"print_text": "Leeds allotment society", "ink": "clay"})
AGENT = "care@atelier.example"


def delivered_order(days_ago=3, **kwargs):
    """An order delivered `days_ago` days ago: two printed totes (made to order) and a stocked item."""
    placed = timezone.now() - timedelta(days=days_ago + 4)
    order = OrderFactory(
        configured=[(*TOTE, 2)], lines=[(StockedProductFactory(), 1)], status=OrderStatus.DELIVERED, placed=placed
    )
    OrderStatusChange.objects.filter(order=order, new_status=OrderStatus.DELIVERED).update(
        date_created=timezone.now() - timedelta(days=days_ago)
    )
    return order


def tote_of(order):
    return order.lines.get(title__icontains="tote")


def stocked_of(order):
    return order.lines.exclude(title__icontains="tote").get()


def photo(name="fault.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type=content_type)


def claim_url(order, line):
    return f"/accounts/claims/new/{order.number}/{line.pk}/"


def post_claim(client, order, line, kind, *, photos=None, **data):
    fields = {
        "kind": kind,
        "quantity": 1,
        "reason": "The print peels at the corner",
        "submission": str(uuid.uuid4()),
        **data,
    }
    fields["photos"] = [photo()] if photos is None else photos
    return client.post(claim_url(order, line), fields)


def file(order, line, kind="warranty", **extra):
    return services.file_claim(
        user=order.user,
        order=order,
        line=line,
        kind=kind,
        reason=extra.pop("reason", "The print peels at the corner"),
        quantity=extra.pop("quantity", 1),
        photos=extra.pop("photos", ()),
        submission_key=extra.pop("submission_key", uuid.uuid4()),
        **extra,
    )


@pytest.fixture
def order():
    return delivered_order()


@pytest.fixture
def owner(client, order):
    client.force_login(order.user)
    return client


@pytest.fixture
def agent(django_user_model):
    return django_user_model.objects.get(email=AGENT)


# --- filing -----------------------------------------------------------------------------------------


def test_a_warranty_claim_with_a_photo_gets_an_rma_a_complaint_ticket_a_label_and_one_mail(
    owner, order, django_capture_on_commit_callbacks
):
    tote = tote_of(order)
    assert "Warranty claim for" in owner.get(f"/accounts/orders/{order.number}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = post_claim(owner, order, tote, "warranty")

    assert response.status_code == 302 and response["Location"] == f"/accounts/orders/{order.number}/"
    claim = Claim.objects.get()
    assert claim.rma.startswith("RMA-") and len(claim.rma) == 10
    assert (claim.kind, claim.line, claim.quantity, claim.user, claim.decision) == ("warranty", tote, 1, order.user, "")
    ticket = claim.ticket
    assert ticket.topic.is_complaint and ticket.line == tote and ticket.order == order
    [attachment] = TicketAttachment.objects.filter(message=claim.message)
    assert attachment.content_type == "image/png"
    assert not attachment.file.name.startswith("fault")  # a random name in private storage
    with pytest.raises(ValueError, match="no public URL"):
        attachment.file.url  # noqa: B018 - no public URL
    assert list(claim.events.values_list("step", flat=True)) == [ClaimStep.FILED]
    # One e-mail: the claim's, with the label; not the ticket's own acknowledgement as well.
    [message] = mail.outbox
    assert message.subject == f"We have your claim {claim.rma}"
    assert ticket.reference in message.body and f"/accounts/claims/{claim.rma}/label/" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"return-label-{claim.rma}.pdf", "application/pdf") and content[:5] == b"%PDF-"
    # The order page shows it, with its label, photo and timeline step.
    page = owner.get(f"/accounts/orders/{order.number}/").content.decode()
    assert f"Warranty claim {claim.rma}" in page and "Waiting for our decision." in page
    assert f"Warranty claim {claim.rma} filed for {tote.title}" in page
    assert f"/accounts/tickets/{ticket.reference}/files/{attachment.pk}/" in page


def test_a_return_of_stocked_goods_opens_a_returns_ticket_without_a_photo(owner, order):
    item = stocked_of(order)

    response = post_claim(owner, order, item, "return", photos=[])

    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.kind, claim.ticket.topic.slug, claim.ticket.topic.is_complaint) == ("return", "returns", False)


def test_the_label_is_a_pdf_for_the_owner_and_staff_and_404_for_anyone_else(owner, order, agent):
    claim, _ = file(order, tote_of(order))

    response = owner.get(f"/accounts/claims/{claim.rma}/label/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")

    other = Client()
    other.force_login(CustomerFactory())
    assert other.get(f"/accounts/claims/{claim.rma}/label/").status_code == 404
    staff = Client()
    staff.force_login(agent)
    assert staff.get(f"/dashboard/care/claims/{claim.rma}/label/").status_code == 200
    assert Client().get(f"/accounts/claims/{claim.rma}/label/").status_code == 302


def test_a_claim_joins_the_customers_open_complaint_about_the_item(order, complaint_topic):
    from care import services as care_services

    tote = tote_of(order)
    ticket, _ = care_services.open_ticket(
        topic=complaint_topic, user=order.user, subject="Peeling", body="It peels.", line=tote
    )

    claim, _ = file(order, tote)

    assert claim.ticket == ticket and claim.message.ticket == ticket
    assert ticket.messages.count() == 2


# --- bad input ----------------------------------------------------------------------------------------


def test_a_warranty_claim_after_the_warranty_is_refused(client, settings):
    order = delivered_order(days_ago=settings.CARE_WARRANTY_DAYS + 1)
    client.force_login(order.user)

    response = post_claim(client, order, tote_of(order), "warranty")

    assert response.status_code == 409
    assert "The warranty on" in response.content.decode() and "ran out on" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_return_after_the_window_is_refused_and_not_offered(client):
    order = delivered_order(days_ago=15)
    client.force_login(order.user)
    item = stocked_of(order)

    with pytest.raises(ClaimRefused) as refused:
        file(order, item, kind="return")

    assert str(refused.value).startswith(f"The 14-day return window for {item.title} closed on ")
    page = client.get(f"/accounts/orders/{order.number}/").content.decode()
    assert f"Return {item.title}" not in page and "Warranty claim for" in page  # the tote still has its warranty
    assert f"The 14-day return window for {item.title} closed on " in page


def test_a_return_of_a_made_to_order_item_is_refused(owner, order):
    tote = tote_of(order)

    response = post_claim(owner, order, tote, "return")

    assert response.status_code == 409
    assert f"{tote.title} was made to order for you, so it cannot be returned." in response.content.decode()
    assert not Claim.objects.exists()


def test_a_warranty_claim_for_stocked_goods_is_refused(order):
    with pytest.raises(ClaimRefused, match="is stocked goods: send it back as a return within 14 days"):
        file(order, stocked_of(order), kind="warranty")


def test_an_order_not_delivered_yet_cannot_be_claimed(client):
    order = OrderFactory(configured=[(*TOTE, 1)], status=OrderStatus.SHIPPED)

    with pytest.raises(ClaimRefused, match="open once the order is delivered"):
        file(order, order.lines.get())


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_elses_order_is_404(client, order, method):
    client.force_login(CustomerFactory())

    if method == "get":
        response = client.get(claim_url(order, tote_of(order)))
    else:
        response = post_claim(client, order, tote_of(order), "warranty")

    assert response.status_code == 404
    assert not Claim.objects.exists()


def test_a_line_of_another_order_is_404(owner, order):
    other_line = delivered_order().lines.first()

    assert owner.get(f"/accounts/claims/new/{order.number}/{other_line.pk}/").status_code == 404


def test_anonymous_must_sign_in(client, order):
    response = client.get(claim_url(order, tote_of(order)))

    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    ("photos", "words"),
    [
        ([photo("fault.png", b"not a png at all")], "fault.png is not a photo or a PDF"),
        ([photo("fault.png", b"\x89PNG\r\n\x1a\n" + b"0" * 40)], "fault.png could not be read as an image."),
        ([photo("doc.pdf", b"%PDF-1.4 hello", "application/pdf")], "doc.pdf is not a photo."),
        ([photo(f"p{n}.png") for n in range(5)], "Please attach at most 4 photos."),
        ([], "Please add at least one photo of the fault"),
    ],
    ids=["wrong-type", "fake-png", "pdf", "too-many", "none"],
)
def test_a_tampered_upload_is_refused_and_files_nothing(owner, order, photos, words):
    response = post_claim(owner, order, tote_of(order), "warranty", photos=photos)

    assert response.status_code == 422
    assert words in response.content.decode()
    assert not Claim.objects.exists() and not TicketAttachment.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(owner, order, settings):
    settings.CARE_ATTACHMENT_MAX_BYTES = 50

    response = post_claim(owner, order, tote_of(order), "warranty")

    assert response.status_code == 422
    assert "fault.png is" in response.content.decode() and "files can be at most 50" in response.content.decode()
    assert not Claim.objects.exists()


@pytest.mark.parametrize("quantity", ["0", "3", "-1", "x"])
def test_a_quantity_out_of_range_is_refused(owner, order, quantity):
    response = post_claim(owner, order, tote_of(order), "warranty", quantity=quantity)

    assert response.status_code == 422
    assert not Claim.objects.exists()


def test_a_double_submit_files_one_claim(owner, order, django_capture_on_commit_callbacks):
    key = str(uuid.uuid4())

    with django_capture_on_commit_callbacks(execute=True):
        first = post_claim(owner, order, tote_of(order), "warranty", submission=key)
        second = post_claim(owner, order, tote_of(order), "warranty", submission=key)

    assert (first.status_code, second.status_code) == (302, 302)
    assert Claim.objects.count() == 1 and ClaimEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_second_claim_for_an_item_waiting_for_a_decision_is_refused(owner, order):
    claim, _ = file(order, tote_of(order))

    response = post_claim(owner, order, tote_of(order), "warranty")

    assert response.status_code == 409
    assert f"already has a claim waiting for our decision: {claim.rma}" in response.content.decode()
    assert Claim.objects.count() == 1


def test_someone_elses_submission_key_is_refused(order):
    claim, _ = file(order, tote_of(order))
    stranger = delivered_order()

    with pytest.raises(ClaimRefused, match="This form was already used"):
        file(stranger, tote_of(stranger), submission_key=claim.submission_key)


# --- deciding ------------------------------------------------------------------------------------------


def decide(client, claim, decision, reason="Print fault confirmed from the photo"):
    return client.post(f"/dashboard/care/claims/{claim.rma}/decide/", {"decision": decision, "reason": reason})


def test_a_remake_decision_is_a_work_order_linked_to_the_claim_told_by_mail_and_on_the_timeline(
    owner, order, agent, django_capture_on_commit_callbacks
):
    claim, _ = file(order, tote_of(order))
    staff = Client()
    staff.force_login(agent)
    assert "Decide" in staff.get(f"/dashboard/care/claims/{claim.rma}/").content.decode()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(staff, claim, "remake")

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.decision, claim.decided_by, claim.decision_reason) == (
        "remake",
        agent,
        "Print fault confirmed from the photo",
    )
    remake = Remake.objects.get()
    assert claim.remake == remake and remake.ticket == claim.ticket
    work_order = remake.work_order
    assert (work_order.kind, work_order.line, work_order.quantity) == ("remake", claim.line, 1)
    assert claim.ticket.events.filter(kind=EventKind.CLAIM, after="Remake").exists()
    [message] = mail.outbox
    assert message.subject == f"Our decision on your claim {claim.rma}"
    assert "The workshop will make" in message.body and "Print fault confirmed" in message.body
    page = owner.get(f"/accounts/orders/{order.number}/").content.decode()
    assert "Remake in production:" in page
    assert f"The workshop will make {claim.line.title} again for you ({claim.rma})" in page
    assert "Decided: Remake." in page


def test_a_refund_decision_for_a_stocked_return_is_refused_as_a_remake(agent, order):
    claim, _ = file(order, stocked_of(order), kind="return")

    with pytest.raises(ClaimRefused, match=r"A return cannot be decided as remake\."):
        services.decide_claim(claim=claim, decision="remake", reason="x", actor=agent)

    assert not Claim.objects.exclude(decision="").exists()


def test_deciding_twice_keeps_the_first_decision(agent, order, django_capture_on_commit_callbacks):
    claim, _ = file(order, tote_of(order))
    services.decide_claim(claim=claim, decision="reject", reason="Wear, not a fault", actor=agent)
    other = StaffFactory(first_name="Bo")

    with pytest.raises(ClaimRefused) as refused:
        services.decide_claim(claim=claim, decision="remake", reason="Fault", actor=other)

    assert str(refused.value) == f"{claim.rma} was already decided by {agent.get_full_name() or agent.email}: reject."
    claim.refresh_from_db()
    assert (claim.decision, claim.decided_by) == ("reject", agent)
    assert not WorkOrder.objects.filter(kind="remake").exists()
    assert claim.events.filter(step=ClaimStep.DECIDED).count() == 1


def test_the_console_shows_a_second_decision_refused(agent, order):
    claim, _ = file(order, tote_of(order))
    staff = Client()
    staff.force_login(agent)
    decide(staff, claim, "reject")

    response = decide(staff, claim, "repair")

    assert response.status_code == 302
    page = staff.get(response["Location"]).content.decode()
    assert "was already decided by" in page
    assert not Remake.objects.exists()


def test_a_rejection_needs_a_reason(agent, order):
    claim, _ = file(order, tote_of(order))
    staff = Client()
    staff.force_login(agent)

    response = decide(staff, claim, "reject", reason="   ")

    assert response.status_code == 422
    claim.refresh_from_db()
    assert claim.decision == ""


def _answer_only_agent():
    agent = StaffFactory()
    agent.groups.add(Group.objects.get(name="Customer service"))
    return agent


@pytest.mark.parametrize("who", ["customer", "answering agent", "anonymous"])
def test_only_staff_who_may_decide_claims_can(who, order, client):
    claim, _ = file(order, tote_of(order))
    if who == "customer":
        client.force_login(order.user)
    elif who == "answering agent":
        client.force_login(_answer_only_agent())

    response = decide(client, claim, "remake")

    if who == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    else:
        assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.decision == ""


def test_an_answering_agent_sees_the_claim_but_no_decision_form(order):
    claim, _ = file(order, tote_of(order))
    client = Client()
    client.force_login(_answer_only_agent())

    page = client.get(f"/dashboard/care/claims/{claim.rma}/").content.decode()
    listing = client.get("/dashboard/care/claims/").content.decode()

    assert claim.rma in listing and "data-decide-claim" not in page


def test_the_decision_needs_the_csrf_token(agent, order):
    claim, _ = file(order, tote_of(order))
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)

    assert decide(client, claim, "reject").status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_two_staff_deciding_at_once_make_one_decision_and_one_work_order(committed_demo_shop, django_user_model):
    order = delivered_order()
    claim, _ = file(order, tote_of(order))
    agent = django_user_model.objects.get(email=AGENT)
    decisions = ["remake", "repair", "remake", "reject"]

    def decide_once(decision):
        return services.decide_claim(claim=Claim.objects.get(pk=claim.pk), decision=decision, reason="r", actor=agent)

    outcomes = at_once(decide_once, decisions)

    assert sorted(type(o).__name__ for o in outcomes) == ["Claim", "ClaimRefused", "ClaimRefused", "ClaimRefused"]
    claim.refresh_from_db()
    assert claim.decision in decisions
    assert WorkOrder.objects.filter(line=claim.line).exclude(kind="order").count() == (
        1 if claim.decision in ("remake", "repair") else 0
    )
    assert ClaimEvent.objects.filter(claim=claim, step=ClaimStep.DECIDED).count() == 1
    assert claim.ticket.messages.filter(author_kind=Author.SYSTEM).count() == (
        2 if claim.decision in ("remake", "repair") else 1
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_two_tabs_filing_a_claim_for_one_item_at_once_file_one(committed_demo_shop):
    order = delivered_order()

    outcomes = at_once(lambda _: file(order, tote_of(order)), range(3))

    assert sorted(type(o).__name__ for o in outcomes) == ["ClaimRefused", "ClaimRefused", "tuple"]
    assert Claim.objects.filter(order=order).count() == 1


def test_store_credit_adds_the_lines_price_to_the_wallet_once_and_tells_the_customer(
    owner, order, agent, django_capture_on_commit_callbacks
):
    from loyalty.wallet.models import StoredValue, WalletEntry

    item = stocked_of(order)
    claim, _ = file(order, item, kind="return")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_claim(claim=claim, decision="credit", reason="Returned unused", actor=agent)
    with pytest.raises(ClaimRefused, match="was already decided"):
        services.decide_claim(claim=claim, decision="credit", reason="Again", actor=agent)

    credit = StoredValue.objects.get(holder=order.user, kind="store_credit")
    assert credit.balance == item.line_price_incl_tax
    [entry] = WalletEntry.objects.filter(value=credit)
    assert (entry.reference, entry.created_by) == (claim.rma, agent)
    claim.refresh_from_db()
    assert (claim.decision, claim.refund_amount, claim.refunded_at) == ("credit", item.line_price_incl_tax, None)
    [message] = mail.outbox
    assert "of store credit to your wallet" in message.body
    assert "Decided: Store credit." in owner.get(f"/accounts/orders/{order.number}/").content.decode()


def test_store_credit_over_the_wallets_limit_is_refused_and_decides_nothing(order, agent, settings):
    settings.WALLET_STORE_CREDIT_MAX = 1
    claim, _ = file(order, stocked_of(order), kind="return")

    with pytest.raises(ClaimRefused):
        services.decide_claim(claim=claim, decision="credit", reason="Returned unused", actor=agent)

    claim.refresh_from_db()
    assert claim.decision == ""


def test_a_shop_without_a_returns_topic_makes_it_on_the_first_return(order, settings):
    from care.models import Topic

    settings.CARE_RETURN_TOPIC = "send-backs"

    claim, _ = file(order, stocked_of(order), kind="return")

    topic = Topic.objects.get(slug="send-backs")
    assert claim.ticket.topic == topic
    assert (topic.name, topic.queue.name, topic.is_complaint) == ("Returns", "Customer service", False)


def test_an_erased_account_takes_its_claims_and_their_tickets_with_it(order, agent):
    claim, _ = file(order, tote_of(order))
    services.decide_claim(claim=claim, decision="remake", reason="Fault", actor=agent)

    order.user.delete()

    assert not Claim.objects.exists() and not Remake.objects.exists()
    assert WorkOrder.objects.filter(kind="remake").count() == 1  # the workshop's record stays
