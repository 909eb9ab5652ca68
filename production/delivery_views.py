"""The outbound side's pages: the planners' delivery slots, shipments entered on an order's
dashboard page or imported from a CSV, and the carriers' signed tracking webhook.

Staff pages are for planners (production.access.PLANNERS, like the board); actions are POST
with CSRF. The webhook is signed instead (production/carrier_signature.py, docs/operations.md).
"""

import json
import logging
import time
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from . import carrier_signature
from .delivery_forms import CapacityForm, ShipmentForm, SlotsForm, TrackingEventForm
from .selectors.delivery import slot_days
from .services import delivery_slots, shipments
from .views import planner_required

logger = logging.getLogger(__name__)

SLOT_PAGE_DAYS = 28
WEBHOOK_MAX_BYTES = 64 * 1024
CSV_MAX_BYTES = 2 * 1024 * 1024


def _from_day(value):
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@planner_required
def slots(request):
    """Four weeks of slots from ?from= (today), with their bookings; the form adds more."""
    start = _from_day(request.GET.get("from"))
    form = SlotsForm(request.POST or None, initial={"first_day": start, "last_day": start + timedelta(days=13)})
    if request.method == "POST":
        if form.is_valid():
            try:
                created = delivery_slots.add_slots(**form.cleaned_data)
            except delivery_slots.SlotRefused as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, f"{len(created)} delivery slots added.")
                return redirect(f"{reverse('production:delivery-slots')}?from={form.cleaned_data['first_day']}")
        messages.error(request, "The slots were not added; see the form below.")
    context = {
        "form": form,
        "days": slot_days(start=start, days=SLOT_PAGE_DAYS),
        "start": start,
        "earlier": start - timedelta(days=SLOT_PAGE_DAYS),
        "later": start + timedelta(days=SLOT_PAGE_DAYS),
    }
    return render(request, "production/delivery/slots.html", context, status=400 if form.errors else 200)


def _back_to_slots(request):
    return redirect(f"{reverse('production:delivery-slots')}?from={_from_day(request.POST.get('from'))}")


@planner_required
@require_POST
def slot_capacity(request, pk):
    form = CapacityForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a capacity from 1 to 50 orders.")
        return _back_to_slots(request)
    try:
        delivery_slots.set_capacity(slot_id=pk, capacity=form.cleaned_data["capacity"])
    except delivery_slots.SlotRefused as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, "Capacity changed.")
    return _back_to_slots(request)


@planner_required
@require_POST
def slot_remove(request, pk):
    try:
        delivery_slots.remove_slot(slot_id=pk)
    except delivery_slots.SlotRefused as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, "Slot removed.")
    return _back_to_slots(request)


@planner_required
@require_POST
def add_shipment(request, number):
    """From the order's dashboard page: a carrier and tracking number for this order."""
    order = get_model("order", "Order").objects.filter(number=number).first()
    if order is None:
        raise Http404("No such order")
    form = ShipmentForm(request.POST)
    back = reverse("dashboard:order-detail", kwargs={"number": number})
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field.replace('_', ' ').capitalize()}: {' '.join(errors)}")
        return redirect(back)
    try:
        shipment, created = shipments.record_shipment(order=order, user=request.user, **form.cleaned_data)
    except shipments.ShipmentRefused as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        if created:
            order.refresh_from_db(fields=["status"])
            messages.success(request, f"{shipment} recorded; order {number} is {order.status}.")
        else:
            messages.info(request, f"{shipment} was already recorded for this order.")
    return redirect(back)


@planner_required
def import_shipments(request):
    """A CSV of shipments: every good row recorded, every bad one listed with its line number."""
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Choose a CSV file to import.")
        elif upload.size > CSV_MAX_BYTES:
            messages.error(request, "The file is larger than 2 MB; split it.")
        else:
            result = shipments.import_shipments_csv(data=upload.read(), user=request.user)
    status = 400 if result is not None and result.errors and not (result.created or result.already) else 200
    return render(request, "production/delivery/import.html", {"result": result}, status=status)


def _json(status, **body):
    return JsonResponse(body, status=status)


def _read_body(request):
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > WEBHOOK_MAX_BYTES:
        return None
    body = request.read(WEBHOOK_MAX_BYTES + 1)
    return None if len(body) > WEBHOOK_MAX_BYTES else body


@csrf_exempt  # a carrier has no CSRF token; the signature is the protection
def carrier_webhook(request):
    """POST /carriers/tracking/: one tracking event in the generic format (docs/operations.md).

    201 stored, 200 already stored (a replay of the same id), 400 unsigned or malformed, 403 a
    bad or stale signature, 404 no such shipment (logged), 413 too large. Nothing is stored
    unless the signature holds."""
    secret = settings.CARRIER_WEBHOOK_SECRET
    if not secret:
        raise Http404("the carrier webhook is not enabled")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    body = _read_body(request)
    if body is None:
        return _json(413, error=f"the body is over {WEBHOOK_MAX_BYTES} bytes")
    header = request.headers.get(carrier_signature.HEADER, "")
    if not header:
        return _json(400, error=f"no {carrier_signature.HEADER} header")
    try:
        carrier_signature.verify(body=body, header=header, secret=secret, now=time.time())
    except carrier_signature.SignatureRefused as refused:
        logger.warning("Carrier webhook refused: %s", refused)
        return _json(403, error=f"signature refused: {refused}")
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return _json(400, error="the body is not JSON")
    if not isinstance(payload, dict):
        return _json(400, error="the body must be one JSON object (an event)")
    form = TrackingEventForm({key: value for key, value in payload.items() if isinstance(value, str)})
    if not form.is_valid():
        return _json(400, error="the event is not in the expected format", fields=form.errors.get_json_data())
    try:
        event, stored = shipments.receive_tracking_event(event=form.cleaned_data)
    except shipments.UnknownShipment as unknown:
        logger.warning("Carrier webhook: event %s for an unknown shipment: %s", form.cleaned_data["id"], unknown)
        return _json(404, error=f"unknown shipment: {unknown}")
    return _json(201 if stored else 200, id=event.event_id, stored=stored, shipment_status=event.shipment.status)
