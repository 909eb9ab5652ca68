"""Answering a survey, and the quality ticket a low score opens. The only writers of surveys."""

import logging

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .. import services as care_services
from ..ticket import Channel, Severity
from . import selectors
from .models import HIGHEST, LOWEST, TICKET_AT_MOST, BuyAgain, LineScore, Source, Survey

logger = logging.getLogger(__name__)

COMMENT_MAX = 4000


class SurveyRefused(Exception):
    """The answer cannot be stored; the message says why, in the customer's words."""


class AlreadyAnswered(SurveyRefused):
    def __init__(self, survey):
        self.survey = survey
        super().__init__(already_answered_message(survey))


def already_answered_message(survey):
    day = formats.date_format(timezone.localtime(survey.answered_at), "j M")
    return _("You answered on %(day)s: %(score)s/%(highest)s. Thank you, one answer per order is all we keep.") % {
        "day": day,
        "score": survey.score,
        "highest": HIGHEST,
    }


def _valid_score(value):
    # bool is an int too: True would pass as 1.
    return isinstance(value, int) and not isinstance(value, bool) and LOWEST <= value <= HIGHEST


def _check(*, order, user, score, buy_again, comment, line_scores):
    if user is None or user.pk is None or order.user_id != user.pk:
        raise SurveyRefused(_("We could not find that order in your account."))
    if not selectors.was_delivered(order):
        raise SurveyRefused(_("Order %(number)s has not arrived yet: tell us once it has.") % {"number": order.number})
    if not _valid_score(score):
        raise SurveyRefused(_("Please choose a score from %(low)s to %(high)s.") % {"low": LOWEST, "high": HIGHEST})
    if buy_again not in BuyAgain.values:
        raise SurveyRefused(_("Please tell us whether you would buy from us again: yes, no or not sure."))
    if len(comment) > COMMENT_MAX:
        raise SurveyRefused(_("Please keep your words under %(n)s characters.") % {"n": COMMENT_MAX})
    line_ids = set(order.lines.values_list("pk", flat=True))
    for line_id, line_score in line_scores.items():
        if line_id not in line_ids:
            raise SurveyRefused(_("That item is not part of order %(number)s.") % {"number": order.number})
        if not _valid_score(line_score):
            raise SurveyRefused(
                _("Please choose a score from %(low)s to %(high)s for each item, or none.")
                % {"low": LOWEST, "high": HIGHEST}
            )


def answer_survey(*, order, user, score, buy_again, comment="", line_scores=None, source=Source.HUB, now=None):
    """Store `user`'s answer for their delivered `order`: one survey per order, in one transaction.

    Refused (SurveyRefused, nothing stored) for another customer's order, one not delivered, a
    score outside 1–5, a missing "buy again", or a line score for a line not in the order.
    A second answer, or two submissions at once, raises AlreadyAnswered with the first: the
    insert is conditional on the unique order, so exactly one survey is ever stored. A score
    of 3 or below opens a quality ticket after commit (open_survey_ticket), once.
    """
    line_scores = {line_id: s for line_id, s in (line_scores or {}).items() if s is not None}
    comment = (comment or "").strip()
    _check(order=order, user=user, score=score, buy_again=buy_again, comment=comment, line_scores=line_scores)
    earlier = selectors.survey_of(order)
    if earlier is not None:
        raise AlreadyAnswered(earlier)
    with transaction.atomic():
        try:
            with transaction.atomic():
                survey = Survey.objects.create(
                    order=order,
                    user=user,
                    score=score,
                    buy_again=buy_again,
                    comment=comment,
                    source=source,
                    answered_at=now or timezone.now(),
                )
        except IntegrityError:
            # The other submission of the same moment won: its answer stands, this one is not kept.
            raise AlreadyAnswered(Survey.objects.get(order=order)) from None
        LineScore.objects.bulk_create(
            LineScore(survey=survey, line_id=line_id, score=line_score) for line_id, line_score in line_scores.items()
        )
        if survey.wants_contact:
            survey_id = survey.pk
            transaction.on_commit(lambda: _dispatch_ticket(survey_id))
    return survey


def _dispatch_ticket(survey_id):
    from . import tasks  # the task calls back into this module

    tasks.open_survey_ticket.delay(survey_id)


def _severity(score):
    # A 1 says it does not do its job; a 2 or 3 that something is wrong with it.
    return Severity.MAJOR if score == LOWEST else Severity.MINOR


def open_survey_ticket(*, survey_id):
    """Open the quality ticket for a low-scored survey; once per survey, whoever calls it and how often.

    The survey is claimed with a conditional UPDATE (ticket_claimed_at was empty) in the same
    transaction that opens the ticket: a second call, or two at once, finds it claimed and does
    nothing; a failure rolls the claim back with the ticket, so a retry opens it. Returns the
    ticket, or None when there was nothing to do.
    """
    topic = selectors.quality_topic()
    if topic is None:
        logger.error("survey %s scored low but there is no quality topic (SURVEY_TICKET_TOPIC)", survey_id)
        return None
    with transaction.atomic():
        claimed = Survey.objects.filter(pk=survey_id, ticket_claimed_at__isnull=True, score__lte=TICKET_AT_MOST).update(
            ticket_claimed_at=timezone.now()
        )
        if not claimed:
            return None
        survey = Survey.objects.select_related("order", "user").get(pk=survey_id)
        order = survey.order
        subject = _("Survey: %(score)s/%(highest)s for order %(number)s") % {
            "score": survey.score,
            "highest": HIGHEST,
            "number": order.number,
        }
        body = "\n\n".join(
            part
            for part in (
                _("Score %(score)s/%(highest)s; would buy again: %(again)s.")
                % {"score": survey.score, "highest": HIGHEST, "again": survey.get_buy_again_display()},
                survey.comment or _("(No words given.)"),
            )
        )
        ticket, _created = care_services.open_ticket(
            topic=topic,
            subject=subject,
            body=body,
            user=survey.user,
            severity=_severity(survey.score),
            order=order,
            channel=Channel.SURVEY,  # opened by the survey's score, not typed by the customer as a ticket
        )
        Survey.objects.filter(pk=survey.pk).update(ticket=ticket)
    return ticket
