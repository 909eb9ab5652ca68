"""Help search: Wagtail's search over live, public questions and answers, marked, recorded anonymously."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from care.help import services
from care.help.models import SearchRecord
from care.help.visitors import SESSION_KEY
from portal.cms import scheduled
from tests.help.pages import new_case, new_topic, question

pytestmark = pytest.mark.django_db

SEARCH = "/help/search/"


def results(client, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_a_word_in_an_answer_finds_its_question_with_the_word_marked(client):
    new_topic(
        "gift-wrapping",
        [
            question("Do you wrap presents?", "<p>Yes, in recycled kraft paper with a hand-tied ribbon.</p>", "wrap"),
            question("Can I add a card?", "<p>Yes, with up to 200 characters.</p>", "card"),
        ],
    )

    html = results(client, "kraft")

    assert "1 result for “kraft”" in html
    assert '<a class="help-result__question" href="/help/gift-wrapping/#wrap">Do you wrap presents?</a>' in html
    assert "recycled <mark>kraft</mark> paper" in html
    assert "Can I add a card?" not in html  # the topic's other question does not hold the word


def test_a_case_article_is_found_by_the_question_as_asked(client):
    new_case("wobbly-legs", asked="The legs of my sofa wobble on a tiled floor.", answer="<p>Turn the feet.</p>")

    html = results(client, "tiled")

    assert '<a href="/help/wobbly-legs/">Wobbly Legs</a>' in html
    assert "wobble on a <mark>tiled</mark> floor" in html


def test_an_unpublished_page_is_never_found(client):
    new_topic("secret-plans", [question("What is next?", "<p>A quokka-shaped lamp.</p>")], publish=False)

    assert "No answers for “quokka”" in results(client, "quokka")


def test_the_draft_of_a_live_page_is_not_found_until_it_is_published(client):
    page = new_topic("drafted", [question("Opening hours?", "<p>Nine to five.</p>")])
    page.body = [question("Opening hours?", "<p>Nine to five, and on Saturdays with a marmoset.</p>")]
    page.save_revision()

    assert "No answers for “marmoset”" in results(client, "marmoset")
    page.get_latest_revision().publish()
    assert "1 result for “marmoset”" in results(client, "marmoset")


def test_a_scheduled_page_is_found_only_once_it_has_gone_live(client):
    go_live = timezone.now() + timedelta(hours=1)
    page = new_topic(
        "winter-opening", [question("Open at Christmas?", "<p>Closed on the solstice.</p>")], publish=False
    )
    page.go_live_at = go_live
    page.save_revision().publish()  # with a future go-live time Wagtail only schedules it

    assert "No answers for “solstice”" in results(client, "solstice")
    assert "winter-opening" not in client.get("/help/").content.decode()
    with mock.patch("django.utils.timezone.now", return_value=go_live + timedelta(minutes=1)):
        scheduled.publish_scheduled()
    assert "1 result for “solstice”" in results(client, "solstice")


def test_a_private_page_is_not_found(client):
    from wagtail.models import PageViewRestriction

    page = new_topic("staff-only", [question("Where is the key?", "<p>Under the pangolin.</p>")])
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)

    assert "No answers for “pangolin”" in results(client, "pangolin")


def test_html_in_the_query_is_escaped(client):
    html = results(client, '<script>alert("x")</script> delivery')

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; delivery" in html


def test_no_result_says_what_to_do_next(client):
    html = results(client, "xylophone")

    assert "No answers for “xylophone”" in html
    assert "Try fewer or different words" in html
    assert '<a href="/help/delivery-and-returns/">Delivery and returns</a>' in html  # browse the topics instead
    assert "Still stuck?" in html


def test_each_search_is_recorded_with_its_count_and_no_one_s_identity(client):
    results(client, "delivery")
    results(client, "xylophone")
    results(client, "")

    records = list(SearchRecord.objects.order_by("pk").values_list("query", "results_count", "visitor"))
    assert [(query, count) for query, count, _ in records] == [("delivery", records[0][1]), ("xylophone", 0)]
    assert records[0][1] >= 2
    visitor = records[0][2]
    assert len(visitor) == 64 and visitor == records[1][2]  # one visitor, named by a hash
    assert visitor != client.session.session_key and visitor != client.session[SESSION_KEY]


def test_a_ticket_marks_the_visitor_s_searches_of_the_last_day():
    old = services.record_search(query="old", results_count=0, visitor="v" * 64)
    SearchRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    recent = services.record_search(query="refund", results_count=0, visitor="v" * 64)
    someone_else = services.record_search(query="refund", results_count=0, visitor="w" * 64)

    assert services.record_ticket_opened(visitor="v" * 64) == 1
    assert services.record_ticket_opened(visitor="v" * 64) == 0  # twice changes nothing

    marked = set(SearchRecord.objects.filter(ended_in_ticket_at__isnull=False).values_list("pk", flat=True))
    assert marked == {recent.pk}
    assert someone_else.pk not in marked and old.pk not in marked


def test_a_long_list_of_results_shows_twenty_and_counts_them_all(client):
    for n in range(22):
        new_topic(f"armchair-{n}", [question(f"Armchair {n}?", "<p>An armadillo-proof armchair.</p>")])

    html = results(client, "armadillo")

    assert "22 results for “armadillo”" in html
    assert html.count('class="help-result"') == 20
    assert SearchRecord.objects.get(query="armadillo").results_count == 22


def _searches_aged(*days_ago):
    records = [services.record_search(query=f"q{days}", results_count=0, visitor="v" * 64) for days in days_ago]
    for record, days in zip(records, days_ago, strict=True):
        SearchRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(days=days))
    return records


def test_the_search_page_says_truthfully_how_long_searches_are_kept(client, settings):
    settings.CARE_HELP_SEARCH_RETENTION_DAYS = 30

    html = results(client, "delivery")

    assert "We keep the words you search for here for 30 days to improve the help centre." in html
    assert "not with your name or account" in html
    stored = {field.name for field in SearchRecord._meta.get_fields()}
    assert stored == {"id", "query", "results_count", "visitor", "created_at", "ended_in_ticket_at"}  # no user


def test_searches_past_their_retention_are_pruned_in_chunks_and_the_rest_kept():
    old = _searches_aged(91, 120, 400, 95, 90.5)
    kept = _searches_aged(89, 1, 0)

    assert services.prune_search_records(older_than_days=90, batch=2) == len(old)
    assert services.prune_search_records(older_than_days=90, batch=2) == 0
    assert set(SearchRecord.objects.values_list("pk", flat=True)) >= {r.pk for r in kept}
    assert not SearchRecord.objects.filter(pk__in=[r.pk for r in old]).exists()


def test_the_nightly_task_keeps_the_retention_setting(settings):
    from care import tasks

    settings.CARE_HELP_SEARCH_RETENTION_DAYS = 10
    old, kept = _searches_aged(11, 9)

    tasks.prune_search_records.delay()

    assert not SearchRecord.objects.filter(pk=old.pk).exists() and SearchRecord.objects.filter(pk=kept.pk).exists()
    assert settings.CELERY_BEAT_SCHEDULE["care-prune-help-searches"]["task"] == "care.tasks.prune_search_records"


def test_a_retention_under_a_day_is_refused():
    _searches_aged(0.5)
    with pytest.raises(ValueError, match="a day at least"):
        services.prune_search_records(older_than_days=0)
    assert SearchRecord.objects.count() >= 1
