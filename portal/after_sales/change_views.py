"""The hub's "Change design": the configurator opened on a paid line's design, the review (what
changes, the difference, the new promised date), the confirmation, and the difference's payment.
Owner only (404 for anyone else); every price is the server's."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from oscar.core.loading import get_model

from configurator.panel import build_panel, raw_values_from_form
from configurator.quoting import configure
from configurator.selectors import published_family
from production.selectors.release import configuration_of

from ..hub.selectors import order_for
from ..payments.gateways import GatewayUnavailable, PaymentDeclined, PaymentUnknown, gateway
from ..payments.services.payment_state import apply_payment_state
from . import change_payments
from . import design_changes as service
from .change_selectors import change_of, change_refusal, changeable_line
from .forms import DesignChangeForm
from .models import DesignChange

State = DesignChange.State
UNREACHABLE = _lazy("We cannot reach the payment provider just now. Nothing was charged; try again shortly.")


def _order_page(order):
    return reverse("customer:order", kwargs={"order_number": order.number})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def change_design(request, number, line_id):
    """The configurator on the line's design; "Review the change" checks and prices it."""
    order = order_for(user=request.user, number=number)
    line = changeable_line(order, line_id)
    refused = change_refusal(order)
    if refused is not None:
        return _refusal(request, order, line, refused, status=409 if request.method == "POST" else 200)
    family_slug, _version, stored = configuration_of(line)
    values = stored if request.method == "GET" else raw_values_from_form(request.POST, published_family(family_slug))
    if request.method == "POST" and request.POST.get("action") == "review":
        try:
            quote = service.quote_change(order=order, line=line, values=values)
        except service.InvalidConfiguration as invalid:
            messages.error(request, _("This design cannot be made: %s") % invalid)
            return _configurator(request, order, line, invalid.configuration, status=422)
        except service.ChangeRefused as refusal:
            return _refusal(request, order, line, refusal, status=409)
        if quote.unchanged:
            messages.info(request, _("This is the design you ordered: change an option, then review the change."))
            return _configurator(request, order, line, quote.configuration, status=422)
        return _review(request, order, quote, DesignChangeForm(initial=_confirm_initial(quote)))
    configuration = configure(family_slug=family_slug, values=values, quantity=line.quantity)
    return _configurator(request, order, line, configuration)


def _confirm_initial(quote):
    return {"values": json.dumps(quote.values, sort_keys=True, default=str), "shown_difference": quote.difference}


def _configurator(request, order, line, configuration, *, status=200):
    product = get_model("catalogue", "Product").objects.get(pk=configuration.family.product_id)
    context = {
        "order": order,
        "line": line,
        "product": product,
        "panel": build_panel(configuration),
        "form_action": reverse("after_sales:change-design", args=[order.number, line.pk]),
        "actions_template": "after_sales/change_actions.html",
        "page_title": _("Change the design of %(title)s") % {"title": line.title},
    }
    return render(request, "after_sales/change_design.html", context, status=status)


def _review(request, order, quote, form, *, status=200):
    context = {
        "order": order,
        "quote": quote,
        "form": form,
        "page_title": _("Review your change"),
        "active_tab": "orders",
    }
    return render(request, "after_sales/change_review.html", context, status=status)


def _refusal(request, order, line, refusal, *, status):
    context = {
        "order": order,
        "line": line,
        "refusal": refusal,
        "page_title": _("Change the design of %(title)s") % {"title": line.title},
        "active_tab": "orders",
    }
    return render(request, "after_sales/change_refused.html", context, status=status)


@login_required
@never_cache
@require_POST
def confirm_change(request, number, line_id):
    """The change confirmed: applied (a cheaper design, its difference refunded) or on to paying."""
    order = order_for(user=request.user, number=number)
    line = changeable_line(order, line_id)
    form = DesignChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That confirmation could not be read: review the change again."))
        return redirect("after_sales:change-design", number=order.number, line_id=line.pk)
    try:
        change = service.request_change(
            order=order,
            line=line,
            values=form.cleaned_data["values"],
            by=request.user,
            key=form.cleaned_data["key"],
            expected_difference=form.cleaned_data["shown_difference"],
        )
    except service.PriceChanged as changed:
        messages.warning(request, str(changed))
        fresh = DesignChangeForm(initial=_confirm_initial(changed.quote))
        return _review(request, order, changed.quote, fresh, status=409)
    except service.InvalidConfiguration as invalid:
        messages.error(request, _("This design cannot be made: %s") % invalid)
        return _configurator(request, order, line, invalid.configuration, status=422)
    except service.ChangeRefused as refusal:
        return _refusal(request, order, line, refusal, status=409)
    return _after(request, order, change)


def _after(request, order, change):
    if change.state == State.AWAITING_PAYMENT:
        return redirect("after_sales:pay-change", number=order.number, change_id=change.pk)
    if change.state == State.APPLIED:
        messages.success(request, _("Your new design is confirmed: the workshop will make it as you changed it."))
    elif change.state == State.REFUSED:
        messages.error(request, _("Your design was not changed: %(why)s") % {"why": change.refusal})
    else:
        messages.info(request, _("That change was not made: your order stays as it was."))
    return redirect(_order_page(order))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def pay_change(request, number, change_id):
    """Pay the difference of a dearer design. Nothing changes until this payment succeeds."""
    order = order_for(user=request.user, number=number)
    change = change_of(order, change_id)
    if change.state != State.AWAITING_PAYMENT:
        return _after(request, order, change)
    refused = change_refusal(order)
    if refused is not None:  # production started while the difference waited: nothing to pay for
        change_payments.abandon_change(change=change)
        messages.error(request, _("Your design was not changed: %(why)s") % {"why": refused})
        return redirect(_order_page(order))
    active = gateway()
    try:
        state = active.retrieve(change.payment_reference)
    except (GatewayUnavailable, PaymentUnknown):
        messages.error(
            request, _("We cannot reach the payment provider just now. Nothing was charged; try again shortly.")
        )
        state = None
    if request.method == "POST" and active.test_mode and state is not None:
        try:
            state = active.confirm(change.payment_reference, request.POST.get("card_number", ""))
        except PaymentDeclined as declined:
            apply_payment_state(active.retrieve(change.payment_reference), via="demo gateway")
            messages.error(request, str(declined))
            return redirect("after_sales:pay-change", number=order.number, change_id=change.pk)
        if state.status == "requires_action":
            messages.error(request, _("This card asks for a check this page cannot make: use another card."))
            return redirect("after_sales:pay-change", number=order.number, change_id=change.pk)
        apply_payment_state(state, via="demo gateway")
        change.refresh_from_db()
        return _after(request, order, change)
    context = {
        "order": order,
        "change": change,
        "state": state,
        "test_mode": active.test_mode,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "return_url": request.build_absolute_uri(
            reverse("after_sales:change-payment-return", args=[order.number, change.pk])
        ),
        "page_title": _("Pay the difference"),
        "active_tab": "orders",
    }
    return render(request, "after_sales/pay_change.html", context)


@login_required
@never_cache
def payment_return(request, number, change_id):
    """Where Stripe sends the customer back: ask Stripe, apply what it says, show the outcome."""
    order = order_for(user=request.user, number=number)
    change = change_of(order, change_id)
    try:
        apply_payment_state(gateway().retrieve(change.payment_reference), via="browser return")
    except (GatewayUnavailable, PaymentUnknown):
        messages.warning(request, _("We are confirming your payment; the order page will show it once it is through."))
        return redirect(_order_page(order))
    change.refresh_from_db()
    if change.state == State.AWAITING_PAYMENT:
        messages.error(request, _("The payment did not go through. Please try again or use another card."))
    return _after(request, order, change)


@login_required
@require_POST
def keep_order(request, number, change_id):
    """The customer keeps the order as it was: the change abandoned, its payment cancelled."""
    order = order_for(user=request.user, number=number)
    change = change_of(order, change_id)
    if change_payments.abandon_change(change=change):
        messages.info(request, _("Your order stays as it was: nothing was changed or charged."))
        return redirect(_order_page(order))
    change.refresh_from_db()
    return _after(request, order, change)
