"""The customer's side of claims: the claim form from the hub's order page, and the return label.
Thin: the order and line are loaded with their owner (404 for anyone else's), services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .. import selectors as care_selectors
from . import selectors, services
from .forms import ClaimForm
from .label import label_filename, label_pdf
from .models import ClaimKind
from .rules import ClaimRefused, eligibility

HUB_BASE = "oscar/customer/baseaccountpage.html"


def _order_and_line(request, number, line_id):
    order = care_selectors.customer_order(user=request.user, number=number)
    line = care_selectors.order_line(order=order, line_id=line_id)
    if line is None:
        raise Http404("No such order")
    return order, line


@login_required
@never_cache
def new_claim(request, number, line_id):
    """GET: the form (or why the item cannot be claimed). POST: the claim, then back to the order."""
    order, line = _order_and_line(request, number, line_id)
    kind = request.POST.get("kind") if request.method == "POST" else request.GET.get("kind")
    if kind not in ClaimKind.values:
        kind = None
    check = eligibility(order=order, line=line, kind=kind)
    if request.method != "POST":
        form = ClaimForm(initial={"kind": check.kind}, max_quantity=max(check.quantity, 1))
        return _page(request, order, line, check, form)
    form = ClaimForm(request.POST, request.FILES, max_quantity=max(check.quantity, 1))
    if not form.is_valid():
        return _page(request, order, line, check, form, status=422)
    data = form.cleaned_data
    try:
        claim, created = services.file_claim(
            user=request.user,
            order=order,
            line=line,
            kind=data["kind"],
            reason=data["reason"],
            quantity=data["quantity"],
            photos=data["photos"],
            submission_key=data["submission"],
        )
    except ClaimRefused as refusal:
        form.add_error(None, str(refusal))
        return _page(request, order, line, eligibility(order=order, line=line, kind=kind), form, status=409)
    if created:
        messages.success(
            request,
            _("Thank you. Your claim is %(rma)s; we have e-mailed you the return label.") % {"rma": claim.rma},
        )
    return redirect("customer:order", order_number=order.number)


def _page(request, order, line, check, form, status=200):
    context = {
        "order": order,
        "line": line,
        "check": check,
        "form": form,
        "page_title": _("Return or claim: %(title)s") % {"title": line.title},
        "active_tab": "orders",
    }
    return render(request, "care/claims/claim_form.html", context, status=status)


@login_required
@never_cache
def label(request, rma):
    claim = selectors.claim_for(user=request.user, rma=rma)
    return label_response(claim)


def label_response(claim):
    response = HttpResponse(label_pdf(claim), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{label_filename(claim)}"'
    return response
