"""Care reports (#18 item 7): each figure from tickets opened, answered and resolved through the
care services at known times, surveys answered, and help searches recorded; then the page itself."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from atelier.orders import OrderStatus
from care import reports, services
from care.help.models import SearchRecord
from care.help.services import record_search, record_ticket_opened
from care.models import Author, Remake, State, Ticket
from care.surveys.models import Survey
from care.surveys.services import answer_survey
from tests.factories import CustomerFactory, OrderFactory

from .conftest import make_topic

pytestmark = pytest.mark.django_db

AGENT, PLANNER, SHOPPER = "care@atelier.example", "planner@atelier.example", "ada@example.com"
TOTE = "printed-tote"


@pytest.fixture(autouse=True)
def _no_demo_care(db):
    """The demo's tickets, surveys and searches would add to every figure: these tests count their own."""
    Remake.objects.all().delete()
    Survey.objects.all().delete()
    Ticket.objects.all().delete()
    SearchRecord.objects.all().delete()


@pytest.fixture
def monday():
    """Monday 11:00 on the shop's clock, two weeks before this week's Monday."""
    today = timezone.localdate()
    day = today - timedelta(days=today.weekday() + 14)
    return datetime(day.year, day.month, day.day, 11, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def agent(django_user_model):
    return django_user_model.objects.get(email=AGENT)


def _open(topic, at, user=None, **extra):
    ticket, _ = services.open_ticket(
        topic=topic, user=user or CustomerFactory(), subject="Help", body="Please help.", now=at, **extra
    )
    return ticket


def _answer(ticket, agent, at):
    services.reply(ticket=ticket, body="Here is the answer.", author_kind=Author.STAFF, author=agent, now=at)
    ticket.refresh_from_db()


def _resolve(ticket, agent, at):
    services.change_state(ticket=ticket, to_state=State.RESOLVED, expected_state=ticket.state, actor=agent, now=at)


def test_response_and_resolution_times_and_the_promise_by_week(monday, agent):
    topic = make_topic("report-question", first_response_hours=24)
    quick = _open(topic, monday)
    _answer(quick, agent, monday + timedelta(hours=2))
    _resolve(quick, agent, monday + timedelta(hours=10))
    late = _open(topic, monday)
    # 24 working hours from Monday 11:00 is Thursday 11:00; answered an hour after it.
    assert late.first_response_due == monday + timedelta(days=3)
    _answer(late, agent, monday + timedelta(days=3, hours=1))
    _open(topic, monday + timedelta(hours=1))  # never answered, and its promise has passed
    on_time = _open(topic, monday + timedelta(days=7))
    _answer(on_time, agent, monday + timedelta(days=7, hours=4))
    _open(topic, monday - timedelta(days=40))  # before the period

    first, second = reports.weekly(reports.since(30))

    assert first.start == monday.replace(hour=0)
    assert (first.opened, first.promise_due, first.promise_kept, first.hit_rate) == (3, 3, 1, 33.3)
    assert (first.response_median, first.response_p90) == (37.5, 73.0)  # 2 h and 73 h
    assert (first.resolution_median, first.resolution_p90) == (10.0, 10.0)
    assert second.start == monday.replace(hour=0) + timedelta(days=7)
    assert (second.opened, second.hit_rate, second.response_median, second.resolution_median) == (1, 100.0, 4.0, None)


def test_the_promise_of_an_unanswered_ticket_not_yet_due_is_not_counted(agent):
    topic = make_topic("report-question", first_response_hours=24)
    _open(topic, timezone.now())

    (week,) = reports.weekly(reports.since(30))

    assert (week.opened, week.promise_due, week.hit_rate, week.response_median) == (1, 0, None, None)


def test_percentile_is_the_nearest_rank():
    assert reports.percentile([5, 1, 4, 2, 3, 10, 9, 8, 7, 6], 0.9) == 9
    assert reports.percentile([7], 0.9) == 7


def test_tickets_by_topic_family_and_the_choices_complained_about(monday, complaint_topic):
    question = make_topic("report-question")
    clay = OrderFactory(
        configured=[(TOTE, {"print_text": "Allotment", "ink": "clay"}, 1)], status=OrderStatus.DELIVERED
    )
    white = OrderFactory(
        configured=[(TOTE, {"print_text": "Band", "colour": "black", "ink": "white"}, 1)], status=OrderStatus.DELIVERED
    )
    again = OrderFactory(configured=[(TOTE, {"print_text": "Choir", "ink": "clay"}, 1)], status=OrderStatus.DELIVERED)
    for order in (clay, white, again):
        _open(complaint_topic, monday, user=order.user, line=order.lines.get())
    _open(question, monday, user=clay.user, line=clay.lines.get())  # a question, not a complaint
    _open(question, monday)
    old = OrderFactory(configured=[(TOTE, {"print_text": "Old", "ink": "clay"}, 1)], status=OrderStatus.DELIVERED)
    _open(complaint_topic, monday - timedelta(days=40), user=old.user, line=old.lines.get())

    start = reports.since(30)

    assert reports.by_topic(start) == [(complaint_topic.name, 3), (question.name, 2)]
    assert reports.by_family(start) == [("Custom Printed Tote", 4)]
    # The print's words are the customer's own, not a choice: left out.
    assert reports.complaint_options(start) == [
        ("sides = one", 3),
        ("colour = natural", 2),
        ("ink = clay", 2),
        ("colour = black", 1),
        ("ink = white", 1),
    ]


def _delivered(user, placed):
    return OrderFactory(user=user, status=OrderStatus.DELIVERED, placed=placed)


def test_repurchase_by_survey_score_counts_customers_and_later_purchases_only(monday):
    after = monday + timedelta(days=3)
    loyal, quiet, warned, unhappy, cancelled = (CustomerFactory() for _ in range(5))
    for customer, score in ((loyal, 5), (quiet, 5), (warned, 4), (unhappy, 2), (cancelled, 5)):
        order = _delivered(customer, monday - timedelta(days=10))
        answer_survey(order=order, user=customer, score=score, buy_again="yes", now=monday)
    OrderFactory(user=loyal, status=OrderStatus.PAID, placed=after)
    OrderFactory(user=unhappy, status=OrderStatus.IN_PRODUCTION, placed=after)
    _delivered(warned, monday - timedelta(days=5))  # bought before the survey, not after
    OrderFactory(user=cancelled, status=OrderStatus.CANCELLED, placed=after)  # not a purchase
    # Answered before the period: not counted.
    early = CustomerFactory()
    answer_survey(
        order=_delivered(early, monday - timedelta(days=60)),
        user=early,
        score=4,
        buy_again="no",
        now=monday - timedelta(days=40),
    )

    groups = reports.repurchase_by_score(reports.since(30))

    assert [(g.score, g.customers, g.bought_again, g.rate) for g in groups] == [
        ("5", 3, 1, 33.3),
        ("4", 1, 0, 0.0),
        ("≤3", 1, 1, 100.0),
    ]


def _search(words, at, visitor, results=0):
    record = record_search(query=words, results_count=results, visitor=visitor)
    SearchRecord.objects.filter(pk=record.pk).update(created_at=at)


def test_help_searches_that_ended_in_a_ticket(monday):
    _search("Refund", monday, "a")
    _search("refund", monday, "b")
    _search("ink smudge", monday, "b")
    _search("delivery", monday, "c", results=3)
    _search("refund", monday - timedelta(days=40), "d")
    record_ticket_opened(visitor="a", at=monday + timedelta(hours=1))
    record_ticket_opened(visitor="b", at=monday + timedelta(hours=2))
    record_ticket_opened(visitor="d", at=monday - timedelta(days=40) + timedelta(hours=1))

    searches = reports.searches_ending_in_tickets(reports.since(30))

    assert (searches.total, searches.ended_in_ticket, searches.share) == (4, 3, 75.0)
    assert searches.top_queries == [("refund", 2), ("ink smudge", 1)]


def test_an_empty_period_has_no_figures_and_divides_by_nothing():
    start = reports.since(30)
    assert reports.weekly(start) == []
    assert reports.by_topic(start) == [] and reports.complaint_options(start) == []
    assert [(g.customers, g.rate) for g in reports.repurchase_by_score(start)] == [(0, None)] * 3
    searches = reports.searches_ending_in_tickets(start)
    assert (searches.total, searches.share, searches.top_queries) == (0, None, [])


# --- The page ----------------------------------------------------------------------------------

URL = "/dashboard/care/reports/"


@pytest.mark.parametrize(("who", "status"), [(SHOPPER, 403), (PLANNER, 403)])
def test_only_care_staff_open_the_reports(login, who, status):
    assert login(who).get(URL).status_code == status


def test_signed_out_the_reports_ask_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_menu_links_the_reports_for_agents_only(login):
    assert URL in login(AGENT).get("/dashboard/").content.decode()
    assert URL not in login(PLANNER).get("/dashboard/").content.decode()


def test_an_empty_period_says_so(login):
    page = login(AGENT).get(URL)
    assert page.status_code == 200
    assert "No tickets in this period." in page.content.decode()


@pytest.mark.parametrize("days", ["7", "abc", "", "90; drop"])
def test_a_period_not_offered_shows_the_default_with_a_message(login, days):
    page = login(AGENT).get(URL, {"days": days})
    assert page.status_code == 200
    assert page.context["days"] == 30
    assert "showing the last 30 days" in page.content.decode()


def test_the_page_draws_each_chart_with_its_table(login, monday, agent, complaint_topic):
    order = OrderFactory(configured=[(TOTE, {"print_text": "Allotment", "ink": "clay"}, 1)])
    ticket = _open(complaint_topic, monday, user=order.user, line=order.lines.get())
    _answer(ticket, agent, monday + timedelta(hours=2))
    _search("<b>refund</b>", monday, "a")
    record_ticket_opened(visitor="a", at=monday + timedelta(hours=1))

    page = login(AGENT).get(URL, {"days": "90"})
    html = page.content.decode()

    assert page.context["days"] == 90
    assert html.count('class="care-chart"') == 3  # response, resolution, the promise by week
    assert html.count('class="loyalty-chart"') == 4  # topics, families, options, repurchase
    assert "<td>ink = clay</td><td>1</td>" in html
    assert "100.0% (1 / 1)" in html
    assert "&lt;b&gt;refund&lt;/b&gt;" in html and "<b>refund" not in html


def test_each_table_downloads_as_csv_with_formulas_defused(login, monday):
    _search("=HYPERLINK(1)", monday, "a")
    record_ticket_opened(visitor="a", at=monday + timedelta(hours=1))
    complaint = make_topic("report-question")
    _open(complaint, monday)

    topics = login(AGENT).get(URL, {"days": "90", "csv": "topics"})
    searches = login(AGENT).get(URL, {"days": "90", "csv": "searches"})

    assert topics["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="care-topics-90-days.csv"' in topics["Content-Disposition"]
    assert topics.content.decode().splitlines() == ["topic,tickets", "Report question,1"]
    assert searches.content.decode().splitlines() == ["search,followed_by_a_ticket", "'=hyperlink(1),1"]
    weeks = login(AGENT).get(URL, {"days": "90", "csv": "weeks"}).content.decode().splitlines()
    assert weeks[1] == f"{monday.date().isoformat()},1,,,,,1,0,0.0"  # nothing answered: empty cells
