"""'Did this answer your question?': one vote per visitor and question, by a CSRF-checked POST."""

import pytest
from django.test import Client

from care.help.models import AnswerVote, HelpTopicPage
from tests.help.pages import new_case, new_topic, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic():
    return new_topic(
        "assembly",
        [
            question("Do I need tools?", "<p>No: every joint clicks together.</p>", "tools"),
            question("How long does it take?", "<p>About twenty minutes.</p>", "time"),
        ],
    )


def key(page, anchor):
    return next(q.key for q in page.questions() if q.anchor == anchor)


def vote(client, page, question_key, helpful="yes", **headers):
    return client.post(f"{page.url}vote/", {"question": question_key, "helpful": helpful}, headers=headers)


def counts(page):
    return sorted(AnswerVote.objects.filter(page=page).values_list("question_key", "helpful"))


def test_a_vote_is_counted_once_per_visitor_and_question(client, topic):
    tools = key(topic, "tools")

    first = vote(client, topic, tools)
    vote(client, topic, tools)  # a double click

    assert (first.status_code, first["Location"]) == (302, "/help/assembly/#tools")
    assert counts(topic) == [(tools, True)]


def test_a_visitor_who_changes_their_mind_replaces_their_vote(client, topic):
    tools = key(topic, "tools")
    vote(client, topic, tools, "yes")
    vote(client, topic, tools, "no")

    assert counts(topic) == [(tools, False)]


def test_each_visitor_and_each_question_has_a_vote_of_its_own(client, topic):
    tools, time = key(topic, "tools"), key(topic, "time")
    vote(client, topic, tools, "yes")
    vote(client, topic, time, "no")
    vote(Client(), topic, tools, "no")

    assert counts(topic) == sorted([(tools, True), (time, False), (tools, False)])


def test_the_page_thanks_the_visitor_instead_of_asking_again(client, topic):
    vote(client, topic, key(topic, "tools"))

    html = client.get(topic.url).content.decode()

    assert "You told us this answered your question. Thank you." in html
    assert html.count("Did this answer your question?") == 1  # the other question still asks
    assert "Thank you: glad it helped." in html  # the message after the redirect


def test_the_script_gets_json_back(client, topic):
    response = vote(client, topic, key(topic, "time"), "no", Accept="application/json")

    assert response.status_code == 200
    assert response.json() == {"helpful": False, "message": "Thank you. Sorry it did not help: see below for more."}


def test_a_case_article_takes_a_vote_for_its_answer(client):
    case = new_case("squeaky-door", asked="The door squeaks.", answer="<p>Oil the hinge.</p>")

    vote(client, case, "")

    assert counts(case) == [("", True)]


def test_a_vote_for_a_question_the_page_does_not_have_is_404(client, topic):
    response = vote(client, topic, "no-such-question")

    assert response.status_code == 404
    assert counts(topic) == []


def test_an_answer_other_than_yes_or_no_is_refused(client, topic):
    response = vote(client, topic, key(topic, "tools"), "maybe")

    assert (response.status_code, response.content.decode()) == (400, "Answer yes or no.")
    assert counts(topic) == []


def test_get_is_not_allowed(client, topic):
    response = client.get(f"{topic.url}vote/", {"question": key(topic, "tools"), "helpful": "yes"})

    assert response.status_code == 405
    assert counts(topic) == []


def test_a_vote_without_the_csrf_token_is_refused():
    page = new_topic("csrf-check", [question("Q?", "<p>A.</p>", "q")])
    client = Client(enforce_csrf_checks=True)

    response = vote(client, page, key(page, "q"))

    assert response.status_code == 403
    assert counts(page) == []


def test_a_vote_with_the_form_s_csrf_token_is_taken():
    page = new_topic("csrf-ok", [question("Q?", "<p>A.</p>", "q")])
    client = Client(enforce_csrf_checks=True)
    client.get(page.url)

    response = client.post(
        f"{page.url}vote/",
        {"question": key(page, "q"), "helpful": "yes", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )

    assert response.status_code == 302
    assert counts(page) == [(key(page, "q"), True)]


def test_an_unpublished_page_takes_no_vote(client, topic):
    tools = key(topic, "tools")
    topic.unpublish()

    assert vote(client, HelpTopicPage.objects.get(pk=topic.pk), tools).status_code == 404
    assert counts(topic) == []


def test_staff_see_the_counts_in_a_wagtail_report(client, login, topic):
    vote(client, topic, key(topic, "tools"), "yes")
    vote(Client(), topic, key(topic, "tools"), "no")
    vote(Client(), topic, key(topic, "time"), "yes")

    html = login("editor@atelier.example").get("/cms/reports/help-votes/").content.decode()

    rows = [row for row in html.split("<tr")[1:] if "Assembly" in row]
    assert len(rows) == 2
    assert "Do I need tools?" in rows[0] and ">1<" in rows[0].replace(" ", "").replace("\n", "")
    assert "50" in rows[0] and "100" in rows[1]  # the less helpful answer first


def test_a_shopper_cannot_open_the_votes_report(login):
    response = login("ada@example.com").get("/cms/reports/help-votes/")

    assert response.status_code in (302, 403)
