"""The shop-floor terminal's actions: start, pause, resume and finish (with the good pieces and the
scrap), each an answer the operator reads.

A tablet on a flaky connection sends a tap again when the answer was lost. Every action is a
conditional update on the state it was checked against (`floor._change_if_still`), and an action
whose result is already there (started twice, paused while paused, finished twice) is answered
"already ..., nothing changed" instead of an error: the second tap changes and records nothing.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..models import Operation
from . import floor
from .floor import ProductionActionError


@dataclass(frozen=True)
class Outcome:
    changed: bool
    message: str


def _at(moment):
    return f"{timezone.localtime(moment):%H:%M}" if moment else "earlier"


def _already(operation, action):
    """What to say when `action` finds its result already there; None when it does not."""
    running = operation.status == Operation.STARTED
    if action == "start" and running:
        return f"{operation} was already started at {_at(operation.actual_start)}; nothing changed."
    if action == "pause" and running and operation.paused_at:
        return f"{operation} was already paused at {_at(operation.paused_at)}; nothing changed."
    if action == "resume" and running and not operation.paused_at:
        return f"{operation} is already running; nothing changed."
    if action in ("start", "finish") and operation.status == Operation.FINISHED:
        counted = ""
        if operation.good_quantity is not None:
            counted = f" ({operation.good_quantity} good, {operation.scrap_quantity} scrapped)"
        return f"{operation} was already finished at {_at(operation.actual_end)}{counted}; nothing changed."
    return None


def _once(operation, action, do):
    """Do `do()` unless its result is already there; if a rival tap got there between the check
    and the write (the conditional update refused), say so as the rival's result."""
    already = _already(operation, action)
    if already:
        return Outcome(False, already)
    try:
        do()
    except ProductionActionError:
        operation.refresh_from_db()
        already = _already(operation, action)
        if already:
            return Outcome(False, already)
        raise
    operation.refresh_from_db()  # the caller's copy shows what was done, as a reload would
    return None


def start(*, operation, user, now=None):
    outcome = _once(operation, "start", lambda: floor.start_operation(operation=operation, user=user, now=now))
    return outcome or Outcome(True, f"{operation} started.")


def pause(*, operation, user, now=None):
    now = now or timezone.now()

    def do():
        if operation.status != Operation.STARTED:
            raise ProductionActionError(f"{operation} is {operation.status}; only a running operation pauses.")
        with transaction.atomic():
            floor._act_on(
                operation,
                Operation.STARTED,
                user=user,
                kind="paused",
                description=f"{operation} paused by {floor._who(user)}",
                where={"paused_at": None},
                paused_at=now,
            )

    return _once(operation, "pause", do) or Outcome(True, f"{operation} paused; resume it when work goes on.")


def resume(*, operation, user, now=None):
    now = now or timezone.now()

    def do():
        if operation.status != Operation.STARTED:
            raise ProductionActionError(f"{operation} is {operation.status}; only a paused operation resumes.")
        unpaused, where = floor.paused_until(operation, now)
        with transaction.atomic():
            floor._act_on(
                operation,
                Operation.STARTED,
                user=user,
                kind="resumed",
                description=f"{operation} resumed by {floor._who(user)}",
                where=where,
                **unpaused,
            )

    return _once(operation, "resume", do) or Outcome(True, f"{operation} running again.")


def finish(*, operation, user, good, scrap, reason, now=None):
    def do():
        floor.finish_operation(operation=operation, user=user, now=now, good=good, scrap=scrap, reason=reason)

    outcome = _once(operation, "finish", do)
    if outcome:
        return outcome
    scrapped = f", {scrap} scrapped" if scrap else ""
    return Outcome(True, f"{operation} finished: {good} good{scrapped}.")


def parse_count(text, what):
    """A count typed on the terminal: a whole number from 0, or a clear refusal."""
    text = (text or "").strip()
    if not text.isdigit() or len(text) > 6:
        raise ProductionActionError(f"{what}: give a whole number from 0.")
    return int(text)
