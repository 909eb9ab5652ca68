"""Hub pages. Each loads the customer's own objects through selectors and calls a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import export, selectors, services
from .forms import DeletionRequestForm
from .progress import production_progress_for


@login_required
def overview(request):
    context = {
        "overview": selectors.overview(request.user, progress_for=production_progress_for),
        "page_title": _("Your account"),
        "active_tab": "overview",
    }
    return render(request, "hub/overview.html", context)


def _report_refusal(request, refusal):
    if refusal.configure_url:
        link = format_html('<a href="{}">{}</a>', refusal.configure_url, _("Adjust it in the configurator"))
        messages.warning(request, format_html("{} {}", str(refusal), link))
    else:
        messages.warning(request, str(refusal))


@login_required
def reorder_line(request, number, line_id):
    if request.method != "POST":
        return redirect("customer:order", order_number=number)
    try:
        reordered = services.reorder_line(
            user=request.user, basket=request.basket, order_number=number, line_id=line_id
        )
    except services.ReorderRefused as refusal:
        _report_refusal(request, refusal)
        return redirect("customer:order", order_number=number)
    messages.success(request, _("%(title)s is in your basket, priced as of today.") % {"title": reordered.title})
    return redirect("basket:summary")


@login_required
@require_POST
def reorder_order(request, number):
    added, refused = services.reorder_order(user=request.user, basket=request.basket, order_number=number)
    for _line, refusal in refused:
        _report_refusal(request, refusal)
    if not added:
        return redirect("customer:order", order_number=number)
    messages.success(request, _("%(count)d item(s) are in your basket, priced as of today.") % {"count": len(added)})
    return redirect("basket:summary")


@login_required
def your_data(request):
    context = {
        "page_title": _("Your data"),
        "active_tab": "data",
        "deletion": selectors.pending_deletion(request.user),
        "grace_days": services.deletion_grace().days,
    }
    return render(request, "hub/your_data.html", context)


@login_required
@never_cache
def export_data(request):
    response = HttpResponse(export.customer_data_json(request.user), content_type="application/json; charset=utf-8")
    filename = f"atelier-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def request_deletion(request):
    form = DeletionRequestForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_deletion(user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("hub:data")
        messages.success(request, _("Your request is recorded. You can cancel it until the date shown below."))
        return redirect("hub:data")
    context = {
        "form": form,
        "page_title": _("Delete your account"),
        "active_tab": "data",
        "grace_days": services.deletion_grace().days,
    }
    status = 200 if not form.is_bound else 429 if form.locked else 422
    return render(request, "hub/deletion_form.html", context, status=status)


@login_required
@require_POST
def cancel_deletion(request):
    if services.cancel_deletion(user=request.user):
        messages.success(request, _("Your account will not be deleted. Welcome back."))
    return redirect("hub:data")
