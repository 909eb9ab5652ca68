"""The order timeline: which step is done, which is under way, and what each shows."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from portal.hub.timeline import build_timeline

PLACED = datetime(2026, 11, 2, 10, tzinfo=UTC)
PAID = datetime(2026, 11, 2, 10, 5, tzinfo=UTC)


@dataclass
class Progress:
    stage: str
    promised_ship_date: date | None = None
    planned_ship_date: date | None = None
    events: list = field(default_factory=list)


def states(timeline):
    return {step.key: step.state for step in timeline.steps}


def test_a_pending_order_is_placed_and_waits_for_payment():
    timeline = build_timeline(placed_at=PLACED, status="Pending payment")

    assert states(timeline) == {
        "placed": "done",
        "paid": "current",
        "scheduled": "upcoming",
        "in_production": "upcoming",
        "shipped": "upcoming",
        "delivered": "upcoming",
    }
    assert timeline.steps[0].when == PLACED


def test_a_paid_order_shows_the_payment_date_and_waits_for_the_plan():
    timeline = build_timeline(placed_at=PLACED, status="Paid", status_changes=[("Paid", PAID)])

    assert states(timeline)["paid"] == "done" and timeline.steps[1].when == PAID
    assert timeline.current.key == "scheduled"
    assert timeline.percent == 33


def test_production_progress_moves_the_order_on_and_carries_the_promise():
    scheduled_at = datetime(2026, 11, 2, 11, tzinfo=UTC)
    progress = Progress(
        "scheduled", date(2026, 11, 12), date(2026, 11, 10), events=[(scheduled_at, "Planned at the workshop")]
    )

    timeline = build_timeline(placed_at=PLACED, status="Paid", status_changes=[("Paid", PAID)], progress=progress)

    assert states(timeline)["scheduled"] == "done" and timeline.steps[2].when == scheduled_at
    assert timeline.current.key == "in_production"
    assert timeline.promised == date(2026, 11, 12) and not timeline.running_late


def test_a_plan_later_than_the_promise_is_called_late():
    progress = Progress("in_production", date(2026, 11, 12), date(2026, 11, 14))

    timeline = build_timeline(placed_at=PLACED, status="In production", progress=progress)

    assert timeline.running_late
    assert timeline.current.key == "shipped"


def test_a_refunded_order_shows_how_far_it_came_and_that_it_closed():
    refunded = datetime(2026, 11, 4, tzinfo=UTC)
    timeline = build_timeline(
        placed_at=PLACED, status="Refunded", status_changes=[("Paid", PAID), ("Refunded", refunded)]
    )

    assert timeline.closed_as == "Refunded" and timeline.closed_at == refunded
    assert states(timeline)["paid"] == "done"
    assert timeline.current is None  # nothing is under way any more


def test_a_delivered_order_is_all_done():
    timeline = build_timeline(placed_at=PLACED, status="Delivered")

    assert set(states(timeline).values()) == {"done"} and timeline.percent == 100


def test_a_stocked_order_has_no_production_steps():
    timeline = build_timeline(
        placed_at=PLACED, status="Paid", status_changes=[("Paid", PAID)], made_to_order=False
    )  # fmt: skip

    assert states(timeline) == {"placed": "done", "paid": "done", "shipped": "current", "delivered": "upcoming"}
    assert timeline.percent == 50


@pytest.mark.django_db
def test_an_order_shows_production_only_when_something_is_built():
    from portal.hub.selectors import timeline_for
    from tests.factories import OrderFactory

    filters = timeline_for(OrderFactory())  # parts from the shelf, paid
    tee = ("printed-tee", {"colour": "sage", "print_text": "Crew", "ink": "white"}, 3)
    tees = timeline_for(OrderFactory(configured=[tee]))  # printed to order, paid
    assert [step.key for step in filters.steps] == ["placed", "paid", "shipped", "delivered"]
    assert "in_production" in [step.key for step in tees.steps]
