"""The case library from tickets: a resolved ticket becomes an anonymised draft help article, reviewed
in Wagtail's workflow; publishing it thanks the customer once, with points through the ledger."""

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model
from wagtail.models import WorkflowState

from care import services
from care.help.models import CaseArticlePage, CaseSource, HelpIndexPage
from care.models import Author, State, Ticket, TicketEvent
from configurator.models import ProductFamily
from loyalty.models import LedgerEntry
from portal import reconcile
from tests.factories import CustomerFactory, OrderFactory
from tests.helpers import at_once

pytestmark = pytest.mark.django_db

Notification = get_model("communication", "Notification")
AGENT, EDITOR, PLANNER = "care@atelier.example", "editor@atelier.example", "planner@atelier.example"
TOTE = ("printed-tote", {"print_text": "Leeds allotment society", "ink": "clay"})


@pytest.fixture
def agent(django_user_model):
    return django_user_model.objects.get(email=AGENT)


@pytest.fixture
def customer():
    return CustomerFactory(first_name="Harriet", last_name="Quimby", email="harriet.q@factory.example")


def _resolved(topic, agent, *, user=None, state=State.RESOLVED, **opening):
    ticket, _ = services.open_ticket(topic=topic, user=user, **opening)
    services.reply(ticket=ticket, body="Checked with the workshop, Harriet.", author_kind=Author.STAFF, author=agent,
                   internal=True)  # fmt: skip
    services.reply(
        ticket=ticket,
        body="Hello Harriet,\n\nthe print fades only if tumble-dried. Wash it at 30 °C inside out.\n"
        "Call 0113 496 0000.",
        author_kind=Author.STAFF,
        author=agent,
    )
    services.change_state(ticket=ticket, to_state=state, expected_state=State.WAITING, actor=agent)
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def resolved(question_topic, agent, customer):
    order = OrderFactory(user=customer, configured=[(*TOTE, 1)])
    return _resolved(
        question_topic,
        agent,
        user=customer,
        subject=f"Print fading on order {order.number}",
        body=f"Hi, Harriet Quimby here (harriet.q@factory.example, 07700 900123). The print on my tote from "
        f"{order.number} is fading after two washes. Is that normal? <b>Thanks</b>",
        line=order.lines.get(),
    )


def _publish(page, user=None):
    CaseArticlePage.objects.get(pk=page.pk).get_latest_revision().publish(user=user)


def test_a_resolved_ticket_becomes_an_anonymised_draft_in_review(resolved, agent):
    source, created = services.draft_case_article(ticket=resolved, actor=agent)

    assert created
    page = CaseArticlePage.objects.get(pk=source.page_id)
    assert not page.live and page.get_parent().specific_class is HelpIndexPage
    assert page.title == "Print fading on order [order]"
    assert page.question == (
        "Hi, [name] here ([e-mail], [phone]). The print on my tote from [order] is fading after two washes. "
        "Is that normal? Thanks"
    )
    assert page.answer == (
        "<p>Hello [name],</p><p>the print fades only if tumble-dried. Wash it at 30 °C inside out.<br/>"
        "Call [phone].</p>"
    )
    assert "workshop" not in page.answer  # the internal note stays out
    assert page.product_family == ProductFamily.objects.get(slug="printed-tote")
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert (state.status, state.workflow.name) == ("in_progress", "Help centre review")
    event = resolved.events.get(kind="article")
    assert (event.actor, event.get_kind_display()) == (agent, "Help article")
    assert event.after == "draft: Print fading on order [order]"
    assert not LedgerEntry.objects.filter(idempotency_key__startswith="case-article:").exists()


def test_a_second_press_finds_the_first_article(resolved, agent):
    first, _ = services.draft_case_article(ticket=resolved, actor=agent)
    again, created = services.draft_case_article(ticket=resolved, actor=agent)

    assert not created and again.pk == first.pk
    assert CaseSource.objects.filter(ticket=resolved).count() == 1
    assert CaseArticlePage.objects.filter(title__startswith="Print fading").count() == 1
    assert resolved.events.filter(kind="article").count() == 1


@pytest.mark.parametrize("state", [State.NEW, State.OPEN, State.WAITING])
def test_an_unresolved_ticket_is_refused(question_topic, agent, customer, state):
    ticket, _ = services.open_ticket(topic=question_topic, user=customer, subject="Where?", body="Where is it?")
    Ticket.objects.filter(pk=ticket.pk).update(state=state)
    ticket.refresh_from_db()

    with pytest.raises(services.TicketRefused, match=f"Only a resolved or closed ticket .*{ticket.reference} is"):
        services.draft_case_article(ticket=ticket, actor=agent)
    assert not CaseSource.objects.exists()


def test_a_ticket_without_a_staff_answer_is_refused(question_topic, agent, customer):
    ticket, _ = services.open_ticket(topic=question_topic, user=customer, subject="Where?", body="Where is it?")
    services.change_state(ticket=ticket, to_state=State.CLOSED, expected_state=State.NEW, actor=agent)

    with pytest.raises(services.TicketRefused, match="no question from the customer and answer from staff"):
        services.draft_case_article(ticket=ticket, actor=agent)


def test_publishing_thanks_the_customer_once_with_points(resolved, agent, customer, django_capture_on_commit_callbacks):
    source, _ = services.draft_case_article(ticket=resolved, actor=agent)

    with django_capture_on_commit_callbacks(execute=True):
        _publish(source.page)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(source.page)  # republished after an edit
    services.thank_case_customer(page_id=source.page_id)  # a retried task

    entry = LedgerEntry.objects.get(idempotency_key=f"case-article:{resolved.reference}")
    assert (entry.points, entry.account.user, entry.account.available) == (100, customer, 100)
    assert resolved.messages.filter(author_kind=Author.SYSTEM).count() == 1
    thanks = resolved.messages.get(author_kind=Author.SYSTEM)
    assert "We added 100 points" in thanks.body and "Print fading on order [order]" in thanks.body
    assert Notification.objects.filter(recipient=customer, subject="Your question now helps others").count() == 1
    source.refresh_from_db()
    assert source.thanked_at is not None


def test_the_points_follow_the_setting(resolved, agent, customer, settings, django_capture_on_commit_callbacks):
    settings.CARE_CASE_ARTICLE_POINTS = 250
    source, _ = services.draft_case_article(ticket=resolved, actor=agent)

    with django_capture_on_commit_callbacks(execute=True):
        _publish(source.page)

    assert LedgerEntry.objects.get(idempotency_key=f"case-article:{resolved.reference}").points == 250


def test_an_unpublished_draft_earns_nothing(resolved, agent):
    source, _ = services.draft_case_article(ticket=resolved, actor=agent)

    assert services.thank_case_customer(page_id=source.page_id) is None
    assert not LedgerEntry.objects.filter(idempotency_key__startswith="case-article:").exists()
    assert not resolved.messages.filter(author_kind=Author.SYSTEM).exists()


def test_a_guest_ticket_becomes_an_article_but_earns_no_points(
    question_topic, agent, django_capture_on_commit_callbacks
):
    ticket = _resolved(
        question_topic, agent, guest_email="grace@guest.example", guest_name="Grace Hopper",
        subject="Washing a tee", body="Grace Hopper here: how do I wash my printed tee? grace@guest.example",
    )  # fmt: skip

    source, created = services.draft_case_article(ticket=ticket, actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(source.page)

    assert created
    page = CaseArticlePage.objects.get(pk=source.page_id)
    assert page.question == "[name] here: how do I wash my printed tee? [e-mail]"
    assert not LedgerEntry.objects.filter(idempotency_key=f"case-article:{ticket.reference}").exists()
    thanks = ticket.messages.get(author_kind=Author.SYSTEM)
    assert "points" not in thanks.body


# The console


def test_an_agent_turns_a_resolved_ticket_into_an_article_from_the_console(resolved, login):
    client = login(AGENT)
    page = client.get(f"/dashboard/care/{resolved.reference}/").content.decode()
    assert "Turn into a help article" in page

    response = client.post(f"/dashboard/care/{resolved.reference}/article/", follow=True)

    source = CaseSource.objects.get(ticket=resolved)
    body = response.content.decode()
    assert "A draft help article was made from" in body
    assert f"/cms/pages/{source.page_id}/edit/" in body
    assert "Turn into a help article" not in body
    again = client.post(f"/dashboard/care/{resolved.reference}/article/", follow=True).content.decode()
    assert "was turned into a help article already" in again
    assert CaseSource.objects.count() == 1


def test_an_open_ticket_is_refused_in_the_console(question_topic, customer, login):
    ticket, _ = services.open_ticket(topic=question_topic, user=customer, subject="Where?", body="Where is it?")

    response = login(AGENT).post(f"/dashboard/care/{ticket.reference}/article/", follow=True)

    assert "Only a resolved or closed ticket can become a help article" in response.content.decode()
    assert not CaseSource.objects.exists()


@pytest.mark.parametrize("who", [PLANNER, "ada@example.com", EDITOR])
def test_others_may_not_turn_tickets_into_articles(resolved, login, who):
    assert login(who).post(f"/dashboard/care/{resolved.reference}/article/").status_code == 403
    assert not CaseSource.objects.exists()


def test_the_article_button_needs_csrf_and_a_post(resolved, django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.get(email=AGENT))

    assert client.post(f"/dashboard/care/{resolved.reference}/article/").status_code == 403
    assert client.get(f"/dashboard/care/{resolved.reference}/article/").status_code == 405
    assert not CaseSource.objects.exists()


def test_the_demo_ticket_event_shows_in_the_history(resolved, agent, login):
    services.draft_case_article(ticket=resolved, actor=agent)

    body = login(AGENT).get(f"/dashboard/care/{resolved.reference}/").content.decode()

    assert "Help article: — → draft: Print fading on order [order]" in body
    assert TicketEvent.objects.filter(ticket=resolved, kind="article").count() == 1


def test_markup_in_the_replies_ends_as_escaped_text_in_the_answer(question_topic, agent, customer):
    ticket, _ = services.open_ticket(
        topic=question_topic, user=customer, subject="<b>Sizes</b>", body="Is 90 < 100 & <script>x()</script>?"
    )
    services.reply(ticket=ticket, body="Yes: 90 < 100 & <i>more</i>", author_kind=Author.STAFF, author=agent)
    services.change_state(ticket=ticket, to_state=State.CLOSED, expected_state=State.WAITING, actor=agent)

    source, _ = services.draft_case_article(ticket=ticket, actor=agent)

    page = CaseArticlePage.objects.get(pk=source.page_id)
    assert (page.title, page.question) == ("Sizes", "Is 90 < 100 & x() ?")
    assert page.answer == "<p>Yes: 90 &lt; 100 &amp; more</p>"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_two_agents_pressing_at_once_make_one_article(committed_demo_shop, agent):
    ticket = Ticket.objects.get(subject="Points from my fridge order")  # Ada's, resolved in the demo

    outcomes = at_once(lambda _: services.draft_case_article(ticket=ticket, actor=agent), range(4))

    assert [type(o) for o in outcomes] == [tuple] * 4, outcomes
    assert sorted(created for _source, created in outcomes) == [False, False, False, True]
    assert CaseSource.objects.filter(ticket=ticket).count() == 1
    assert CaseArticlePage.objects.filter(title="Points from my fridge order").count() == 1


def test_a_published_article_whose_thanks_task_was_lost_is_thanked_once_by_the_reconciler(
    resolved, agent, customer, django_capture_on_commit_callbacks
):
    source, _ = services.draft_case_article(ticket=resolved, actor=agent)
    with django_capture_on_commit_callbacks(execute=False):  # the task is never sent: a worker died
        _publish(source.page)
    row = reconcile.by_name("case-article-thanks")
    assert reconcile.run_one(row) == 0  # just published: its own task may still be on its way

    CaseArticlePage.objects.filter(pk=source.page_id).update(
        last_published_at=timezone.now() - timezone.timedelta(minutes=20)
    )
    assert reconcile.run_one(row) == 1
    assert reconcile.run_one(row) == 0
    services.thank_case_customer(page_id=source.page_id)  # the lost task, delivered late after all

    assert LedgerEntry.objects.filter(idempotency_key=f"case-article:{resolved.reference}").count() == 1
    assert LedgerEntry.objects.get(idempotency_key=f"case-article:{resolved.reference}").account.user == customer
    assert resolved.messages.filter(author_kind=Author.SYSTEM).count() == 1
