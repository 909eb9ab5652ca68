"""Reads of the help centre: topics, popular questions, search, votes. Only live, public pages."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from wagtail.models import Page

from . import highlight, links
from .models import AnswerVote, CaseArticlePage, CaseSource, HelpTopicPage

SEARCH_LIMIT = 20
QUERY_MAX_LENGTH = 200


def _published(model):
    return model.objects.live().public()


def topics(index):
    return list(_published(HelpTopicPage).child_of(index).order_by("path"))


def recent_cases(index, *, limit=4):
    return list(_published(CaseArticlePage).child_of(index).order_by("-first_published_at")[:limit])


def case_article_for(ticket):
    """The case article drafted from `ticket` (for staff: drafts too), with its page, or None."""
    return CaseSource.objects.filter(ticket=ticket).select_related("page", "created_by").first()


@dataclass(frozen=True)
class QuestionLink:
    page: Page
    question: object  # models.Question

    @property
    def url(self):
        return f"{self.page.url}#{self.question.anchor}"


def popular_questions(index, *, limit=5):
    """The questions visitors most often found answered, topped up with each topic's first ones."""
    pages = {page.pk: page for page in topics(index)}
    found_helpful = (
        AnswerVote.objects.filter(page_id__in=pages, helpful=True)
        .values("page_id", "question_key")
        .annotate(yes=Count("pk"))
        .order_by("-yes", "page_id")[: limit * 2]
    )
    links = []
    for row in found_helpful:
        question = pages[row["page_id"]].find_question(row["question_key"])
        if question is not None:  # a question since removed keeps its votes but is not shown
            links.append(QuestionLink(pages[row["page_id"]], question))
    for depth in range(limit):
        for page in pages.values():
            questions = page.questions()
            if depth < len(questions) and all(link.question.key != questions[depth].key for link in links):
                links.append(QuestionLink(page, questions[depth]))
    return links[:limit]


@dataclass
class Hit:
    """A page found, with the questions in it that hold the words searched for, marked."""

    page: Page
    title: object
    questions: list = field(default_factory=list)  # (url, marked question, marked excerpt)
    summary: object = ""


@dataclass
class HelpSearch:
    query: str
    count: int = 0
    hits: list = field(default_factory=list)


def clean_query(raw):
    return " ".join((raw or "").split())[:QUERY_MAX_LENGTH]


def search_help(query, *, limit=SEARCH_LIMIT):
    """Live, public topics and case articles matching `query`, best first, through Wagtail's search.

    On PostgreSQL that is its full text search (stemmed, ranked); on SQLite the FTS5 table of
    Wagtail's database backend. Pages come back whole; inside each, the questions that contain a
    word of the query are picked out and marked (`highlight`).
    """
    query = clean_query(query)
    if not query:
        return HelpSearch(query)
    pages = Page.objects.live().public().type(HelpTopicPage, CaseArticlePage)
    results = pages.search(query, operator="or")
    ids = [page.pk for page in results[:limit]]
    # Counting runs the match again; a page of results that is not full is the count already.
    count = len(ids) if len(ids) < limit else results.count()
    by_id = {page.pk: page for page in Page.objects.filter(pk__in=ids).specific()}
    words = highlight.terms(query)
    return HelpSearch(query, count, [_hit(by_id[pk], words) for pk in ids if pk in by_id])


def _hit(page, words):
    hit = Hit(page, highlight.mark(page.title, words))
    if isinstance(page, CaseArticlePage):
        hit.summary = highlight.excerpt(page.question, words)
        hit.questions.append((page.url, None, highlight.excerpt(page.answer, words)))
        return hit
    hit.summary = highlight.mark(page.introduction, words)
    for question in page.questions():
        answer = str(question.answer.source if hasattr(question.answer, "source") else question.answer)
        if highlight.contains(question.question, words) or highlight.contains(answer, words):
            hit.questions.append(
                (
                    f"{page.url}#{question.anchor}",
                    highlight.mark(question.question, words),
                    highlight.excerpt(answer, words),
                )
            )
    return hit


def visitor_votes(page, visitor):
    """{question key: helpful} for the questions of `page` this visitor has answered."""
    if not visitor:
        return {}
    return dict(AnswerVote.objects.filter(page=page, visitor=visitor).values_list("question_key", "helpful"))


@dataclass(frozen=True)
class HelpTarget:
    url: str
    label: str


def help_target(key):
    """Where `{% help_link key %}` points: "topic-slug" or "topic-slug#anchor"; None unless live and public.

    Cached: product, checkout and hub pages show these links on every view. Publishing,
    unpublishing, moving or restricting a page starts a new generation of the cache (`links`).
    """
    return links.cached(key, _help_target)


def _help_target(key):
    slug, _, anchor = key.partition("#")
    page = Page.objects.live().public().type(HelpTopicPage, CaseArticlePage).filter(slug=slug).specific().first()
    if page is None:
        return None
    question = next((q for q in page.questions() if anchor and q.anchor == anchor), None)
    if question is None:
        return HelpTarget(page.url, page.title)
    return HelpTarget(f"{page.url}#{question.anchor}", question.question)


def vote_counts():
    """Every question voted on, with its yes and no counts, the least helpful share first."""
    rows = (
        AnswerVote.objects.values("page_id", "question_key")
        .annotate(yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False)))
        .order_by("page_id", "question_key")
    )
    pages = Page.objects.filter(pk__in={row["page_id"] for row in rows}).specific().in_bulk()
    report = []
    for row in rows:
        page = pages.get(row["page_id"])
        question = page.find_question(row["question_key"]) if page is not None else None
        total = row["yes"] + row["no"]
        report.append(
            {
                "page": page,
                "question": question.question if question else "(removed question)",
                "url": f"{page.url}#{question.anchor}" if page and question and page.live else None,
                "yes": row["yes"],
                "no": row["no"],
                "helpful_share": round(100 * row["yes"] / total) if total else None,
            }
        )
    return sorted(report, key=lambda row: (row["helpful_share"], -(row["yes"] + row["no"])))
