"""Help centre pages (index, topics of questions and answers, case-library articles) and the two
records shoppers leave there: answer votes and searches. Both are anonymous: a visitor is a
hash of a random token kept in their session, never a user, an address or a session key."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import QuestionStreamBlock, anchor_for

ANSWER_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3"]


@dataclass(frozen=True)
class Question:
    """A question as the site shows it: `key` names it in votes (a block's id, "" for an article)."""

    key: str
    anchor: str
    question: str
    answer: object  # RichText


class VotableMixin(RoutablePageMixin):
    """A page whose answers take "did this answer your question?" votes, posted to `vote/`."""

    def questions(self):
        raise NotImplementedError

    def get_context(self, request, *args, **kwargs):
        from . import selectors
        from .visitors import visitor_hash

        context = super().get_context(request, *args, **kwargs)
        # Reading the token never creates a session: only a vote or a search does.
        context["visitor_votes"] = selectors.visitor_votes(self, visitor_hash(request, create=False))
        context["vote_url"] = self.url + self.reverse_subpage("vote")
        context["help_index"] = HelpIndexPage.objects.live().ancestor_of(self).first()
        return context

    def find_question(self, key):
        return next((question for question in self.questions() if question.key == key), None)

    @path("vote/", name="vote")
    def vote(self, request):
        from .views import vote

        return vote(request, self)


class HelpIndexPage(RoutablePageMixin, Page):
    """The help centre's home: a search box, the topics, the questions most found helpful."""

    introduction = models.TextField(blank=True, max_length=400)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]

    max_count = 1
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["help.HelpTopicPage", "help.CaseArticlePage"]
    template = "help/help_index_page.html"

    class Meta:
        verbose_name = _("help centre")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["topics"] = selectors.topics(self)
        context["popular"] = selectors.popular_questions(self)
        context["cases"] = selectors.recent_cases(self)
        context["help_index"] = self
        return context

    def get_search_context(self, request, found):
        """The results page's context: the topics only when nothing was found, to browse instead."""
        from . import selectors

        context = super().get_context(request)
        context.update({"search": found, "query": found.query, "help_index": self})
        if not found.hits:
            context["topics"] = selectors.topics(self)
        return context

    @path("search/", name="search")
    def search(self, request):
        from .views import search

        return search(request, self)


class HelpTopicPage(VotableMixin, Page):
    """A topic ("Delivery and returns") of questions, each answered, linkable and voted on."""

    introduction = models.TextField(blank=True, max_length=400)
    body = StreamField(QuestionStreamBlock(), blank=True, verbose_name=_("questions"))

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.SearchField("body")]

    parent_page_types = ["help.HelpIndexPage"]
    subpage_types = []
    template = "help/help_topic_page.html"

    class Meta:
        verbose_name = _("help topic")

    def questions(self):
        return self._questions

    @cached_property
    def _questions(self):
        seen, questions = set(), []
        for block in self.body:
            if block.block_type != "question":
                continue
            anchor, n = anchor_for(block.value), 2
            while anchor in seen:  # two questions worded alike still get links of their own
                anchor, n = f"{anchor_for(block.value)}-{n}", n + 1
            seen.add(anchor)
            questions.append(Question(block.id, anchor, block.value["question"], block.value["answer"]))
        return questions


class CaseArticlePage(VotableMixin, Page):
    """A case from the library: a real question as a customer asked it, and how it was answered."""

    question = models.TextField(max_length=2000, help_text=_("The question as the customer asked it, anonymised"))
    answer = RichTextField(features=ANSWER_FEATURES)
    product_family = models.ForeignKey(
        "configurator.ProductFamily",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The product it concerns, if any"),
    )

    content_panels = [*Page.content_panels, FieldPanel("question"), FieldPanel("answer"), FieldPanel("product_family")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("question"),
        index.SearchField("answer"),
        index.FilterField("product_family"),
    ]

    parent_page_types = ["help.HelpIndexPage"]
    subpage_types = []
    template = "help/case_article_page.html"

    class Meta:
        verbose_name = _("case article")

    def questions(self):
        return [Question("", "answer", self.title, self.answer)]


class AnswerVote(models.Model):
    """One visitor's answer to "did this answer your question?" for one question of one page."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    question_key = models.CharField(max_length=64, blank=True)
    visitor = models.CharField(max_length=64, help_text=_("A hash of a random token in the visitor's session"))
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "question_key", "visitor"], name="help_one_vote_per_visitor")
        ]
        verbose_name = _("answer vote")

    def __str__(self):
        return f"{self.page_id}/{self.question_key or 'answer'}: {'yes' if self.helpful else 'no'}"


class SearchRecord(models.Model):
    """A help search: what was asked, how much was found, and whether the visitor then opened a ticket."""

    query = models.CharField(max_length=200)
    results_count = models.PositiveIntegerField()
    visitor = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ended_in_ticket_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("help search")

    def __str__(self):
        return self.query


class CaseSource(models.Model):
    """The ticket a case article was drafted from: one article per ticket, and the customer thanked once.

    Kept beside the page, not on it: a page's fields travel into its revisions and copies, and the
    article itself must not name the ticket it came from.
    """

    page = models.OneToOneField(CaseArticlePage, on_delete=models.CASCADE, related_name="source")
    # An erased account takes its tickets with it, and this link; the anonymised article stays.
    ticket = models.OneToOneField("care.Ticket", on_delete=models.CASCADE, related_name="case_article")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the customer was thanked for the published article (points and a message), once.
    thanked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("case article source")

    def __str__(self):
        return f"page {self.page_id} from ticket {self.ticket_id}"
