"""Where a customer's order stands in the workshop: the production side of the account hub's
order timeline (`portal/hub/timeline.py` turns it into the steps a shopper sees)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, F, Max, Q
from django.utils import timezone

from ..models import Operation, ProductionEvent, PromisedDate, WorkOrder
from .delivery import tracking_for_orders

WAITING, SCHEDULED, IN_PRODUCTION, FINISHED = "waiting", "scheduled", "in_production", "finished"


@dataclass(frozen=True)
class RemakeProgress:
    """A remake or repair of one of the order's lines, as the shopper follows it."""

    kind: str  # "remake" or "repair"
    title: str  # the line's
    stage: str
    promised_ship_date: date
    planned_ship_date: date | None
    work_order_id: int | None = None
    line_id: int | None = None


@dataclass(frozen=True)
class ProductionEntry:
    """One line of the order's "from the workshop" list, and the work order (and so the item) it is
    about, where it is about one: the shopper may ask about that piece from it."""

    at: datetime
    label: str
    work_order_id: int | None = None
    line_id: int | None = None


@dataclass(frozen=True)
class OrderProgress:
    """Where a customer's order stands in the workshop. Labels name no staff."""

    stage: str
    promised_ship_date: date | None
    planned_ship_date: date | None
    entries: list = field(default_factory=list)  # [ProductionEntry], oldest first
    remakes: list = field(default_factory=list)  # [RemakeProgress], oldest first
    tracking: list = field(default_factory=list)  # [selectors.delivery.TrackingEntry], oldest first

    @property
    def events(self):
        """[(timestamp, label)], oldest first: the entries without their work orders."""
        return [(entry.at, entry.label) for entry in self.entries]


def order_progress(*, order_id) -> OrderProgress:
    """The production side of an order's timeline (the caller has checked the order is the shopper's).

    The stage and planned date are the order's own work; a remake or repair started later is
    followed on its own (`remakes`), so it does not move a delivered order back into production.
    """
    return progress_for_orders([order_id])[order_id]


def progress_for_orders(order_ids) -> dict:
    """{order id: its `order_progress`} for every one of `order_ids`, in six queries however many
    orders (the account hub's lists; the caller has checked the orders are the shopper's)."""
    order_ids = list(dict.fromkeys(order_ids))
    if not order_ids:
        return {}
    own_work = {
        tally.pop("work_order__order_id"): tally
        for tally in Operation.objects.filter(work_order__order_id__in=order_ids, work_order__kind=WorkOrder.ORDER)
        .values("work_order__order_id")
        .annotate(**_tallies())
        .order_by()
    }
    promised = dict(PromisedDate.objects.filter(order_id__in=order_ids).values_list("order_id", "ship_date"))
    entries, remakes = {}, {}
    events = (
        ProductionEvent.objects.filter(order_id__in=order_ids)
        .exclude(customer_label="")
        .values_list("order_id", "at", "customer_label", "work_order_id", "work_order__line_id")
    )
    for order_id, *row in events:
        entries.setdefault(order_id, []).append(ProductionEntry(*row))
    later_work = (
        WorkOrder.objects.filter(order_id__in=order_ids)
        .exclude(kind=WorkOrder.ORDER)
        .annotate(**_tallies("operations__"))
        .order_by("pk")
    )
    for work_order in later_work:
        remakes.setdefault(work_order.order_id, []).append(_remake_progress(work_order))
    tracking = tracking_for_orders(order_ids)
    result = {}
    for order_id in order_ids:
        stage, planned = _stage_of(own_work.get(order_id, _NO_OPERATIONS))
        result[order_id] = OrderProgress(
            stage=stage,
            promised_ship_date=promised.get(order_id),
            planned_ship_date=planned,
            entries=entries.get(order_id, []),
            remakes=remakes.get(order_id, []),
            tracking=tracking.get(order_id, []),
        )
    return result


def _remake_progress(work_order):
    """A remake or repair annotated with the tallies of its operations (`_tallies("operations__")`)."""
    stage, planned = _stage_of(vars(work_order))
    promised = timezone.localtime(work_order.due_at).date()
    return RemakeProgress(
        work_order.kind, work_order.title, stage, promised, planned, work_order.pk, work_order.line_id
    )


def _tallies(prefix=""):
    """What the stage rule reads of a set of operations, as aggregates (`prefix`: the path to them)."""
    return {
        "ops_total": Count(f"{prefix}pk"),
        "ops_finished": Count(f"{prefix}pk", filter=Q(**{f"{prefix}status": Operation.FINISHED})),
        "ops_started": Count(f"{prefix}pk", filter=Q(**{f"{prefix}status": Operation.STARTED})),
        "ops_planned": Count(f"{prefix}pk", filter=Q(**{f"{prefix}planned_end__isnull": False})),
        "ops_last_planned": Max(f"{prefix}planned_end"),
        "ops_last_finished": Max(f"{prefix}actual_end"),
    }


def _stage_of(tally):
    """(stage, planned or actual ship day) from the tallies of a set of operations: none, waiting;
    all finished, finished; any started or finished, in production; any planned, scheduled."""
    if not tally["ops_total"]:
        stage = WAITING
    elif tally["ops_finished"] == tally["ops_total"]:
        stage = FINISHED
    elif tally["ops_started"] or tally["ops_finished"]:
        stage = IN_PRODUCTION
    elif tally["ops_planned"]:
        stage = SCHEDULED
    else:
        stage = WAITING
    last = tally["ops_last_finished"] if stage == FINISHED else tally["ops_last_planned"]
    return stage, (timezone.localtime(last).date() if last else None)


@dataclass(frozen=True)
class WorkOrderProgress:
    """One work order as customer care follows it: the item, where it stands, its dates."""

    pk: int
    number: str
    line_id: int
    kind: str  # "order", "remake" or "repair"
    title: str  # the customer's: a remake or repair says so
    stage: str
    promised_ship_date: date | None
    planned_ship_date: date | None  # planned, or the day it was made once finished

    @property
    def running_late(self):
        return bool(self.stage != FINISHED and self.promised_ship_date and self.planned_ship_date
                    and self.planned_ship_date > self.promised_ship_date)  # fmt: skip


@dataclass(frozen=True)
class OrderAtAGlance:
    """An order's work in the workshop for staff beside a ticket: its own stage and dates
    (as the shopper's timeline has them) and each work order, remakes and repairs too."""

    stage: str
    promised_ship_date: date | None
    planned_ship_date: date | None
    work_orders: list = field(default_factory=list)  # [WorkOrderProgress], by pk

    @property
    def running_late(self):
        return bool(self.stage != FINISHED and self.promised_ship_date and self.planned_ship_date
                    and self.planned_ship_date > self.promised_ship_date)  # fmt: skip


def orders_at_a_glance(*, order_ids):
    """{order id: OrderAtAGlance} for the orders that have work orders, in one query however many.

    Staff reads (the caller decides whose orders); an order of stocked goods only is absent.
    An order's stage and planned date are its own work's (kind "order"), as on the timeline;
    its promise is the one fixed at payment. A remake's promise is its own due day.
    """
    work_orders = (
        WorkOrder.objects.filter(order_id__in=list(order_ids))
        .annotate(**_tallies("operations__"), order_promise=F("order__promised_date__ship_date"))
        .order_by("order_id", "pk")
    )
    own_work, glances = {}, {}
    for work_order in work_orders:
        stage, planned = _stage_of(vars(work_order))
        promised = work_order.order_promise if work_order.kind == WorkOrder.ORDER else None
        progress = WorkOrderProgress(
            pk=work_order.pk,
            number=work_order.number,
            line_id=work_order.line_id,
            kind=work_order.kind,
            title=work_order.customer_title,
            stage=stage,
            promised_ship_date=promised or timezone.localtime(work_order.due_at).date(),
            planned_ship_date=planned,
        )
        glances.setdefault(work_order.order_id, []).append(progress)
        if work_order.kind == WorkOrder.ORDER:
            tally = own_work.setdefault(work_order.order_id, {**_NO_OPERATIONS, "promise": work_order.order_promise})
            _add_tally(tally, vars(work_order))
    result = {}
    for order_id, progresses in glances.items():
        tally = own_work.get(order_id)
        stage, planned = _stage_of(tally) if tally else (WAITING, None)
        result[order_id] = OrderAtAGlance(
            stage=stage,
            promised_ship_date=tally["promise"] if tally else None,
            planned_ship_date=planned,
            work_orders=progresses,
        )
    return result


_NO_OPERATIONS = {"ops_total": 0, "ops_finished": 0, "ops_started": 0, "ops_planned": 0,
                  "ops_last_planned": None, "ops_last_finished": None}  # fmt: skip


def _add_tally(total, one):
    """Add one work order's tallies to its order's: the counts add up, the last days are the latest."""
    for key in ("ops_total", "ops_finished", "ops_started", "ops_planned"):
        total[key] += one[key]
    for key in ("ops_last_planned", "ops_last_finished"):
        if one[key] is not None and (total[key] is None or one[key] > total[key]):
            total[key] = one[key]
