"""The shopper's points page and the checkout's "use my points" form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from oscar.templatetags.currency_filters import currency

from .forms import RedeemPointsForm
from .ledger import PointsRefused
from .selectors.accounts import account_summary, ledger_for
from .services import holds


@login_required
def points_page(request):
    """Balance, tier, progress and history of the signed-in customer only."""
    page = Paginator(ledger_for(user=request.user), 25).get_page(request.GET.get("page"))
    context = {
        "summary": account_summary(user=request.user),
        "entries": page,
        "page_obj": page,
        "active_tab": "points",
    }
    return render(request, "loyalty/points.html", context)


@login_required
@require_POST
def redeem(request):
    """Set points aside for the shopper's own basket (request.basket), or, with the "Don't use
    points" button (action=release), give them back. A box that is empty or holds anything but
    a whole number above zero is refused in words; what was held stays held."""
    target = request.POST.get("next") or "/checkout/preview/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/checkout/preview/"
    if request.POST.get("action") == "release":
        holds.release_points(user=request.user, basket=request.basket)
        messages.info(request, _("No points will be used on this order."))
        return redirect(target)
    form = RedeemPointsForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.problem)
        return redirect(target)
    try:
        hold = holds.hold_points(user=request.user, basket=request.basket, points=form.cleaned_data["points"])
    except PointsRefused as refused:
        messages.error(request, str(refused))
    else:
        message = ngettext(
            "%(n)s point will take %(amount)s off this order.",
            "%(n)s points will take %(amount)s off this order.",
            hold.points,
        )
        messages.success(request, message % {"n": hold.points, "amount": currency(hold.amount, "GBP")})
    return redirect(target)
