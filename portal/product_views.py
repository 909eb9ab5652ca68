"""Oscar's product-view analytics, counted in memory and written in one transaction now and then.

Oscar's own receiver (`oscar.apps.analytics.receivers.receive_product_view`) writes on every
product page a shopper opens: an UPDATE of the product's `ProductRecord`, and for a signed-in
shopper an UPDATE of their `UserRecord` and an INSERT of a `UserProductView`, each its own
transaction. On SQLite those writes queue behind each other across the gunicorn workers, and
they were the largest part of what a signed-in product page cost beyond stock Oscar's.

Here each process keeps the views it served (`_buffer`) and writes them in one transaction when
the oldest is `FLUSH_SECONDS` old, when `FLUSH_VIEWS` are waiting, and when the process exits:
the same numbers Oscar's receiver writes (views per product, product views per customer, one
`UserProductView` per view with the time of the view), a few seconds later. What a process that
is killed outright (SIGKILL, power loss) had not written yet is lost: at most `FLUSH_SECONDS` of
its views, a loss the counters (a popularity score, a dashboard report) can bear.
"""

import atexit
import logging
import threading
import time
from collections import Counter

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from oscar.core.loading import get_model

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 10
FLUSH_VIEWS = 200
# While the database cannot be written, the per-view rows kept for later stop at this many (the
# newest kept); the counters themselves are small and kept whole.
KEPT_VIEWS = 50 * FLUSH_VIEWS

_lock = threading.Lock()
_buffer = {"since": None, "products": Counter(), "users": Counter(), "views": []}


def record_product_view(sender, product, user, **kwargs):
    """`product_viewed` receiver, in place of Oscar's: the view is counted now and written soon."""
    if kwargs.get("raw", False):
        return
    user_id = user.pk if user is not None and user.is_authenticated else None
    with _lock:
        if _buffer["since"] is None:
            _buffer["since"] = time.monotonic()
        _buffer["products"][product.pk] += 1
        if user_id is not None:
            _buffer["users"][user_id] += 1
            _buffer["views"].append((user_id, product.pk, timezone.now()))
        due = len(_buffer["views"]) + _buffer["products"].total() >= FLUSH_VIEWS or (
            time.monotonic() - _buffer["since"] >= FLUSH_SECONDS
        )
    if due:
        flush()


def pending():
    """How many views this process has counted and not written yet."""
    with _lock:
        return _buffer["products"].total()


def discard():
    """Forget the views counted and not written (tests: each starts with none)."""
    _take()


def _take():
    with _lock:
        taken = dict(_buffer)
        _buffer.update(since=None, products=Counter(), users=Counter(), views=[])
    return taken


def flush():
    """Write the views this process has counted, in one transaction; returns how many product views."""
    taken = _take()
    if not taken["products"]:
        return 0
    try:
        _write(taken)
    except DatabaseError:
        # Kept for the next flush rather than lost (the database was locked or away).
        logger.exception("Could not write %s product views; kept for the next flush", taken["products"].total())
        with _lock:
            _buffer["products"].update(taken["products"])
            _buffer["users"].update(taken["users"])
            _buffer["views"][:0] = taken["views"]
            dropped = len(_buffer["views"]) - KEPT_VIEWS
            if dropped > 0:
                del _buffer["views"][:dropped]
                logger.warning("Dropped the %s oldest customer product views kept while unwritten", dropped)
            _buffer["since"] = _buffer["since"] or taken["since"]
        return 0
    return taken["products"].total()


def _write(taken):
    product_record = get_model("analytics", "ProductRecord")
    user_record = get_model("analytics", "UserRecord")
    user_product_view = get_model("analytics", "UserProductView")
    product_ids, user_ids = set(taken["products"]), set(taken["users"])
    with transaction.atomic():
        # Products and customers deleted since their view was counted are left out, as a
        # cascade would have removed their records.
        product_ids &= set(
            get_model("catalogue", "Product").objects.filter(pk__in=product_ids).values_list("pk", flat=True)
        )
        user_ids &= set(
            user_record.user.field.related_model.objects.filter(pk__in=user_ids).values_list("pk", flat=True)
        )
        _add_counts(product_record, "product_id", "num_views", {pk: taken["products"][pk] for pk in product_ids})
        _add_counts(user_record, "user_id", "num_product_views", {pk: taken["users"][pk] for pk in user_ids})
        for user_id, product_id, viewed_at in taken["views"]:
            if user_id in user_ids and product_id in product_ids:
                view = user_product_view(user_id=user_id, product_id=product_id, date_created=viewed_at)
                view.save_base(raw=True)  # raw: auto_now_add would put the flush's time in place of the view's


def _add_counts(model, key, field, counts):
    """Oscar's `_update_counter` for many rows: add to the rows that exist, create the others."""
    by_increment = {}
    for pk, increment in counts.items():
        by_increment.setdefault(increment, []).append(pk)
    existing = set(model.objects.filter(**{f"{key}__in": counts}).values_list(key, flat=True))
    for increment, pks in by_increment.items():
        model.objects.filter(**{f"{key}__in": [pk for pk in pks if pk in existing]}).update(
            **{field: F(field) + increment}
        )
    model.objects.bulk_create([model(**{key: pk, field: counts[pk]}) for pk in counts if pk not in existing])


def connect():
    """Take Oscar's product-view receiver off `product_viewed` and put this one in its place."""
    from oscar.apps.analytics import receivers as oscar_analytics
    from oscar.apps.catalogue.signals import product_viewed

    product_viewed.disconnect(oscar_analytics.receive_product_view)
    product_viewed.connect(record_product_view, dispatch_uid="portal-buffered-product-views")
    atexit.register(flush)
