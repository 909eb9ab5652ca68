"""The hub's cancel page: what cancelling does, then the cancellation. Owner only (404 for others)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..hub.selectors import order_for
from . import cancellation as service
from .forms import CancellationForm


@login_required
@never_cache
def cancel_order(request, number):
    order = order_for(user=request.user, number=number)
    if request.method == "POST":
        form = CancellationForm(request.POST)
        if form.is_valid():
            try:
                service.cancel_order(
                    order=order, by=request.user, reason=form.cleaned_data["reason"], key=form.cleaned_data["key"]
                )
            except service.CancellationRefused as refused:
                return _page(request, order, form, refusal=refused, status=409)
            messages.success(request, _("Your order %(number)s is cancelled.") % {"number": order.number})
            return redirect("customer:order", order_number=order.number)
        return _page(request, order, form, status=422)
    return _page(request, order, CancellationForm(), refusal=service.refusal(order))


def _page(request, order, form, *, refusal=None, status=200):
    context = {
        "order": order,
        "form": form,
        "refusal": refusal,
        "outlook": service.outlook(order),
        "page_title": _("Cancel order %(number)s") % {"number": order.number},
        "active_tab": "orders",
    }
    return render(request, "after_sales/cancel_order.html", context, status=status)
