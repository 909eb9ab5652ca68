"""Refunds from Oscar's dashboard order page, through the order's gateway, and the list of
cancelled orders whose money is still to refund."""

import uuid

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model
from oscar.views.decorators import permissions_required

from portal import dashboard_access

from . import selectors
from .services import refunds

Order = get_model("order", "Order")


class RefundForm(forms.Form):
    amount = forms.DecimalField(min_value=0.01, max_digits=10, decimal_places=2, label="Amount to refund")
    reason = forms.CharField(max_length=200, required=False)
    # One per rendering of the form: a double-clicked button sends the same token twice.
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


@permissions_required(dashboard_access.REFUNDERS)
@require_POST
def refund(request, number):
    order = get_object_or_404(Order, number=number)
    form = RefundForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return redirect("dashboard:order-detail", number=number)
    try:
        refunds.refund_order(
            order=order,
            amount=form.cleaned_data["amount"],
            request_token=form.cleaned_data["token"],
            user=request.user,
            reason=form.cleaned_data["reason"],
        )
    except refunds.RefundRefused as refused:
        messages.error(request, f"Not refunded: {refused}")
    else:
        messages.success(request, f"Refunded {form.cleaned_data['amount']} {order.currency}.")
    return redirect("dashboard:order-detail", number=number)


@permissions_required(dashboard_access.ORDER_VIEWERS)
@never_cache
def to_refund(request):
    """Every cancelled order still holding money: staff open each and refund it there."""
    page = Paginator(selectors.money_to_refund(), 50).get_page(request.GET.get("page"))
    context = {"payments": page.object_list, "page_obj": page, "paginator": page.paginator}
    return render(request, "payments/dashboard/to_refund.html", context)
