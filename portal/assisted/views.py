"""The customer's side: the pay link opens the basket staff prepared, for that customer alone.

Signed out: the sign-in page, then back here. Signed in as anyone else: a refusal that shows
nothing of the basket. Accepting makes it the customer's basket and goes on to the checkout.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .services import LinkRefused

REFUSAL_STATUS = {
    LinkRefused.INVALID: 404,
    LinkRefused.OTHER_CUSTOMER: 403,
    LinkRefused.EXPIRED: 410,
    LinkRefused.REPLACED: 410,
    LinkRefused.ACCEPTED: 200,
}


@never_cache
@require_http_methods(["GET", "POST"])
def pay(request, token):
    assisted = selectors.by_token(token)
    if assisted is None or assisted.is_draft:
        return _refused(request, LinkRefused(LinkRefused.INVALID))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        if request.method == "POST":
            set_aside = services.accept(assisted=assisted, user=request.user)
        else:
            services.check_link(assisted=assisted, user=request.user)
    except LinkRefused as refusal:
        return _refused(request, refusal)
    if request.method == "POST":
        messages.success(request, _("The basket we prepared is now your basket."))
        if set_aside:
            messages.info(
                request, _("What was in your basket before is kept under “Saved for later” on your basket page.")
            )
        return redirect("checkout:index")
    basket = services.priced(assisted)
    context = {"assisted": assisted, "basket": basket, "lines": basket.all_lines()}
    return render(request, "assisted/pay.html", context)


def _refused(request, refusal):
    # Only the basket's own customer is told more than that the link does not open here.
    order = selectors.order_for(refusal.assisted) if refusal.kind == LinkRefused.ACCEPTED else None
    context = {"kind": refusal.kind, "assisted": refusal.assisted, "order": order}
    return render(request, "assisted/refused.html", context, status=REFUSAL_STATUS[refusal.kind])
