"""A delivered order's survey: how it turned out, whether they would buy again, in their words.

One per order (a unique constraint, so a double submit or a second answer stores nothing), with
an optional score per line for orders of several items.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LOWEST, HIGHEST = 1, 5
# A score at or below this opens a ticket in the quality queue: a 4 is a warning, a 3 a complaint.
TICKET_AT_MOST = 3

SCORE_VALIDATORS = [MinValueValidator(LOWEST), MaxValueValidator(HIGHEST)]


def _score_in_range(field):
    return models.Q(**{f"{field}__gte": LOWEST, f"{field}__lte": HIGHEST})


class BuyAgain(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_SURE = "not_sure", _("Not sure")


class Source(models.TextChoices):
    LINK = "link", _("The reminder's link")
    HUB = "hub", _("The account's order page")


class Survey(models.Model):
    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="survey")
    # The order's customer when they answered; an erased account takes its words with it (the order stays).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="surveys")
    score = models.PositiveSmallIntegerField(_("score"), validators=SCORE_VALIDATORS)
    buy_again = models.CharField(_("would buy again"), max_length=10, choices=BuyAgain.choices)
    comment = models.TextField(_("in your words"), blank=True, max_length=4000)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.HUB)
    answered_at = models.DateTimeField(default=timezone.now)
    # The quality ticket a low score opened: claimed before opening, so it is opened once per survey.
    ticket_claimed_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey("care.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys")

    class Meta:
        ordering = ["-answered_at", "-pk"]
        indexes = [models.Index(fields=["answered_at"], name="surveys_answered")]
        constraints = [models.CheckConstraint(condition=_score_in_range("score"), name="surveys_score_1_to_5")]

    def __str__(self):
        return f"{self.order.number}: {self.score}/{HIGHEST}"

    @property
    def wants_contact(self):
        return self.score <= TICKET_AT_MOST


class LineScore(models.Model):
    """An item's own score, for an order of several: the sofa may be fine and its cushions not."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="line_scores")
    line = models.ForeignKey("order.Line", on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), validators=SCORE_VALIDATORS)

    class Meta:
        ordering = ["line_id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "line"], name="surveys_one_score_per_line"),
            models.CheckConstraint(condition=_score_in_range("score"), name="surveys_line_score_1_to_5"),
        ]

    def __str__(self):
        return f"line {self.line_id}: {self.score}/{HIGHEST}"
