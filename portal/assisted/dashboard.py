"""Console pages where staff build a basket for a customer and send it for payment (care agents only).

Thin: forms parse, portal.assisted.services write (and price), selectors read.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model
from oscar.views.decorators import permissions_required

from care import console as care_console
from care import customers as care_customers
from care.access import CARE_AGENTS
from configurator import quoting
from configurator import selectors as configurator_selectors
from configurator.panel import build_panel, raw_values_from_form
from configurator.services import InvalidConfiguration

from . import links, selectors, services
from .forms import ProductLookupForm, StartForm, StockedLineForm

Product = get_model("catalogue", "Product")
care_agents = permissions_required(CARE_AGENTS)


@care_agents
def basket_list(request):
    return render(request, "assisted/dashboard/list.html", {"baskets": selectors.recent_baskets()})


def _whose(request):
    """The customer (and ticket) the start page is for, from ?ticket=<reference> or ?customer=<id>."""
    source = request.POST if request.method == "POST" else request.GET
    if source.get("ticket"):
        ticket = care_console.ticket(reference=source["ticket"])
        if ticket.user_id is None:
            raise Http404("A guest's ticket: a basket needs the customer's account")
        return care_customers.customer(ticket.user_id), ticket
    customer_id = source.get("customer", "")
    if not customer_id.isdigit():
        raise Http404("No customer named")
    return care_customers.customer(int(customer_id)), None


@care_agents
@never_cache
def start(request):
    customer, ticket = _whose(request)
    if request.method != "POST":
        context = {
            "customer": customer,
            "ticket": ticket,
            "form": StartForm(),
            "drafts": selectors.drafts_for(customer),
        }
        return render(request, "assisted/dashboard/start.html", context)
    form = StartForm(request.POST)
    form.is_valid()  # only the one-time key, which may be empty
    try:
        assisted, _created = services.start_basket(
            customer=customer, staff=request.user, ticket=ticket, submission_key=form.cleaned_data.get("submission")
        )
    except services.BasketRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(request.get_full_path())
    return redirect("assisted-dashboard:basket", pk=assisted.pk)


def _basket_page(request, assisted, *, lookup=None, line_form=None, status=200):
    lookup = lookup or ProductLookupForm(request.GET or None)
    query = lookup.cleaned_data.get("q", "") if lookup.is_valid() else ""
    found = selectors.find_products(query, customer=assisted.customer) if query and assisted.is_draft else []
    basket = services.priced(assisted)
    context = {
        "assisted": assisted,
        "basket": basket,
        "lines": basket.all_lines(),
        "lookup": lookup,
        "query": query,
        "found": found,
        "line_form": line_form,
        "pay_url": links.pay_url(assisted) if assisted.sent_at else "",
        "order": selectors.order_for(assisted) if assisted.accepted_at else None,
    }
    return render(request, "assisted/dashboard/basket.html", context, status=status)


@care_agents
@never_cache
def basket_page(request, pk):
    return _basket_page(request, selectors.staff_basket(pk))


@care_agents
@require_POST
def add_stocked(request, pk):
    assisted = selectors.staff_basket(pk)
    lookup = ProductLookupForm(request.POST)
    form = StockedLineForm(request.POST)
    if not form.is_valid():
        return _basket_page(request, assisted, lookup=lookup, line_form=form, status=422)
    product = Product.objects.filter(pk=form.cleaned_data["product"], is_public=True).first()
    if product is None:
        form.add_error(None, _("That product is not on sale."))
        return _basket_page(request, assisted, lookup=lookup, line_form=form, status=422)
    try:
        line = services.add_stocked_product(assisted=assisted, product=product, quantity=form.cleaned_data["quantity"])
    except services.BasketRefused as refusal:
        form.add_error(None, str(refusal))
        return _basket_page(request, assisted, lookup=lookup, line_form=form, status=422)
    messages.success(request, _("%(product)s × %(quantity)s is in the basket.") % {
        "product": line.product.get_title(), "quantity": form.cleaned_data["quantity"]})  # fmt: skip
    return redirect("assisted-dashboard:basket", pk=assisted.pk)


@care_agents
@never_cache
def configure(request, pk, slug):
    """A made-to-order product's options, checked and priced by the configurator; "Add" puts it in the basket."""
    assisted = selectors.staff_basket(pk)
    family = configurator_selectors.published_family(slug)
    source = request.POST if request.method == "POST" else request.GET
    values = raw_values_from_form(source, family)
    if request.method == "POST" and request.POST.get("action") == "add":
        try:
            line, _configuration = services.add_configured_product(assisted=assisted, family_slug=slug, values=values)
        except InvalidConfiguration as invalid:
            messages.error(request, _("Not added: %s") % invalid)
            return _configure_page(request, assisted, invalid.configuration, status=422)
        except services.BasketRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("assisted-dashboard:basket", pk=assisted.pk)
        messages.success(
            request, _("%(product)s, as chosen, is in the basket.") % {"product": line.product.get_title()}
        )
        return redirect("assisted-dashboard:basket", pk=assisted.pk)
    return _configure_page(request, assisted, quoting.configure(family_slug=slug, values=values))


def _configure_page(request, assisted, configuration, status=200):
    product = Product.objects.get(pk=configuration.family.product_id)
    context = {"assisted": assisted, "panel": build_panel(configuration), "product": product}
    return render(request, "assisted/dashboard/configure.html", context, status=status)


@care_agents
@require_POST
def remove_line(request, pk, line_id):
    assisted = selectors.staff_basket(pk)
    try:
        removed = services.remove_line(assisted=assisted, line_id=line_id)
    except services.BasketRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if removed:
            messages.success(request, _("Removed from the basket."))
    return redirect("assisted-dashboard:basket", pk=assisted.pk)


@care_agents
@require_POST
def send(request, pk):
    assisted = selectors.staff_basket(pk)
    try:
        assisted, sent = services.send_for_payment(assisted=assisted, staff=request.user)
    except services.BasketRefused as refusal:
        messages.error(request, str(refusal))
    else:
        words = {"email": assisted.customer.email}
        if sent:
            messages.success(request, _("Sent for payment: the link is on its way to %(email)s.") % words)
        else:
            messages.info(request, _("This basket was sent already; nothing was sent again."))
    return redirect(reverse("assisted-dashboard:basket", kwargs={"pk": assisted.pk}))
