"""Two-person delivery slots: planners keep them, checkout books a place for an order with a large
item (refused when full or tampered with), a cancelled order gives it back, and the slot is the
work's due moment on the plan."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import OrderStatus
from portal import reconcile
from production import planning
from production.models import DeliverySlot, SlotBooking, WorkOrder
from production.selectors.delivery import slots_for_lines
from production.selectors.promises import ship_date_for_lines
from production.services import delivery_slots
from production.services.release import release_order_to_production
from tests.factories import OrderFactory
from tests.helpers import at_once
from tests.payments.conftest import checkout, demo_mode  # noqa: F401 -- the payments suite's checkout driver

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")


def a_slot(days=30, capacity=2, starts=time(7, 0)):
    day = timezone.localdate() + timedelta(days=days)
    return DeliverySlot.objects.create(day=day, starts=starts, ends=time(9, 0), capacity=capacity)


def booked(slot):
    slot.refresh_from_db()
    return slot.booked, list(slot.bookings.values_list("order_number", flat=True).order_by("order_number"))


# --- the service ------------------------------------------------------------------------------


def test_a_booking_takes_a_place_and_a_double_click_takes_it_once():
    slot = a_slot()
    first = delivery_slots.book_slot(slot_id=slot.pk, order_number="N1")
    again = delivery_slots.book_slot(slot_id=slot.pk, order_number="N1")
    assert first.pk == again.pk
    assert booked(slot) == (1, ["N1"])


def test_a_full_slot_is_refused_and_the_earlier_booking_stays():
    full, other = a_slot(capacity=1), a_slot(days=31)
    delivery_slots.book_slot(slot_id=full.pk, order_number="N1")
    delivery_slots.book_slot(slot_id=other.pk, order_number="N2")
    with pytest.raises(delivery_slots.SlotRefused, match="That delivery slot has just been taken"):
        delivery_slots.book_slot(slot_id=full.pk, order_number="N2")
    assert booked(full) == (1, ["N1"])
    assert booked(other) == (1, ["N2"])


def test_booking_another_slot_moves_the_place():
    first, second = a_slot(), a_slot(days=31)
    delivery_slots.book_slot(slot_id=first.pk, order_number="N1")
    delivery_slots.book_slot(slot_id=second.pk, order_number="N1")
    assert booked(first) == (0, [])
    assert booked(second) == (1, ["N1"])


def test_releasing_gives_the_place_back_once():
    slot = a_slot()
    delivery_slots.book_slot(slot_id=slot.pk, order_number="N1")
    assert delivery_slots.release_slot(order_number="N1") is True
    assert delivery_slots.release_slot(order_number="N1") is False
    assert booked(slot) == (0, [])


def test_a_place_booked_for_an_order_never_placed_is_given_back_by_the_reconciler():
    slot = a_slot(capacity=3)
    placed = OrderFactory()
    for number in ("NEVER-PLACED", placed.number, "BEING-PLACED"):
        delivery_slots.book_slot(slot_id=slot.pk, order_number=number)
    an_hour_ago = timezone.now() - timedelta(hours=1, minutes=1)
    SlotBooking.objects.exclude(order_number="BEING-PLACED").update(created=an_hour_ago)

    done = reconcile.run_one(reconcile.by_name("delivery-bookings"))

    assert done == 1
    assert booked(slot) == (2, sorted([placed.number, "BEING-PLACED"]))  # placed, or placing a moment ago: kept
    assert delivery_slots.release_orphan_booking(placed.number) is False  # an order that exists keeps its place


def test_capacity_never_goes_below_the_bookings():
    slot = a_slot(capacity=3)
    for number in ("N1", "N2"):
        delivery_slots.book_slot(slot_id=slot.pk, order_number=number)
    with pytest.raises(delivery_slots.SlotRefused, match="already has 2 orders booked"):
        delivery_slots.set_capacity(slot_id=slot.pk, capacity=1)
    delivery_slots.set_capacity(slot_id=slot.pk, capacity=2)
    slot.refresh_from_db()
    assert slot.capacity == 2


def test_a_slot_with_bookings_is_not_removed():
    slot = a_slot()
    delivery_slots.book_slot(slot_id=slot.pk, order_number="N1")
    with pytest.raises(delivery_slots.SlotRefused, match="has orders booked"):
        delivery_slots.remove_slot(slot_id=slot.pk)
    assert DeliverySlot.objects.filter(pk=slot.pk).exists()


def test_adding_slots_skips_the_days_that_have_one_and_the_weekdays_not_chosen():
    monday = timezone.localdate() + timedelta(days=100)
    monday -= timedelta(days=monday.weekday())
    DeliverySlot.objects.create(day=monday, starts=time(6, 0), ends=time(7, 0), capacity=1)
    created = delivery_slots.add_slots(
        first_day=monday, last_day=monday + timedelta(days=6), starts=time(6, 0), ends=time(7, 0), capacity=2,
        weekdays={0, 2, 5},
    )  # fmt: skip
    assert [slot.day for slot in created] == [monday + timedelta(days=2), monday + timedelta(days=5)]


def test_a_slot_that_ends_before_it_starts_is_refused():
    day = timezone.localdate() + timedelta(days=100)
    with pytest.raises(delivery_slots.SlotRefused, match="end after it starts"):
        delivery_slots.add_slots(
            first_day=day, last_day=day, starts=time(9, 0), ends=time(8, 0), capacity=1, weekdays=set(range(7))
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's real concurrency")
def test_shoppers_racing_for_the_last_places_never_overbook():
    slot = a_slot(capacity=2)
    outcomes = at_once(
        lambda number: delivery_slots.book_slot(slot_id=slot.pk, order_number=number),
        ["R1", "R2", "R3", "R4", "R5", "R6"],
    )
    refused = [outcome for outcome in outcomes if isinstance(outcome, delivery_slots.SlotRefused)]
    assert len(refused) == 4
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception) and outcome not in refused]
    slot.refresh_from_db()
    assert slot.booked == 2 == slot.bookings.count()


# --- checkout ---------------------------------------------------------------------------------


@pytest.fixture
def fridge_basket(checkout, demo_mode):  # noqa: F811
    checkout.add_configured()
    return checkout


def offered(preview):
    return preview.context["delivery_slot_form"].slots


def place(checkout, **data):  # noqa: F811
    preview = checkout.to_preview()
    return checkout.client.post(
        "/checkout/preview/",
        {"action": "place_order", "basket_fingerprint": preview.context["basket_fingerprint"], **data},
    )


def test_a_basket_with_a_large_item_is_offered_slots_from_its_ready_day(fridge_basket):
    preview = fridge_basket.to_preview()
    slots = offered(preview)
    assert slots, "the demo has eight weeks of slots"
    ready = ship_date_for_lines(preview.context["basket"].all_lines())
    assert all(slot.day >= ready and slot.day > timezone.localdate() for slot in slots)
    page = preview.content.decode()
    assert 'id="id_delivery_slot"' in page
    assert "Two-person delivery" in page


def test_a_basket_of_stocked_goods_has_no_slot(checkout, demo_mode):  # noqa: F811
    checkout.add_stocked()
    preview = checkout.to_preview()
    assert preview.context["delivery_slot_form"] is None
    assert 'id="id_delivery_slot"' not in preview.content.decode()


def test_the_chosen_slot_is_booked_for_the_order(fridge_basket):
    chosen = offered(fridge_basket.to_preview())[2]
    response = place(fridge_basket, delivery_slot=str(chosen.pk))
    assert response.status_code == 302 and response["Location"].startswith("/checkout/pay/")
    number = response["Location"].split("/")[3]
    assert SlotBooking.objects.get(order_number=number).slot_id == chosen.pk


def test_an_order_placed_without_a_choice_takes_the_earliest_slot_shown(fridge_basket):
    earliest = offered(fridge_basket.to_preview())[0]
    order = fridge_basket.place_order()
    assert SlotBooking.objects.get(order_number=order.number).slot_id == earliest.pk


@pytest.mark.parametrize("kind", ["unknown", "too early", "not a number"])
def test_a_slot_tampered_with_in_the_post_is_refused_and_nothing_is_placed(fridge_basket, kind):
    too_early = DeliverySlot.objects.create(
        day=timezone.localdate() + timedelta(days=1), starts=time(5, 0), ends=time(6, 0), capacity=5
    )
    value = {"unknown": "999999", "too early": str(too_early.pk), "not a number": "1; DROP"}[kind]
    response = place(fridge_basket, delivery_slot=value)
    assert (response.status_code, response["Location"]) == (302, "/checkout/preview/")
    page = fridge_basket.client.get("/checkout/preview/").content.decode().replace("&#x27;", "'")
    assert "That delivery slot is not one we offer for this order" in page
    assert not SlotBooking.objects.exists()


def test_a_slot_that_filled_up_after_the_page_was_shown_is_refused(fridge_basket):
    chosen = offered(fridge_basket.to_preview())[0]
    preview = fridge_basket.to_preview()
    DeliverySlot.objects.filter(pk=chosen.pk).update(capacity=chosen.capacity, booked=chosen.capacity)
    response = fridge_basket.client.post(
        "/checkout/preview/",
        {
            "action": "place_order",
            "basket_fingerprint": preview.context["basket_fingerprint"],
            "delivery_slot": str(chosen.pk),
        },
        follow=True,
    )
    assert "That delivery slot is not one we offer for this order" in response.content.decode().replace("&#x27;", "'")
    assert not SlotBooking.objects.exists()


def test_the_last_place_taken_between_the_check_and_the_booking_refuses_the_order(fridge_basket, monkeypatch):
    chosen = offered(fridge_basket.to_preview())[0]
    real_book = delivery_slots.book_slot

    def someone_else_first(*, slot_id, order_number):
        DeliverySlot.objects.filter(pk=slot_id).update(booked=chosen.capacity)
        return real_book(slot_id=slot_id, order_number=order_number)

    monkeypatch.setattr("portal.checkout.delivery_slot.book_slot", someone_else_first)
    response = place(fridge_basket, delivery_slot=str(chosen.pk))
    assert response.status_code == 200
    assert "That delivery slot has just been taken. Please choose another." in response.content.decode()
    assert not SlotBooking.objects.exists()


def test_a_cancelled_order_gives_its_place_back(fridge_basket):
    order = fridge_basket.place_order()
    slot = SlotBooking.objects.get(order_number=order.number).slot
    assert slot.booked == 1
    order.set_status(OrderStatus.CANCELLED)
    slot.refresh_from_db()
    assert (slot.booked, slot.bookings.count()) == (0, 0)


# --- the plan ---------------------------------------------------------------------------------


def test_a_booked_slot_is_the_work_orders_due_moment():
    order = OrderFactory(configured=[("atelier-fridge", {"hinge": "left"}, 1)], status=OrderStatus.PAID)
    slot = a_slot(days=40, starts=time(8, 0))
    delivery_slots.book_slot(slot_id=slot.pk, order_number=order.number)
    release_order_to_production(order_id=order.pk)
    work_order = WorkOrder.objects.get(order=order)
    assert work_order.due_at == datetime.combine(slot.day, time(8, 0), planning.plant_zone())


def test_an_order_without_a_slot_is_due_on_its_promise():
    order = OrderFactory(configured=[("atelier-fridge", {"hinge": "left"}, 1)], status=OrderStatus.PAID)
    release_order_to_production(order_id=order.pk)
    work_order = WorkOrder.objects.get(order=order)
    assert timezone.localtime(work_order.due_at).time() == time(16, 0)


def test_slots_offered_skip_full_ones():
    order = OrderFactory(configured=[("atelier-fridge", {"hinge": "left"}, 1)], status=OrderStatus.PAID)
    slots = list(slots_for_lines(order.lines.all()))
    DeliverySlot.objects.filter(pk=slots[0].pk).update(booked=slots[0].capacity)
    assert slots[0] not in list(slots_for_lines(order.lines.all()))
