"""The shopper's points page, the invite-a-friend page and its link, and the checkout's "use my points" form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from oscar.templatetags.currency_filters import currency

from .forms import RedeemPointsForm
from .invites import SESSION_KEY, code_lookup_limit, lookup_allowed
from .ledger import PointsRefused
from .selectors import referrals as referral_selectors
from .selectors.accounts import account_summary, ledger_for
from .services import holds, referrals


@login_required
def points_page(request):
    """Balance, tier, progress and history of the signed-in customer only."""
    page = Paginator(ledger_for(user=request.user), 25).get_page(request.GET.get("page"))
    context = {
        "summary": account_summary(user=request.user),
        "entries": page,
        "page_obj": page,
        "active_tab": "points",
        "page_title": _("My points"),  # Oscar's account pages put it in the title and the breadcrumb
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


@login_required
def invite_page(request):
    """The member's invite link and code, the friends who joined with it and what each earned them."""
    code = referrals.invite_code_for(user=request.user).code
    link = request.build_absolute_uri(reverse("loyalty:invite-landing", args=[code]))
    context = {
        "code": code,
        "link": link,
        "invites": referral_selectors.invites_of(user=request.user),
        "invited_by": referral_selectors.invited_by(user=request.user),
        "active_tab": "invite",
        "page_title": _("Invite friends"),
    }
    return render(request, "loyalty/invite.html", context)


def invite_landing(request, code):
    """A friend followed a member's invite link: the code is kept in the session for the
    registration form, which checks it again when the account is created. Looking a code up is
    rate limited per client address (429); an unknown code is a 404 that says so."""
    if not lookup_allowed(request):
        context = {"problem": "too_many", "minutes": code_lookup_limit().period // 60}
        response = render(request, "loyalty/invite_landing.html", context, status=429)
        response["Retry-After"] = str(code_lookup_limit().retry_after)
        return response
    code = referrals.normalized_code(code)
    referrer = referral_selectors.code_owner(code=code)
    if referrer is None:
        return render(request, "loyalty/invite_landing.html", {"problem": "unknown"}, status=404)
    if request.user.is_authenticated:
        if request.user.pk == referrer.pk:
            messages.info(request, _("This is your own invite link: share it with friends who have no account yet."))
            return redirect("loyalty:invite")
        messages.info(request, _("Invites are for new customers, and you already have an account with us."))
        return redirect("hub:overview")
    request.session[SESSION_KEY] = code
    bonus = referral_selectors.referral_bonuses()[1]
    messages.success(
        request,
        _("%(name)s invited you. Create your account: after your first paid order you get %(points)s points.")
        % {"name": referral_selectors.friend_label(referrer), "points": bonus},
    )
    return redirect("customer:register")
