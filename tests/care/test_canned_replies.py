"""Canned replies: written by editors in the CMS, offered in the console, blanks filled from the ticket."""

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care.blanks import fill_blanks
from care.models import CannedReply, Ticket, Topic

AGENT, PLANNER, EDITOR = "care@atelier.example", "planner@atelier.example", "editor@atelier.example"
VALUES = {"first_name": "Ben", "reference": "T-7K3P9Q", "order_number": "DEMO-1005", "agent_name": "Mina"}


# The blanks, as a pure function.


def test_each_blank_is_filled_from_the_values():
    body = "Hello {first_name}, about {reference} and order {order_number}. {agent_name}"
    assert fill_blanks(body, VALUES) == "Hello Ben, about T-7K3P9Q and order DEMO-1005. Mina"


@pytest.mark.parametrize(
    "body",
    [
        "{ticket.user.password}",  # str.format would walk the objects behind it
        "{first_name.__class__.__mro__}",
        "{0}",
        "{}",
        "{{",
        "}}",
        "{",
        "{{first_name}}",  # a doubled brace stays the editor's, as written
        "{first_name!r}",
        "{first_name:>99999999}",
        "{ first_name }",
        "{First_Name}",
        "{first_name",
        "first_name}",
        "%(first_name)s",
        "{{reference}} {reference",
    ],
)
def test_anything_but_a_known_blank_stays_as_written(body):
    assert fill_blanks(body, VALUES) == body


def test_a_blank_the_ticket_has_no_value_for_stays_for_the_agent_to_fill():
    body = "Your order {order_number}, {first_name}"
    assert fill_blanks(body, {**VALUES, "order_number": "", "first_name": None}) == body


def test_values_are_put_in_as_text_and_not_read_again():
    values = {**VALUES, "first_name": "{reference}", "agent_name": r"\1 \g<0>"}
    assert fill_blanks("{first_name} / {agent_name}", values) == r"{reference} / \1 \g<0>"


@given(st.text())
def test_text_without_a_blank_comes_back_unchanged(text):
    assert fill_blanks(text, {}) == text


@given(st.text(alphabet=st.characters(blacklist_characters="{}")), st.text(alphabet="{}first_name"))
def test_filling_never_raises_and_keeps_the_text_around_blanks(prefix, braces):
    assert fill_blanks(prefix + braces, VALUES).startswith(prefix)


# The console.


def _reply(title, body, *, topic=None, live=True, position=0):
    return CannedReply.objects.create(title=title, body=body, topic=topic, live=live, position=position)


def _tote_ticket():
    return Ticket.objects.get(subject__startswith="Stitching")  # Ben's complaint about DEMO-1005's tote


def _body_box(page):
    start = page.index('name="body"')
    return page[page.index(">", start) + 1 : page.index("</textarea>", start)]


@pytest.mark.django_db
def test_the_picker_offers_the_tickets_topic_first_then_general_ones_and_no_others(login):
    ticket = _tote_ticket()
    CannedReply.objects.all().delete()
    _reply("General hello", "Hello", position=0)
    _reply("Quality photos", "Photos please", topic=ticket.topic, position=5)
    _reply("Delivery slot", "Slot", topic=Topic.objects.get(slug="delivery"))
    _reply("Retired", "Old", live=False)

    page = login(AGENT).get(f"/dashboard/care/{ticket.reference}/").content.decode()

    assert page.index("Quality photos") < page.index("General hello")
    assert "Delivery slot" not in page and "Retired" not in page
    assert 'src="/static/care/canned.js"' in page and 'id="canned-bodies"' in page


@pytest.mark.django_db
def test_choosing_a_reply_fills_the_answer_box_from_the_ticket(login):
    ticket = _tote_ticket()
    reply = _reply("Photos", "Hello {first_name}, photos of {order_number} please ({reference}). {agent_name}",
                   topic=ticket.topic)  # fmt: skip

    response = login(AGENT).get(f"/dashboard/care/{ticket.reference}/?canned={reply.pk}")

    assert response.status_code == 200
    page = response.content.decode()
    assert html.unescape(_body_box(page)).strip() == (
        f"Hello Ben, photos of DEMO-1005 please ({ticket.reference}). Mina"
    )
    assert f'<option value="{reply.pk}" selected>Photos</option>' in page


@pytest.mark.django_db
def test_a_hostile_body_reaches_the_box_as_written_and_escaped(login):
    ticket = _tote_ticket()
    body = "{ticket.user.password} {0} {{ </textarea><script>alert(1)</script> {first_name}"
    reply = _reply("Odd", body)

    page = login(AGENT).get(f"/dashboard/care/{ticket.reference}/?canned={reply.pk}").content.decode()

    assert "<script>alert(1)</script>" not in page and "</textarea><script>" not in page
    expected = "{ticket.user.password} {0} {{ </textarea><script>alert(1)</script> Ben"
    assert html.unescape(_body_box(page)).strip() == expected
    assert "pbkdf2" not in page  # nothing of the customer's password hash


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["not live", "another topic's", "unknown", "not a number", "empty"])
def test_a_reply_that_is_not_offered_here_is_ignored(login, which):
    ticket = _tote_ticket()
    chosen = {
        "not live": lambda: _reply("Retired", "Old words", live=False).pk,
        "another topic's": lambda: _reply("Slot", "Old words", topic=Topic.objects.get(slug="delivery")).pk,
        "unknown": lambda: 987654,
        "not a number": lambda: "1%20OR%201=1",
        "empty": lambda: "",
    }[which]()

    response = login(AGENT).get(f"/dashboard/care/{ticket.reference}/?canned={chosen}")

    assert response.status_code == 200
    page = response.content.decode()
    assert _body_box(page).strip() == "" and "Old words" not in _body_box(page)


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "expected"), [(PLANNER, 403), (EDITOR, 403), ("ben@example.com", 403), (None, 302)])
def test_only_agents_see_canned_replies_in_the_console(client, login, who, expected):
    ticket = _tote_ticket()
    reply = _reply("Secret wording", "Hello {first_name}")
    browser = login(who) if who else client

    response = browser.get(f"/dashboard/care/{ticket.reference}/?canned={reply.pk}")

    assert response.status_code == expected
    assert "Secret wording" not in response.content.decode()
    if expected == 302:
        assert "/login/" in response["Location"]


@pytest.mark.django_db
def test_a_failed_send_keeps_what_the_agent_wrote_not_the_canned_text(login):
    ticket = _tote_ticket()
    reply = _reply("Photos", "Canned words", topic=ticket.topic)

    response = login(AGENT).post(f"/dashboard/care/{ticket.reference}/?canned={reply.pk}", {"body": ""})

    assert response.status_code == 422
    assert "Canned words" not in _body_box(response.content.decode())


@pytest.mark.django_db
def test_the_demo_offers_replies_for_its_topics():
    topics = set(CannedReply.objects.filter(live=True).values_list("topic__slug", flat=True))
    assert {None, "order-question", "product-quality"} <= topics


# The CMS.


@pytest.mark.django_db
def test_an_editor_writes_a_canned_reply_in_wagtail_and_agents_are_offered_it(login):
    editor = login(EDITOR)
    assert editor.get("/cms/snippets/care/cannedreply/").status_code == 200
    assert editor.get("/cms/snippets/care/cannedreply/add/").status_code == 200
    quality = Topic.objects.get(slug="product-quality")

    response = editor.post(
        "/cms/snippets/care/cannedreply/add/",
        {"title": "Repair on its way", "body": "Hello {first_name}, your repair ships soon.",
         "topic": quality.pk, "live": "on", "position": "1"},
    )  # fmt: skip

    assert response.status_code == 302
    reply = CannedReply.objects.get(title="Repair on its way")
    assert (reply.topic, reply.live) == (quality, True)
    ticket = _tote_ticket()
    page = login(AGENT).get(f"/dashboard/care/{ticket.reference}/?canned={reply.pk}").content.decode()
    assert "Hello Ben, your repair ships soon." in page


@pytest.mark.django_db
@pytest.mark.parametrize("email", [AGENT, PLANNER, "ben@example.com"])
def test_others_cannot_write_canned_replies(login, email):
    response = login(email).post("/cms/snippets/care/cannedreply/add/", {"title": "Sneaky", "body": "x"})
    assert response.status_code in (302, 403)
    assert not CannedReply.objects.filter(title="Sneaky").exists()
