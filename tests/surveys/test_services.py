"""Answering a survey: once per order, only the owner's delivered order, scores in range, a low score's ticket once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from atelier.orders import OrderStatus
from care.models import Channel, Severity, Ticket
from care.surveys import services
from care.surveys.models import LineScore, Survey
from portal import reconcile
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


def ours():
    """The surveys this test stored (the demo's stand apart)."""
    return Survey.objects.exclude(order__number__startswith="DEMO-")


def answer(order, **kwargs):
    kwargs.setdefault("user", order.user)
    kwargs.setdefault("score", 4)
    kwargs.setdefault("buy_again", "yes")
    return services.answer_survey(order=order, **kwargs)


def test_an_answer_is_stored_with_its_line_scores(two_items):
    first, second = two_items.lines.order_by("pk")

    survey = answer(two_items, comment="  Lovely.  ", line_scores={first.pk: 5, second.pk: None})

    assert (survey.score, survey.buy_again, survey.comment) == (4, "yes", "Lovely.")
    assert list(LineScore.objects.filter(survey=survey).values_list("line_id", "score")) == [(first.pk, 5)]


def test_a_second_answer_is_refused_showing_the_first(delivered):
    answer(delivered, score=4, now=datetime(2026, 12, 3, 12, tzinfo=ZoneInfo("Europe/London")))

    with pytest.raises(services.AlreadyAnswered) as refusal:
        answer(delivered, score=1)

    assert str(refusal.value).startswith("You answered on 3 Dec: 4/5.")
    assert list(Survey.objects.filter(order=delivered).values_list("score", flat=True)) == [4]


def test_the_unique_order_stops_a_submission_that_passed_the_check(delivered, monkeypatch):
    """Two submissions at once both find no survey; the database's constraint lets one in."""
    answer(delivered, score=5)
    monkeypatch.setattr(services.selectors, "survey_of", lambda order: None)

    with pytest.raises(services.AlreadyAnswered) as refusal:
        answer(delivered, score=2)

    assert refusal.value.survey.score == 5
    assert Survey.objects.filter(order=delivered).count() == 1


@pytest.mark.parametrize("score", [0, 6, -1, "4", None, True, 4.5])
def test_a_score_outside_one_to_five_is_refused(delivered, score):
    with pytest.raises(services.SurveyRefused, match=r"Please choose a score from 1 to 5\."):
        answer(delivered, score=score)
    assert not ours().exists()


@pytest.mark.parametrize("buy_again", ["", "maybe", None])
def test_buy_again_must_be_yes_no_or_not_sure(delivered, buy_again):
    with pytest.raises(services.SurveyRefused, match="would buy from us again"):
        answer(delivered, buy_again=buy_again)
    assert not ours().exists()


def test_a_line_score_out_of_range_or_of_another_order_is_refused(two_items, delivered):
    line = two_items.lines.first()
    with pytest.raises(services.SurveyRefused, match="for each item"):
        answer(two_items, line_scores={line.pk: 9})
    with pytest.raises(services.SurveyRefused, match="not part of order"):
        answer(two_items, line_scores={delivered.lines.first().pk: 3})
    assert not ours().exists() and not LineScore.objects.exclude(survey__order__number__startswith="DEMO-").exists()


def test_another_customers_order_is_refused(delivered):
    with pytest.raises(services.SurveyRefused, match=r"We could not find that order in your account\."):
        answer(delivered, user=CustomerFactory())
    assert not ours().exists()


def test_an_order_not_yet_delivered_is_refused():
    shipped = OrderFactory(status=OrderStatus.SHIPPED)
    with pytest.raises(services.SurveyRefused, match="has not arrived yet"):
        answer(shipped)
    assert not ours().exists()


def test_an_order_refunded_after_delivery_may_still_be_answered(delivered):
    delivered.set_status(OrderStatus.REFUNDED)
    assert answer(delivered).pk


def test_an_order_refunded_before_delivery_is_refused():
    refunded = OrderFactory(status=OrderStatus.REFUNDED)  # Paid, then refunded: never delivered
    with pytest.raises(services.SurveyRefused, match="has not arrived yet"):
        answer(refunded)


def test_a_low_score_opens_one_quality_ticket_after_commit(
    delivered, quality_topic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        survey = answer(delivered, score=2, buy_again="no", comment="The door <b>sticks</b>.")
    assert not Ticket.objects.filter(order=delivered).exists()  # nothing before commit

    for callback in callbacks:
        callback()

    ticket = Ticket.objects.get(order=delivered)
    assert (ticket.topic, ticket.queue, ticket.order, ticket.user) == (
        quality_topic,
        quality_topic.queue,
        delivered,
        delivered.user,
    )
    assert ticket.channel == Channel.SURVEY
    assert ticket.severity == Severity.MINOR
    assert ticket.subject == f"Survey: 2/5 for order {delivered.number}"
    assert ticket.messages.get().body == "Score 2/5; would buy again: No.\n\nThe door <b>sticks</b>."
    survey.refresh_from_db()
    assert survey.ticket == ticket


def test_the_ticket_is_opened_once_however_often_it_is_asked(delivered, quality_topic):
    survey = answer(delivered, score=1)  # eager: the task ran on commit (the test's transaction: not yet)

    first = services.open_survey_ticket(survey_id=survey.pk)
    again = services.open_survey_ticket(survey_id=survey.pk)

    assert first is not None and again is None
    assert Ticket.objects.filter(order=delivered).count() == 1
    assert first.severity == Severity.MAJOR


@pytest.mark.parametrize("score", [4, 5])
def test_a_four_or_five_opens_no_ticket(delivered, quality_topic, score, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        survey = answer(delivered, score=score)

    assert services.open_survey_ticket(survey_id=survey.pk) is None
    assert not Ticket.objects.filter(order=delivered).exists()


def test_a_low_score_whose_ticket_task_was_lost_gets_its_ticket_from_the_reconciler(
    delivered, quality_topic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the task is never sent: a worker died
        survey = answer(delivered, score=1, buy_again="no", comment="It arrived broken.")
    row = reconcile.by_name("survey-tickets")
    assert reconcile.run_one(row) == 0  # just answered: its own task may still be on its way

    Survey.objects.filter(pk=survey.pk).update(answered_at=timezone.now() - timedelta(minutes=20))
    assert reconcile.run_one(row) == 1
    assert reconcile.run_one(row) == 0

    ticket = Ticket.objects.get(order=delivered)
    assert ticket.topic == quality_topic
    survey.refresh_from_db()
    assert survey.ticket == ticket
