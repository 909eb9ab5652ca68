"""Configurator pages. Each parses the request, calls a service or selector, and renders.

Every page works as a plain form post without JavaScript; `configurator.js` adds the live
update by asking `quote` for the same computation as JSON with rendered fragments.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from oscar.core.loading import get_class, get_model

from . import quoting, selectors, services, throttling
from .ownership import remember_design, session_designs
from .panel import as_saved, build_panel, raw_values_from_form

basket_addition = get_class("basket.signals", "basket_addition")

# Past a limit the page comes back with the shopper's choices and this message, unpriced.
PRICE_NOT_UPDATED = gettext_lazy(
    "Price not updated: too many price checks came from your connection in a short time. "
    "Your choices are kept; try again in %(wait)s."
)
NOT_ADDED = gettext_lazy(
    "Not added to your basket: too many requests came from your connection in a short time. "
    "Your choices are kept; try again in %(wait)s."
)
NOT_SAVED = gettext_lazy(
    "Design not saved: too many designs were saved from your connection in a short time. "
    "Your choices are kept; try again in %(wait)s."
)


def _design_from_request(request, source):
    design_id = source.get("design")
    if not design_id:
        return None
    return selectors.design_for(user=request.user, uuid=design_id, session_designs=session_designs(request))


def _starting_values(request, family):
    """Values a configure page opens with: a design being edited, a shared or preset one, or defaults."""
    if token := request.GET.get("from"):
        return dict(selectors.shared_design(token).values)
    design = _design_from_request(request, request.GET)
    if design is not None:
        return dict(design.values)
    return raw_values_from_form(request.GET, family)


@require_http_methods(["GET", "POST"])
def configure(request, slug):
    """The configurator on its own page; also where the plain (no-JavaScript) form posts to.

    Every answer but a save works out a full quote for values the client chose, so each
    counts against the quote limit, with the live update's; a save counts against the
    design-saving limit instead.
    """
    family = selectors.published_family(slug)
    if request.method == "GET":
        design = _design_from_request(request, request.GET)
        values = _starting_values(request, family)
        limit = throttling.quote_limit()
        if _over(limit, request):
            return _too_many(request, limit, PRICE_NOT_UPDATED, slug, values, design)
        configuration = quoting.configure(family_slug=slug, values=values)
        return _render_page(request, configuration, design)

    design = _design_from_request(request, request.POST)
    values = raw_values_from_form(request.POST, family)
    name = request.POST.get("name", "")
    action = request.POST.get("action", "update")
    if action == "save":
        return _save(request, slug, values, design, name)
    limit = throttling.quote_limit()
    if _over(limit, request):
        message = NOT_ADDED if action == "basket" else PRICE_NOT_UPDATED
        return _too_many(request, limit, message, slug, values, design, name)
    if action == "basket":
        return _add_to_basket(request, slug, values, design, name)
    configuration = quoting.configure(family_slug=slug, values=values)
    return _render_page(request, configuration, design, name=name)


def _over(limit, request):
    """Count this request against `limit`; True if its client is past it."""
    return not limit.hit(throttling.client_address(request))


def _too_many(request, limit, message, slug, values, design, name=None):
    """429: the page with the shopper's choices as they sent them and why nothing happened.

    Checked against the rules but not priced: a price is the work the limit bounds.
    """
    now = timezone.now()
    messages.error(request, message % {"wait": timeuntil(now + timedelta(seconds=limit.retry_after), now)})
    configuration = quoting.configure(family_slug=slug, values=values, priced=False)
    response = _render_page(request, configuration, design, status=429, name=name)
    response["Retry-After"] = str(limit.retry_after)
    return response


def _render_page(request, configuration, design, status=200, name=None):
    product = get_model("catalogue", "Product").objects.get(pk=configuration.family.product_id)
    panel = build_panel(configuration, design=design)
    # `name`: the design name as the shopper typed it, shown again when nothing was saved.
    context = {"panel": panel, "product": product, "design_name": name}
    return render(request, "configurator/configure_page.html", context, status=status)


def _add_to_basket(request, slug, values, design, name):
    try:
        line, _configuration = services.add_configuration_to_basket(
            basket=request.basket, family_slug=slug, values=values
        )
    except services.InvalidConfiguration as invalid:
        messages.error(request, _("Not added to your basket: %s") % invalid)
        return _render_page(request, invalid.configuration, design, status=422, name=name)
    basket_addition.send(sender=configure, product=line.product, user=request.user, request=request)
    messages.success(request, _("%(product)s, as you designed it, is in your basket.") % {"product": line.product})
    return redirect("basket:summary")


def _save(request, slug, values, design, name):
    limit = throttling.design_save_limit()
    if _over(limit, request):
        return _too_many(request, limit, NOT_SAVED, slug, values, design, name)
    owner = request.user if request.user.is_authenticated else None
    try:
        design, _configuration = services.save_design(
            family_slug=slug, values=values, owner=owner, name=name, design=design
        )
    except services.InvalidConfiguration as invalid:
        messages.error(request, _("Design not saved: %s") % invalid)
        return _render_page(request, invalid.configuration, design, status=422, name=name)
    remember_design(request, design)
    messages.success(request, _("Design saved. Share it with this link, or find it again under My designs."))
    return redirect("configurator:shared-design", token=design.share_token)


@require_POST
def quote(request, slug):
    """Live update: the same computation as the page, as JSON with its rendered fragments."""
    limit = throttling.quote_limit()
    if not limit.hit(throttling.client_address(request)):
        response = JsonResponse({"detail": "Too many requests."}, status=429)
        response["Retry-After"] = str(limit.retry_after)
        return response
    family = selectors.published_family(slug)
    configuration = quoting.configure(family_slug=slug, values=raw_values_from_form(request.POST, family))
    panel = build_panel(configuration)
    options = {
        option.code: {
            "value_text": option.value_text,
            "errors": option.errors,
            "reasons": {choice.code: choice.reasons for choice in option.choices if choice.reasons},
            "blocked": [choice.code for choice in option.choices if choice.blocking],
            "bounds_text": option.bounds_text if option.is_numeric else "",
            "derived_by": option.derived_by,
        }
        for option in panel.options
    }
    return JsonResponse(
        {
            "valid": configuration.is_valid,
            # The fragment reads only the panel and the request (for its extra lines): no context
            # processors, whose page-frame work (search form, notifications…) was a tenth of a quote.
            "quote_html": render_to_string("configurator/partials/quote.html", {"panel": panel, "request": request}),
            "preview_svg": panel.preview_svg(),
            "options": options,
        }
    )


@login_required
def design_list(request):
    """The shopper's designs; one of a withdrawn product is listed flagged, to look at or delete."""
    designs = selectors.designs_for(request.user)
    context = {"designs": designs, "page_title": _("Saved designs"), "active_tab": "designs"}
    return render(request, "configurator/design_list.html", context)


@login_required
@require_POST
def design_to_basket(request, uuid):
    """A saved design into the basket as it stands today: re-validated and re-priced."""
    design = selectors.design_for(user=request.user, uuid=uuid)
    if not design.is_sold:
        messages.error(request, _("Not added to your basket: %s") % services.NO_LONGER_SOLD)
        return redirect("configurator:design-list")
    try:
        line, _configuration = services.add_configuration_to_basket(
            basket=request.basket, family_slug=design.family.slug, values=design.values
        )
    except services.InvalidConfiguration as invalid:
        messages.error(request, _("Not added to your basket: %s") % invalid)
        return redirect("configurator:shared-design", token=design.share_token)
    basket_addition.send(sender=design_to_basket, product=line.product, user=request.user, request=request)
    messages.success(request, _("%(product)s, as you designed it, is in your basket.") % {"product": line.product})
    return redirect("basket:summary")


@login_required
@require_POST
def delete_design(request, uuid):
    design = selectors.design_for(user=request.user, uuid=uuid)
    services.delete_design(design=design)
    messages.success(request, _("Design deleted."))
    return redirect("configurator:design-list")


def shared_design(request, token):
    """A design by its share link: read-only for everyone; its owner may go on editing it.

    A design of a product no longer sold shows as it was saved, flagged, with nothing to
    edit, copy or buy (there is no current version to check it against).
    """
    design = selectors.shared_design(token)
    is_owner = (design.owner_id and design.owner_id == request.user.pk) or (
        design.owner_id is None and str(design.uuid) in session_designs(request)
    )
    if not design.is_sold:
        context = {"design": design, "panel": as_saved(design), "withdrawn": True, "is_owner": is_owner}
        return render(request, "configurator/shared_design.html", context)
    configuration, repair = quoting.recheck_design(design)
    context = {
        "design": design,
        "panel": build_panel(configuration, design=design),
        "repair": repair,
        "repaired_panel": build_panel(quoting.configure(family_slug=design.family.slug, values=repair.values))
        if repair
        else None,
        "is_owner": is_owner,
        "edit_url": f"{reverse('configurator:configure', args=[design.family.slug])}?design={design.uuid}",
        "copy_url": f"{reverse('configurator:configure', args=[design.family.slug])}?from={design.share_token}",
    }
    return render(request, "configurator/shared_design.html", context)
