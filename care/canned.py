"""Canned replies: the answers service staff give often, written and kept by editors in the CMS."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CannedReply(models.Model):
    """A reply staff insert into a ticket and then adapt; plain text with a few named blanks.

    Kept as a Wagtail snippet beside the topics, because the people who word the help centre word
    these too. The blanks ({first_name}, {reference}, {order_number}, {agent_name}) are filled
    in the console from the ticket; anything else in braces is left as written.
    """

    title = models.CharField(_("title"), max_length=100, help_text=_("What staff pick from the list."))
    body = models.TextField(
        _("reply"),
        help_text=_(
            "Plain text. Blanks filled from the ticket: {first_name}, {reference}, {order_number}, {agent_name}."
        ),
    )
    topic = models.ForeignKey(
        "care.Topic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="canned_replies",
        help_text=_("Offered first on tickets of this topic; empty: offered on every ticket."),
    )
    live = models.BooleanField(_("offered to staff"), default=True)
    position = models.PositiveSmallIntegerField(_("position in the list"), default=0)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self):
        return self.title
