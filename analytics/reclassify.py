"""The nightly value-class run: every customer's class from their 12-month figures, written to
their loyalty account (where reminders, campaigns, content and the staff pages read it) and to
the history when it changed. Runs after loyalty's nightly recompute, which opens the accounts of
customers registered that day (beat: analytics-value-classes, portal/settings/base.py)."""

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

from django.db import transaction
from django.utils import timezone

from loyalty.models import LoyaltyAccount

from .models import ValueClassHistory
from .selectors.value_classes import current_rules, customer_figures, rule_values, twelve_months
from .value_classes import classify

logger = logging.getLogger(__name__)

CHUNK = 2000  # customers written per transaction


@dataclass
class ReclassifyResult:
    customers: int = 0
    changed: int = 0  # history rows written (first classifications included)
    failed: int = 0  # customers whose write failed (logged; tried again the next night)
    classes: dict = field(default_factory=dict)  # customers per class after the run
    seconds: float = 0.0

    def as_dict(self):
        return {**self.__dict__}


def reclassify_customers(*, today=None, chunk=CHUNK, progress=None):
    """Classify every customer and record what changed. Returns a ReclassifyResult.

    Idempotent for a day and across days: a customer whose class is the one their account holds
    (and who has a history row already) is not written at all, so a second run adds nothing. A
    change writes the account and one history row (`previous_class` blank the first time); run
    again the same day after another change, that day's row is replaced (one row a day, the
    day's last word). Reads are a handful of grouped queries; writes go by chunks of `chunk`
    customers, each chunk one transaction; a chunk that fails is written again customer by
    customer, so one bad row is logged and skipped and the others are kept. `progress`, when
    given, wraps the chunks (`progress(iterable, total=...)`) for a command's bar.
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    figures = customer_figures(twelve_months(today))
    verdicts = classify(list(figures.values()), rule_values(current_rules()))
    held = dict(LoyaltyAccount.objects.values_list("user_id", "value_class").iterator(chunk_size=5000))
    recorded = set(ValueClassHistory.objects.values_list("user_id", flat=True).distinct().iterator(chunk_size=5000))
    changed = [v for v in verdicts if v.value_class != held.get(v.user_id) or v.user_id not in recorded]
    result = ReclassifyResult(customers=len(verdicts))
    batches = _chunks(changed, chunk)
    if progress is not None:
        batches = progress(batches, total=-(-len(changed) // chunk))
    failed = set()
    for batch in batches:
        previous = {v.user_id: (held.get(v.user_id, "") if v.user_id in recorded else "") for v in batch}
        try:
            with transaction.atomic():
                _write(batch, previous, today)
        except Exception:
            logger.warning(
                "Value classes: a chunk of %s failed; writing it customer by customer", len(batch), exc_info=True
            )
            for verdict in batch:
                try:
                    with transaction.atomic():
                        _write([verdict], previous, today)
                except Exception:
                    failed.add(verdict.user_id)
                    logger.exception("Value classes: customer %s not written; tried again tonight", verdict.user_id)
    result.failed = len(failed)
    result.changed = len(changed) - len(failed)
    classes = Counter(
        held.get(v.user_id) if v.user_id in failed else v.value_class for v in verdicts if v.user_id in held
    )
    result.classes = dict(sorted(classes.items()))
    result.seconds = round(time.perf_counter() - started, 3)
    logger.info("Value classes: %s", result.as_dict())
    return result


def _chunks(items, size):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _write(batch, previous, today):
    user_ids = [v.user_id for v in batch]
    # A second run the same day: the day's row keeps where the day started, and goes when the
    # customer is back there (no change over the day).
    started_as = dict(
        ValueClassHistory.objects.filter(computed_on=today, user_id__in=user_ids).values_list(
            "user_id", "previous_class"
        )
    )
    rows = []
    for verdict in batch:
        before = started_as.get(verdict.user_id, previous[verdict.user_id])
        if verdict.user_id in started_as and before and before == verdict.value_class:
            continue
        rows.append(_history_row(verdict, before, today))
    by_class = {}
    for verdict in batch:
        by_class.setdefault(verdict.value_class, []).append(verdict.user_id)
    for code, user_ids in by_class.items():  # at most five statements a chunk
        LoyaltyAccount.objects.filter(user_id__in=user_ids).exclude(value_class=code).update(value_class=code)
    ValueClassHistory.objects.filter(computed_on=today, user_id__in=user_ids).delete()
    ValueClassHistory.objects.bulk_create(rows)


def _history_row(verdict, previous_class, today):
    return ValueClassHistory(
        user_id=verdict.user_id,
        computed_on=today,
        value_class=verdict.value_class,
        previous_class=previous_class,
        contribution_12m=verdict.contribution,
        orders_12m=verdict.orders,
        reason=verdict.reason[:200],
    )
