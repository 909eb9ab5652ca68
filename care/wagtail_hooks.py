"""Ticket topics in Wagtail's admin, beside the help centre they are linked from ("Still stuck?")."""

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

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
