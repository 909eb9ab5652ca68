"""The shopper's points page and the checkout's "use my points" form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import selectors, services


@login_required
def points_page(request):
    """Balance, tier, progress and history of the signed-in customer only."""
    page = Paginator(selectors.ledger_for(user=request.user), 25).get_page(request.GET.get("page"))
    context = {
        "summary": selectors.account_summary(user=request.user),
        "entries": page,
        "page_obj": page,
        "active_tab": "points",
    }
    return render(request, "loyalty/points.html", context)


@login_required
@require_POST
def redeem(request):
    """Set points aside for the shopper's own basket (request.basket), or remove them (0)."""
    target = request.POST.get("next") or "/checkout/preview/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/checkout/preview/"
    try:
        hold = services.hold_points(user=request.user, basket=request.basket, points=request.POST.get("points", ""))
    except services.PointsRefused as refused:
        messages.error(request, str(refused))
    else:
        if hold:
            messages.success(request, f"{hold.points} points will take £{hold.amount} off this order.")
        else:
            messages.info(request, "No points will be used on this order.")
    return redirect(target)
