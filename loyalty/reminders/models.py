"""Reminder rules, what customers agreed to receive, and every reminder decided or sent.

A `ReminderSend` row exists once per (trigger, customer, cause): its `dedupe_key` is unique,
so the beat run can insert candidates again and again and nothing is sent twice. Its status
says what became of it: sent, held out as the control group, suppressed (no channel the
customer accepts), capped (too many reminders this week), failed (its message could not be
made from what was stored; the reason is kept) or still pending (queued, or waiting for the
end of the customer's quiet hours).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, PreviewableMixin, RevisionMixin

from loyalty.models import check_value_classes, value_class_codes
from loyalty.wording import check_placeholders, language_choices

from . import placeholders


class Trigger(models.TextChoices):
    BIRTHDAY = "birthday", _("Birthday")
    ANNIVERSARY = "anniversary", _("Purchase anniversary")
    REPLENISHMENT = "replenishment", _("Reorder or replenishment due")
    SAVED_DESIGN = "saved_design", _("Saved design not ordered")
    ABANDONED_BASKET = "abandoned_basket", _("Basket abandoned")
    POINTS_EXPIRING = "points_expiring", _("Points expiring")
    TIER_GAP = "tier_gap", _("Short of the next tier")
    WIN_BACK = "win_back", _("Lapsed customer win-back")
    ORDER_SHIPPED = "order_shipped", _("Order shipped")
    ORDER_DELIVERED = "order_delivered", _("Order delivered")
    SURVEY = "survey", _("Satisfaction survey after delivery")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    INBOX = "inbox", _("Account inbox")


# News about an order the customer placed. Every other reminder invites a purchase (marketing),
# so it is sent to a new customer only when they ticked it at sign-up; these are ticked for them.
SERVICE_TRIGGERS = frozenset({Trigger.ORDER_SHIPPED, Trigger.ORDER_DELIVERED})


# What the rule's one number N means for each trigger, shown to staff next to the field.
THRESHOLD_MEANING = {
    Trigger.BIRTHDAY: _("unused"),
    Trigger.ANNIVERSARY: _("unused"),
    Trigger.REPLENISHMENT: _("unused: intervals are set per product family"),
    Trigger.SAVED_DESIGN: _("days after saving"),
    Trigger.ABANDONED_BASKET: _("hours since the basket last changed"),
    Trigger.POINTS_EXPIRING: _("days before the points expire"),
    Trigger.TIER_GAP: _("at most this much 12-month spend short of the next tier"),
    Trigger.WIN_BACK: _("days without an order"),
    Trigger.ORDER_SHIPPED: _("unused"),
    Trigger.ORDER_DELIVERED: _("unused"),
    Trigger.SURVEY: _("days after delivery"),
}


class ReminderRule(models.Model):
    """One per trigger: when it fires, for whom, on which channels and how often at most."""

    trigger = models.CharField(max_length=32, choices=Trigger.choices, unique=True)
    enabled = models.BooleanField(default=True)
    threshold = models.PositiveIntegerField(
        _("N"), default=0, help_text=_("Days, hours or points, depending on the trigger (see its description)")
    )
    lookback_days = models.PositiveSmallIntegerField(
        default=7, help_text=_("How long a cause still counts when the run missed it (a missed day, a late delivery)")
    )
    segments = models.CharField(
        max_length=200, blank=True, help_text=_("Comma-separated loyalty segment codes; empty means every customer")
    )
    value_classes = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Comma-separated value classes (premium, major, ordinary, restricted, potential); empty: everyone"),
    )
    send_email = models.BooleanField(_("email"), default=True)
    send_inbox = models.BooleanField(_("inbox"), default=True)
    weekly_cap = models.PositiveSmallIntegerField(
        default=3, help_text=_("Not sent to a customer who already had this many reminders in the last 7 days")
    )
    quiet_start = models.TimeField(default=datetime.time(21, 0), help_text=_("In the customer's time zone"))
    quiet_end = models.TimeField(default=datetime.time(8, 0))
    holdout_percent = models.PositiveSmallIntegerField(
        default=10,
        validators=[MaxValueValidator(50)],
        help_text=_("Share of customers kept as a control group: recorded, never sent, to measure the lift"),
    )

    panels = [
        FieldPanel("trigger"),
        FieldPanel("enabled"),
        FieldRowPanel([FieldPanel("threshold"), FieldPanel("lookback_days")]),
        FieldPanel("segments"),
        FieldPanel("value_classes"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("send_email"), FieldPanel("send_inbox")]), FieldPanel("weekly_cap")],
            heading=_("Channels and frequency"),
        ),
        FieldRowPanel([FieldPanel("quiet_start"), FieldPanel("quiet_end")], heading=_("Quiet hours")),
        FieldPanel("holdout_percent"),
    ]

    class Meta:
        ordering = ["trigger"]
        verbose_name = _("reminder rule")

    def __str__(self):
        return self.get_trigger_display()

    @property
    def channels(self):
        return [c for c, on in ((Channel.EMAIL, self.send_email), (Channel.INBOX, self.send_inbox)) if on]

    @property
    def segment_codes(self):
        return [code.strip() for code in self.segments.split(",") if code.strip()]

    @property
    def value_class_codes(self):
        return value_class_codes(self.value_classes)

    def clean(self):
        super().clean()
        try:
            check_value_classes(self.value_classes)
        except ValidationError as error:
            raise ValidationError({"value_classes": error.messages}) from error

    @property
    def threshold_meaning(self):
        return THRESHOLD_MEANING[self.trigger]

    def in_quiet_hours(self, local_time):
        start, end = self.quiet_start, self.quiet_end
        if start == end:
            return False
        if start < end:
            return start <= local_time < end
        return local_time >= start or local_time < end  # the usual case: across midnight


class ReplenishmentInterval(models.Model):
    """How often a product family needs its consumable again (the fridge's water filter: 180 days)."""

    family = models.OneToOneField(
        "configurator.ProductFamily", on_delete=models.CASCADE, related_name="replenishment_interval"
    )
    item = models.CharField(max_length=80, help_text=_('What is due, in words: "water filter"'))
    reorder_product = models.ForeignKey(
        "catalogue.Product",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The product to reorder; buying it restarts the interval"),
    )
    interval_days = models.PositiveIntegerField(default=180)

    panels = [FieldPanel("family"), FieldPanel("item"), FieldPanel("reorder_product"), FieldPanel("interval_days")]

    class Meta:
        verbose_name = _("replenishment interval")

    def __str__(self):
        return f"{self.family}: {self.item} every {self.interval_days} days"


class ReminderConsent(models.Model):
    """A customer's choice for one reminder type on one channel.

    Registration writes a row for every type and channel, as ticked (marketing is never
    ticked in advance). No row, for accounts made before that (demo, staff), means allowed,
    and every message offers a one-click way out. A row with `allowed=False` always wins.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_consents")
    trigger = models.CharField(max_length=32, choices=Trigger.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    allowed = models.BooleanField()
    source = models.CharField(max_length=16, default="preferences")  # preferences | unsubscribe
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "trigger", "channel"], name="reminders_one_consent_per_channel")
        ]

    def __str__(self):
        return f"{self.user_id} {self.trigger} {self.channel}: {'yes' if self.allowed else 'no'}"


class ConsentRecord(models.Model):
    """What a customer was asked and what they answered, when: the evidence of their consent.

    Written once, together with the `ReminderConsent` rows it set, and never changed; a later
    change of mind (the preferences page, an unsubscribe link) is a new record and a new
    `ReminderConsent` state, not an edit of what was agreed here.
    """

    class Source(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        PREFERENCES = "preferences", _("Reminder preferences page")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_records")
    source = models.CharField(max_length=16, choices=Source.choices)
    recorded_at = models.DateTimeField()
    wording = models.TextField(help_text=_("The words the customer was shown, exactly"))
    # {"birthday": {"email": false, "inbox": false}, ...}: every type and channel asked about.
    choices = models.JSONField()

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"{self.user_id} {self.source} {self.recorded_at:%Y-%m-%d %H:%M}"


class ReminderSend(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        HELD_OUT = "held_out", _("Held out (control group)")
        SUPPRESSED = "suppressed", _("Suppressed (no channel allowed)")
        CAPPED = "capped", _("Capped (weekly limit)")
        FAILED = "failed", _("Failed (message could not be made)")

    rule = models.ForeignKey(ReminderRule, on_delete=models.CASCADE, related_name="sends")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_sends")
    # trigger:user:cause, e.g. "birthday:42:2026" or "order_shipped:42:100231".
    dedupe_key = models.CharField(max_length=200, unique=True)
    context = models.JSONField(default=dict, blank=True)  # placeholder values known at selection
    holdout = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)  # set when quiet hours deferred it
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    channels = models.CharField(max_length=20, blank=True)  # what it went out on: "email,inbox"
    # Why it failed, for staff: rendering it again would fail again, so it is not retried.
    failure = models.CharField(max_length=255, blank=True)
    notification = models.ForeignKey(
        "communication.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clicked_at = models.DateTimeField(null=True, blank=True)
    clicks = models.PositiveIntegerField(default=0)
    # The 7 days in which an order counts as a conversion: from sending (or, for the control
    # group, from when it would have been sent).
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["status", "due_at"], name="reminders_send_pending"),
            models.Index(fields=["user", "sent_at"], name="reminders_send_user_week"),
            models.Index(fields=["rule", "status"], name="reminders_send_rule_status"),
        ]

    def __str__(self):
        return self.dedupe_key


class OutboxEmail(models.Model):
    """An email waiting for (or past) delivery; one per send, so a retried chunk cannot add a second.

    A worker claims a queued email (`claimed_at`, committed) before it talks to the mail server,
    and nothing is locked while it does; another worker leaves a claimed email alone until the
    claim is stale, when the first is taken to have died mid-send. `attempts` counts the claims;
    an email the mail server refused for now waits until `not_before` (growing each time).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    send = models.OneToOneField(ReminderSend, on_delete=models.CASCADE, related_name="email")
    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField()
    headers = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    not_before = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.to}: {self.subject}"


_language_choices = language_choices  # the name migrations refer to


class ReminderMessage(PreviewableMixin, DraftStateMixin, RevisionMixin, models.Model):
    """The words of one reminder type in one language, edited in Wagtail with drafts and preview.

    Placeholders such as {first_name} are filled per customer; an unknown one is refused
    when saving, by name, so a typo never reaches a customer as "{frist_name}".
    """

    trigger = models.CharField(max_length=32, choices=Trigger.choices)
    language = models.CharField(max_length=12, choices=_language_choices, default="en-gb")
    subject = models.CharField(max_length=200)
    body = models.TextField(
        help_text=format_lazy(
            "{}: {}", _("Plain text; a blank line starts a new paragraph. Placeholders"), placeholders.KNOWN_TEXT
        )
    )
    button_label = models.CharField(max_length=60, help_text=_("The link's words, e.g. Reorder your filter"))

    panels = [
        FieldRowPanel([FieldPanel("trigger"), FieldPanel("language")]),
        FieldPanel("subject"),
        FieldPanel("body"),
        FieldPanel("button_label"),
    ]
    preview_modes = [("email", _("Email (HTML)")), ("text", _("Email (plain text)")), ("inbox", _("Inbox"))]

    class Meta:
        verbose_name = _("reminder message")
        constraints = [
            models.UniqueConstraint(fields=["trigger", "language"], name="reminders_one_message_per_language")
        ]

    def __str__(self):
        return f"{self.get_trigger_display()} ({self.language})"

    def clean(self):
        super().clean()
        check_placeholders(
            {field: getattr(self, field) for field in ("subject", "body", "button_label")},
            placeholders.unknown_in,
            placeholders.KNOWN,
        )

    def get_preview_template(self, request, mode_name):
        return "reminders/previews/message.html"

    def get_preview_context(self, request, mode_name):
        from .messages import render_preview

        return {**super().get_preview_context(request, mode_name), **render_preview(self, mode_name)}
