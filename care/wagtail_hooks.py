"""Ticket topics and canned replies in Wagtail's admin, beside the help centre they are linked from ("Still stuck?")."""

from django import forms
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .canned import CannedReply
from .topic import Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "help"
    menu_label = "Ticket topics"
    menu_name = "ticket-topics"
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["name", "slug", "queue", "first_response_hours", "resolution_hours", "is_complaint"]
    list_filter = ["queue", "is_complaint", "customer_may_choose"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldPanel("queue"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("first_response_hours"), FieldPanel("resolution_hours")]),
                FieldPanel("default_priority"),
                FieldPanel("is_complaint"),
            ],
            heading="Promise and priority",
        ),
        FieldRowPanel([FieldPanel("customer_may_choose"), FieldPanel("position")]),
    ]


register_snippet(TopicViewSet)


class CannedReplyViewSet(SnippetViewSet):
    model = CannedReply
    icon = "openquote"
    menu_label = "Canned replies"
    menu_name = "canned-replies"
    add_to_admin_menu = True
    menu_order = 311
    list_display = ["title", "topic", "live", "position"]
    list_filter = ["topic", "live"]
    search_fields = ["title", "body"]
    panels = [
        FieldPanel("title"),
        FieldPanel("body"),
        # A plain list, not the snippet chooser: its "edit this topic" link would send editors, who
        # may word replies but not route tickets, to a page that turns them away.
        FieldRowPanel([FieldPanel("topic", widget=forms.Select), FieldPanel("live"), FieldPanel("position")]),
    ]


register_snippet(CannedReplyViewSet)
