"""The care console's claims: the list (undecided first), a claim with its photos, and the decision,
for staff who may decide (care.decide_claim). Thin: selectors read, services.decide_claim writes."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from oscar.views.decorators import check_permissions, permissions_required

from ..access import CARE_AGENTS, CARE_CLAIM_DECIDERS
from . import selectors, services
from .forms import DecisionForm
from .models import ClaimKind
from .rules import ClaimRefused
from .views import label_response

care_agents = permissions_required(CARE_AGENTS)
claim_deciders = permissions_required(CARE_CLAIM_DECIDERS)


@care_agents
def claims(request):
    show = "all" if request.GET.get("show") == "all" else "open"
    context = {"claims": selectors.staff_claims(show=show)[:200], "show": show}
    return render(request, "care/dashboard/claims.html", context)


def _decision_form(user, claim, data=None):
    if claim.is_decided or not check_permissions(user, CARE_CLAIM_DECIDERS):
        return None
    return DecisionForm(data, decisions=services.DECISIONS[ClaimKind(claim.kind)])


def _page(request, claim, form=None, status=200):
    context = {"claim": claim, "form": form or _decision_form(request.user, claim)}
    return render(request, "care/dashboard/claim.html", context, status=status)


@care_agents
@never_cache
def claim_page(request, rma):
    return _page(request, selectors.staff_claim(rma=rma))


@claim_deciders
@require_POST
def decide(request, rma):
    claim = selectors.staff_claim(rma=rma)
    form = DecisionForm(request.POST, decisions=services.DECISIONS[ClaimKind(claim.kind)])
    if not form.is_valid():
        return _page(request, claim, form, status=422)
    try:
        decided = services.decide_claim(
            claim=claim, decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"], actor=request.user
        )
    except ClaimRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("care-dashboard:claim", rma=claim.rma)
    words = {"rma": decided.rma, "decision": decided.get_decision_display().lower()}
    if decided.remake_id:
        words["number"] = decided.remake.work_order.number
        messages.success(request, _("%(rma)s decided: %(decision)s, work order %(number)s.") % words)
    else:
        messages.success(request, _("%(rma)s decided: %(decision)s. The customer is told by e-mail.") % words)
    return redirect("care-dashboard:claim", rma=decided.rma)


@care_agents
@never_cache
def label(request, rma):
    return label_response(selectors.staff_claim(rma=rma))
