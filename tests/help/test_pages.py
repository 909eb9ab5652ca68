"""The help centre's pages as shoppers read them, and as the demo and editors set them up."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page

from care.help.models import AnswerVote, CaseArticlePage, HelpIndexPage, HelpTopicPage
from portal.cms.models import HomePage
from portal.demo import help_centre
from tests.help.pages import new_topic, question

pytestmark = pytest.mark.django_db


def test_the_help_centre_lists_topics_popular_questions_and_cases(client):
    html = client.get("/help/").content.decode()

    for topic in (
        "Ordering a made-to-order product",
        "Delivery and returns",
        "Paying and points",
        "Your order in production",
        "Caring for your products",
    ):
        assert topic in html
    assert '<a href="/help/paying/#how-to-pay">How can I pay?</a>' in html  # a topic's first question
    assert '<a href="/help/add-a-seat-to-my-sofa-later/">Can I add a seat to my sofa later?</a>' in html
    assert 'action="/help/search/"' in html


def test_the_question_most_found_helpful_comes_first_in_popular_questions(client):
    page = HelpTopicPage.objects.get(slug="care")
    printed = next(q for q in page.questions() if q.anchor == "printed")
    for n in range(3):
        AnswerVote.objects.create(page=page, question_key=printed.key, visitor=f"v{n}", helpful=True)

    html = client.get("/help/").content.decode()
    popular = html[html.index('id="help-popular"') :]

    assert popular.index("How do I wash printed T-shirts and totes?") < popular.index("How can I pay?")


def test_every_question_has_an_anchor_of_its_own(client):
    page = new_topic(
        "twins",
        [
            question("Same words?", "<p>One.</p>"),
            question("Same words?", "<p>Two.</p>"),
            question("Other", "<p>3</p>", "x"),
        ],
    )

    html = client.get(page.url).content.decode()

    assert [q.anchor for q in page.questions()] == ["same-words", "same-words-2", "x"]
    for anchor in ("same-words", "same-words-2", "x"):
        assert f'<section class="help-question" id="{anchor}"' in html
        assert f'<a href="#{anchor}">' in html


def test_a_case_article_shows_the_question_as_asked_and_its_product(client):
    html = client.get("/help/left-hinged-fridge-next-to-a-wall/").content.decode()

    assert "My kitchen has a wall on the right of the fridge space." in html
    assert "The Atelier Fridge" in html
    assert "Leave 5 cm between the fridge and the wall" in html
    assert "Did this answer your question?" in html


def test_help_pages_go_only_where_they_belong():
    assert HelpIndexPage.allowed_parent_page_models() == [HomePage]
    assert HelpIndexPage.max_count == 1
    assert HelpTopicPage.allowed_parent_page_models() == [HelpIndexPage]
    assert HelpTopicPage.allowed_subpage_models() == []
    assert CaseArticlePage.allowed_parent_page_models() == [HelpIndexPage]


def test_loading_the_demo_help_centre_again_changes_nothing():
    pages = Page.objects.count()

    assert help_centre.load_help_centre() == 0
    assert help_centre.load_help_links() == 0
    assert help_centre.load_help_workflow() == 0
    assert Page.objects.count() == pages


def test_help_pages_go_through_the_editors_review():
    index = HelpIndexPage.objects.get()
    topic = HelpTopicPage.objects.get(slug="paying")

    workflow = topic.get_workflow()
    assert workflow.name == "Help centre review"
    assert [task.specific.groups.get().name for task in workflow.tasks] == ["Editors"]
    assert index.get_workflow() == workflow
    writers = Group.objects.get(name="Help writers")
    assert {p.permission.codename for p in writers.page_permissions.filter(page=index)} == {"add_page", "change_page"}


def test_the_menu_and_footer_link_to_the_help_centre(client):
    html = client.get("/").content.decode()
    header, footer = html[html.index("<header") : html.index("</header>")], html[html.index("<footer") :]

    assert '<a href="/help/">Help</a>' in header
    assert '<a href="/help/">Help centre</a>' in footer
