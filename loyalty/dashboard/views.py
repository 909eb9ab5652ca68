"""Loyalty pages in Oscar's dashboard, for staff with "Can manage the loyalty programme" (loyalty.access)."""

import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from oscar.views.decorators import permissions_required

from .. import charts
from ..access import LOYALTY_STAFF
from ..ledger import PointsRefused
from ..models import Campaign, EarnMultiplier, LoyaltyAccount, ProgrammeRules, SegmentHistory, Tier
from ..selectors.accounts import account_summary, ledger_for, segment_distribution, tier_distribution
from ..selectors.referrals import referrals_of_customer
from ..services.staff import adjust_points, save_campaign
from .forms import AdjustmentForm, CampaignForm, MultiplierForm, RulesForm, TierForm

# Signed out: the sign-in page; signed in without the role: 403 (Oscar's, as on every staff page).
loyalty_staff = permissions_required(LOYALTY_STAFF)


@loyalty_staff
def overview(request):
    tiers, segments = tier_distribution(), segment_distribution()
    since = timezone.localdate() - timedelta(days=30)
    movement = (
        SegmentHistory.objects.filter(computed_on__gte=since)
        .exclude(previous_segment="")
        .exclude(previous_segment=F("segment"))
        .values("previous_segment", "segment")
        .annotate(n=Count("pk"))
        .order_by("-n")[:12]
    )
    context = {
        "tiers": tiers,
        "segments": segments,
        "tier_chart": charts.bar_chart(tiers, title="Customers by tier"),
        "segment_chart": charts.bar_chart(segments, title="Customers by segment"),
        "movement": movement,
        "accounts": LoyaltyAccount.objects.count(),
    }
    return render(request, "loyalty/dashboard/overview.html", context)


@loyalty_staff
@require_http_methods(["GET", "POST"])
def rules(request):
    programme = ProgrammeRules.current()
    rules_form = RulesForm(instance=programme, prefix="rules")
    campaign_form = CampaignForm(prefix="campaign")
    multiplier_form = MultiplierForm(prefix="multiplier")
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "rules":
            rules_form = RulesForm(request.POST, instance=programme, prefix="rules")
            if rules_form.is_valid():
                rules_form.save()
                messages.success(request, "Programme rules saved.")
                return redirect("loyalty-dashboard:rules")
        elif which == "campaign":
            campaign_form = CampaignForm(request.POST, prefix="campaign")
            if campaign_form.is_valid():
                try:
                    save_campaign(campaign=campaign_form.instance)
                except ValidationError as error:
                    campaign_form.add_error(None, error)
                else:
                    messages.success(request, f"Campaign “{campaign_form.instance.name}” saved.")
                    return redirect("loyalty-dashboard:rules")
        elif which == "multiplier":
            multiplier_form = MultiplierForm(request.POST, prefix="multiplier")
            if multiplier_form.is_valid():
                multiplier_form.save()
                messages.success(request, "Multiplier saved.")
                return redirect("loyalty-dashboard:rules")
        elif which == "end-campaign":
            Campaign.objects.filter(pk=request.POST.get("campaign")).update(active=False)
            return redirect("loyalty-dashboard:rules")
    context = {
        "rules_form": rules_form,
        "campaign_form": campaign_form,
        "multiplier_form": multiplier_form,
        "campaigns": Campaign.objects.select_related("product_class", "category"),
        "multipliers": EarnMultiplier.objects.select_related("product_class", "category"),
        "tiers": Tier.objects.order_by("min_spend_12m"),
    }
    return render(request, "loyalty/dashboard/rules.html", context)


@loyalty_staff
@require_http_methods(["GET", "POST"])
def tier_edit(request, code):
    tier = get_object_or_404(Tier, code=code)
    form = TierForm(request.POST or None, instance=tier)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Tier {tier.name} saved.")
        return redirect("loyalty-dashboard:rules")
    return render(request, "loyalty/dashboard/tier_form.html", {"form": form, "tier": tier})


@loyalty_staff
def customers(request):
    query = request.GET.get("q", "").strip()
    accounts = LoyaltyAccount.objects.select_related("user", "tier").order_by("-spend_12m")
    if query:
        accounts = accounts.filter(user__email__icontains=query)
    return render(request, "loyalty/dashboard/customers.html", {"accounts": accounts[:50], "query": query})


@loyalty_staff
@require_http_methods(["GET", "POST"])
def customer(request, user_id):
    user = get_object_or_404(get_user_model(), pk=user_id)
    form = AdjustmentForm(initial={"token": uuid.uuid4().hex})
    if request.method == "POST":
        form = AdjustmentForm(request.POST)
        if form.is_valid():
            try:
                entry = adjust_points(
                    user_id=user.pk,
                    points=form.cleaned_data["points"],
                    reason=form.cleaned_data["reason"],
                    staff=request.user,
                    token=form.cleaned_data["token"],
                )
            except PointsRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, f"Adjusted by {entry.points:+d} points.")
                return redirect("loyalty-dashboard:customer", user_id=user.pk)
    context = {
        "customer": user,
        "summary": account_summary(user=user),
        "entries": ledger_for(user=user).select_related("created_by", "adjustment")[:200],
        "form": form,
        "history": SegmentHistory.objects.filter(user_id=user.pk).order_by("-computed_on")[:12],
        "referrals": referrals_of_customer(user=user),
    }
    return render(request, "loyalty/dashboard/customer.html", context)
