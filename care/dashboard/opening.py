"""Console pages for a ticket staff open on a customer's behalf (a phone call, an e-mail).

The customer is found by e-mail or name; the ticket is opened through care.services.open_ticket
with the channel and the member of staff as its opener, so the customer gets the usual
acknowledgement and finds the ticket in their account, and the audit names who wrote it down.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .. import customers, services
from .opening_forms import CustomerSearchForm, OnBehalfTicketForm
from .views import care_agents


@care_agents
@never_cache
def find_customer(request):
    form = CustomerSearchForm(request.GET or None)
    found, more = [], False
    if form.is_valid() and form.cleaned_data["q"]:
        found = customers.find_customers(form.cleaned_data["q"])
        found, more = found[: customers.SEARCH_LIMIT], len(found) > customers.SEARCH_LIMIT
    context = {"form": form, "found": found, "more": more, "searched": bool(form.is_bound and form.data.get("q"))}
    return render(request, "care/dashboard/find_customer.html", context)


@care_agents
@never_cache
def open_for_customer(request, user_id):
    customer = customers.customer(user_id)
    if request.method != "POST":
        return _render(request, customer, OnBehalfTicketForm(customer=customer))
    form = OnBehalfTicketForm(request.POST, customer=customer)
    if not form.is_valid():
        return _render(request, customer, form, status=422)
    data = form.cleaned_data
    try:
        ticket, created = services.open_ticket(
            topic=data["topic"],
            subject=data["subject"],
            body=data["body"],
            user=customer,
            channel=data["channel"],
            severity=data["severity"] or "",
            order=data["order"],
            submission_key=data["submission"],
            opened_by=request.user,
        )
    except services.TicketRefused as refusal:
        form.add_error(None, str(refusal))
        return _render(request, customer, form, status=409)
    if created:
        messages.success(request, _("Ticket %(reference)s opened for %(name)s; they are sent the acknowledgement.") % {
            "reference": ticket.reference, "name": ticket.customer_name})  # fmt: skip
    else:
        messages.info(request, _("This ticket was opened already: %(reference)s.") % {"reference": ticket.reference})
    return redirect("care-dashboard:ticket", reference=ticket.reference)


def _render(request, customer, form, status=200):
    context = {"customer": customer, "form": form}
    return render(request, "care/dashboard/open_for_customer.html", context, status=status)
