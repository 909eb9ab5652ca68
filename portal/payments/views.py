"""The pay page, the return from payment, the demo gateway's 3-D Secure page."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from atelier.orders import UNPAID
from loyalty.ledger import PointsRefused
from loyalty.services import holds as loyalty_holds
from loyalty.wallet.ledger import WalletRefused
from loyalty.wallet.services import checkout as wallet_checkout
from portal.order.notes import warn_once
from portal.order.ownership import order_for

from . import selectors
from .gateways import GatewayUnavailable, PaymentDeclined, PaymentUnknown, gateway
from .models import DemoPayment
from .services import order_history, payment_state


def _payment_unknown(request, order):
    """The gateway does not know the order's payment (an order of the demo data, another Stripe
    account): say so, and note it for staff once."""
    source = selectors.card_source(order)
    warn_once(order, order_history.unknown_payment_message(source.reference if source else "(none)"))
    messages.error(
        request,
        _(
            "We cannot find this order's payment at the payment provider, so nothing about it can be done "
            "here and nothing has been charged on this page. Please contact us, quoting order %(number)s."
        )
        % {"number": order.number},
    )


@require_http_methods(["GET", "POST"])
def pay(request, number):
    order = order_for(request, number)
    if order.status not in UNPAID:
        return redirect("checkout:thank-you")
    active = gateway()
    source = selectors.card_source(order)
    try:
        if source is None:
            raise PaymentUnknown(f"Order {order.number} has no card payment.")
        state = active.retrieve(source.reference)
    except GatewayUnavailable:
        messages.error(
            request, _("We cannot reach the payment provider just now. Nothing was charged; try again shortly.")
        )
        state = None
    except PaymentUnknown:
        _payment_unknown(request, order)
        if request.method == "POST":
            return redirect("checkout:pay", number=number)
        return render(request, "payments/pay.html", {"order": order, "state": None, "payable": False})
    # The points this order's discount stands for must still be set aside before a card is
    # charged (a failed payment gave them back; they are taken again if the balance allows).
    try:
        loyalty_holds.confirm_hold_for_payment(order_number=order.number)
        wallet_checkout.confirm_for_payment(order_number=order.number)
    except (PointsRefused, WalletRefused) as refused:
        messages.error(request, str(refused))
        if request.method == "POST":
            return redirect("checkout:pay", number=number)
    if request.method == "POST" and active.test_mode:
        try:
            state = active.confirm(source.reference, request.POST.get("card_number", ""))
        except PaymentDeclined as declined:
            payment_state.apply_payment_state(active.retrieve(source.reference), via="demo gateway")
            messages.error(request, str(declined))
            return redirect("checkout:pay", number=number)
        if state.status == "requires_action":
            return redirect(state.action_url)
        payment_state.apply_payment_state(state, via="demo gateway")
        return redirect("checkout:thank-you")
    context = {
        "order": order,
        "payable": True,
        "state": state,
        "by_card": source.amount_allocated,  # the rest of the total is paid by gift card or store credit
        "test_mode": active.test_mode,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "return_url": request.build_absolute_uri(reverse("checkout:payment-return", args=[number])),
    }
    return render(request, "payments/pay.html", context)


def payment_return(request, number):
    """Where Stripe sends the shopper back: ask Stripe, apply the state, show the outcome."""
    order = order_for(request, number)
    try:
        outcome = payment_state.refresh_payment(order)
    except GatewayUnavailable:
        messages.warning(request, _("We are confirming your payment; this page will show it once it is through."))
        return redirect("checkout:thank-you")
    except PaymentUnknown:
        if order.status in UNPAID:
            return redirect("checkout:pay", number=number)  # which explains it
        _payment_unknown(request, order)
        return redirect(_order_page(order))
    if outcome.result in ("paid", "already-paid"):
        return redirect("checkout:thank-you")
    order.refresh_from_db()
    if order.status in UNPAID:
        messages.error(request, _("The payment did not go through. Please try again or use another card."))
        return redirect("checkout:pay", number=number)
    return redirect("checkout:thank-you")


def _order_page(order):
    if order.user_id:
        return reverse("customer:order", kwargs={"order_number": order.number})
    return reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})


@require_http_methods(["GET", "POST"])
def demo_authenticate(request, reference):
    """The demo gateway's stand-in for a bank's 3-D Secure page."""
    payment = DemoPayment.objects.filter(reference=reference).first()
    if payment is None:
        return render(request, "404.html", status=404)
    order = order_for(request, payment.order_number)
    if request.method == "POST":
        state = gateway().authenticate(reference, success=request.POST.get("outcome") == "complete")
        payment_state.apply_payment_state(state, via="demo gateway")
        if state.succeeded:
            return redirect("checkout:thank-you")
        messages.error(request, state.failure_message)
        return redirect("checkout:pay", number=order.number)
    return render(request, "payments/demo_authenticate.html", {"payment": payment, "order": order})
