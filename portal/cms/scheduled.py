"""Scheduled publishing: pages and snippets go live and expire when editors set them to.

Wagtail stores the schedule (a revision's approved go-live time, an object's expiry) and leaves
the doing to its `publish_scheduled` command, which something must run. This does what that
command does, with Wagtail's own calls and log actions: live objects past their expiry are
unpublished, then revisions whose go-live time has come are published. It covers every model
with drafts (`DraftStateMixin`), so the menu and footer snippets too. Unlike the command, each
object is handled in its own transaction: one that fails is logged, left as it was for the next
run, and does not stop the others.
"""

import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from wagtail.models import DraftStateMixin, Page, Revision

logger = logging.getLogger(__name__)


@dataclass
class ScheduledRun:
    """What one run did, each object named 'model pk': unpublished, published, and what failed."""

    unpublished: list = field(default_factory=list)
    published: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def _models_with_drafts():
    return [Page, *(m for m in apps.get_models() if issubclass(m, DraftStateMixin) and not issubclass(m, Page))]


def _isolated(run, done, name, action):
    try:
        with transaction.atomic():
            if action():
                done.append(name)
    except Exception:
        logger.exception("Scheduled publishing failed for %s; it is tried again on the next run", name)
        run.failed.append(name)


def publish_scheduled():
    """Unpublish what has expired, then publish what is due. Running it twice does nothing more.

    Each object is re-read under a row lock and checked again before it changes, so two runs at
    once (a slow run overlapping the next) act on it once.
    """
    run = ScheduledRun()
    for model in _models_with_drafts():
        due = model.objects.filter(live=True, expire_at__lt=timezone.now()).order_by("expire_at")
        for pk in list(due.values_list("pk", flat=True)):

            def unpublish(model=model, pk=pk):
                obj = model.objects.select_for_update().filter(pk=pk, live=True, expire_at__lt=timezone.now()).first()
                if obj is not None:
                    obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
                return obj is not None

            _isolated(run, run.unpublished, f"{model._meta.model_name} {pk}", unpublish)

    due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).order_by("approved_go_live_at")
    for pk, content_type, object_id in list(due.values_list("pk", "content_type__model", "object_id")):

        def publish(pk=pk):
            revision = Revision.objects.select_for_update().filter(pk=pk, approved_go_live_at__lt=timezone.now())
            revision = revision.first()
            if revision is not None:
                revision.publish(log_action="wagtail.publish.scheduled")
            return revision is not None

        _isolated(run, run.published, f"{content_type} {object_id} (revision {pk})", publish)
    return run
