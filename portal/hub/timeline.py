"""An order's life as the customer follows it: placed, paid, scheduled, in production, shipped, delivered.

Built from facts other apps own (Oscar's status changes, production's progress), so this
module only decides which step is done, which is under way and what date each carries.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

from atelier.orders import CLOSED, OrderStatus

STEPS = (
    ("placed", _("Placed")),
    ("paid", _("Paid")),
    ("scheduled", _("Scheduled")),
    ("in_production", _("In production")),
    ("shipped", _("Shipped")),
    ("delivered", _("Delivered")),
)
STEP_KEYS = [key for key, _label in STEPS]
# A stocked-only order goes from the shelf to the parcel: it has no production steps to show.
PRODUCTION_STEPS = ("scheduled", "in_production")

# The step a change to each status reached (the statuses' pipeline: atelier.orders.PIPELINE).
STATUS_STEP = {
    OrderStatus.PAID: "paid",
    OrderStatus.IN_PRODUCTION: "in_production",
    OrderStatus.SHIPPED: "shipped",
    OrderStatus.DELIVERED: "delivered",
}
# The furthest step an order in each status has come to.
STATUS_REACHES = {OrderStatus.PENDING_PAYMENT: "placed", OrderStatus.PAYMENT_FAILED: "placed", **STATUS_STEP}
# Production's own stages, in the customer's words.
PRODUCTION_REACHES = {"scheduled": "scheduled", "in_production": "in_production", "finished": "in_production"}


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    when: datetime | date | None
    state: str  # "done", "current" or "upcoming"


@dataclass
class Timeline:
    steps: list
    status: str
    closed_as: str = ""
    closed_at: datetime | None = None
    promised: date | None = None
    planned: date | None = None
    events: list = field(default_factory=list)
    # The same as production's entries, each with the work order it is about (to ask about that piece).
    entries: list = field(default_factory=list)
    # The carriers' news of each parcel (production's TrackingEntry: when, words, carrier, number).
    tracking: list = field(default_factory=list)
    # Remakes and repairs started from a complaint: production's RemakeProgress, each with its promise.
    remakes: list = field(default_factory=list)
    # Returns and warranty claims: care's ClaimProgress, each with the steps the customer was told of.
    claims: list = field(default_factory=list)

    @property
    def current(self):
        return next((step for step in self.steps if step.state == "current"), None)

    @property
    def done_count(self):
        return sum(step.state == "done" for step in self.steps)

    @property
    def percent(self):
        return round(100 * self.done_count / len(self.steps))

    @property
    def running_late(self):
        return bool(self.promised and self.planned and self.planned > self.promised)


def build_timeline(*, placed_at, status, status_changes=(), progress=None, made_to_order=True, claims=()):
    """`status_changes`: (new status, when) oldest first; `progress`: production's view or None;
    `made_to_order`: whether any line is built for the order (else no production steps);
    `claims`: the order's returns and warranty claims, shown as they are."""
    reached = {"placed": placed_at}
    closed_as, closed_at = "", None
    for new_status, when in status_changes:
        if step := STATUS_STEP.get(new_status):
            reached.setdefault(step, when)
        if new_status in CLOSED:
            closed_as, closed_at = new_status, when

    furthest = STEP_KEYS.index(STATUS_REACHES.get(status, "placed"))
    if progress is not None and (step := PRODUCTION_REACHES.get(progress.stage)):
        furthest = max(furthest, STEP_KEYS.index(step))
        if "scheduled" not in reached and progress.events:
            reached["scheduled"] = progress.events[0][0]
    if status in CLOSED:
        closed_as = status
        # A paid order that was refunded had still been paid: show how far it came.
        furthest = max(STEP_KEYS.index(key) for key in reached)

    shown = STEPS if made_to_order else [(key, label) for key, label in STEPS if key not in PRODUCTION_STEPS]
    steps, current_given = [], bool(closed_as)
    for key, label in shown:
        index = STEP_KEYS.index(key)
        if index <= furthest:
            state = "done"
        elif not current_given:
            state, current_given = "current", True
        else:
            state = "upcoming"
        steps.append(Step(key, str(label), reached.get(key) if index <= furthest else None, state))
    return Timeline(
        steps=steps,
        status=status,
        closed_as=closed_as,
        closed_at=closed_at,
        promised=getattr(progress, "promised_ship_date", None),
        planned=getattr(progress, "planned_ship_date", None),
        events=list(getattr(progress, "events", []) or []),
        entries=list(getattr(progress, "entries", []) or []),
        tracking=list(getattr(progress, "tracking", []) or []),
        remakes=list(getattr(progress, "remakes", []) or []),
        claims=list(claims),
    )
