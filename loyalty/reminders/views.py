"""Thin views: preferences page, one-click unsubscribe, tracked links, the staff dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from oscar.views.decorators import permissions_required

from ..access import REMINDER_ANALYSTS
from . import charts, links, selectors
from .forms import (
    ONE_CLICK_BODY,
    PREFERENCES_HEADING,
    PREFERENCES_INTRO,
    UNSUBSCRIBE_EXPLANATION,
    UNSUBSCRIBE_QUESTION,
    PreferencesForm,
    unsubscribe_wording,
)
from .models import Trigger
from .services import clicks, consent


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            consent.save_preferences(user=request.user, allowed=form.allowed(), wording=form.wording())
            messages.success(request, _("Your reminder preferences are saved."))
            return redirect("reminders:preferences")
    return render(
        request,
        "reminders/preferences.html",
        {
            "rows": selectors.preferences_for(user=request.user),
            "intro": PREFERENCES_INTRO,
            "page_title": PREFERENCES_HEADING,
            "active_tab": "reminders",
        },
    )


def _link_error(request, reason):
    return render(request, "reminders/link_error.html", {"reason": reason}, status=400)


# The signed token is the authority here, not a session: mail clients POST the one-click
# unsubscribe (RFC 8058) without any cookie, so there is no CSRF token to check.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        user_id, trigger = links.read_unsubscribe(token)
    except links.InvalidLink as error:
        return _link_error(request, error.reason)
    if trigger not in Trigger.values:
        return _link_error(request, "invalid")
    label = Trigger(trigger).label
    if request.method == "POST":
        one_click = request.POST.get(ONE_CLICK_BODY[0]) == ONE_CLICK_BODY[1]
        consent.unsubscribe(user_id=user_id, trigger=trigger, wording=unsubscribe_wording(label, one_click=one_click))
        return render(request, "reminders/unsubscribed.html", {"label": label})
    # A GET only asks: link scanners in mail systems open links, and must not unsubscribe anyone.
    context = {
        "question": UNSUBSCRIBE_QUESTION,
        "explanation": UNSUBSCRIBE_EXPLANATION % {"label": label},
        "token": token,
    }
    return render(request, "reminders/unsubscribe.html", context)


def go(request, token):
    """A tracked link: count the click, then go to the path on this site the token names."""
    try:
        send_id, path = links.read_click(token)
    except links.InvalidLink as error:
        return _link_error(request, error.reason)
    if not url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
        return _link_error(request, "invalid")
    if send_id:
        clicks.record_click(send_id=send_id)
    return HttpResponseRedirect(path)


@permissions_required(REMINDER_ANALYSTS)
def dashboard(request):
    stats = selectors.reminder_stats()
    return render(
        request,
        "reminders/dashboard/index.html",
        {"stats": stats, "chart": charts.conversion_chart(stats), "title": _("Reminders")},
    )
