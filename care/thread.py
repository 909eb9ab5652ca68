"""What is said on a ticket: messages (with internal notes for staff only) and their attachments."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .storage import attachment_path, private_storage


class Author(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("System")


class TicketMessage(models.Model):
    """One message, plain text (escaped wherever shown). Internal notes are never shown to the customer."""

    ticket = models.ForeignKey("care.Ticket", on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    internal = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    # The reply form's one-time token: a double submit adds one message.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Set when the e-mail telling the customer of this message was sent (or claimed for sending).
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The Message-ID of the e-mail this message came in as: the same e-mail delivered twice adds one message.
    email_message_id = models.CharField(max_length=255, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["created", "pk"]
        indexes = [
            models.Index(fields=["ticket", "author_kind", "created"], name="care_message_unread"),
            # The reconciler's read of staff replies whose e-mail was lost: a handful of rows, not every message.
            models.Index(
                fields=["created"],
                name="care_message_not_emailed",
                condition=models.Q(emailed_at__isnull=True, author_kind="staff", internal=False),
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id}: {self.author_kind} at {self.created:%Y-%m-%d %H:%M}"

    @property
    def author_name(self):
        if self.author_kind == Author.STAFF:
            return (self.author.first_name if self.author_id else "") or _("Atelier customer care")
        if self.author_kind == Author.SYSTEM:
            return _("Atelier")
        return _("You")


class TicketAttachment(models.Model):
    """An image or PDF sent with a message, kept outside the public media (care/storage.py)."""

    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=200)
    name = models.CharField(max_length=120)  # as the customer named it, shown only as text
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    created = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name
