"""The care console in Oscar's dashboard: the queue and a ticket's page, for staff with care.answer_ticket."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from oscar.views.decorators import check_permissions, permissions_required

from .. import canned_offers, console, customer_picture, services
from ..access import CARE_AGENTS, CARE_REMAKERS
from ..help import selectors as help_selectors
from ..hours import working_hours_left
from ..queue_rows import queue_rows
from ..thread import Author
from ..ticket import TRANSITIONS, State
from ..views import attachment_response
from .forms import AssignForm, QueueFilterForm, RemakeForm, StaffReplyForm, StateForm

# Signed out: the sign-in page; signed in without the role: 403 (Oscar's, as on every staff page).
care_agents = permissions_required(CARE_AGENTS)
care_remakers = permissions_required(CARE_REMAKERS)
PAGE_SIZE = 50


@care_agents
def queue(request):
    form = QueueFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else console.QueueFilters()
    tickets = console.queue(filters=filters, user=request.user)
    page = console.QueuePaginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queue_rows(page)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "care/dashboard/queue.html", context)


def _ticket_page(request, ticket, *, reply_form=None, remake_form=None, status=200):
    chosen_id = request.GET.get("canned") if request.method == "GET" else None
    canned = canned_offers.canned_choice(ticket=ticket, agent=request.user, chosen_id=chosen_id)
    if reply_form is None and canned.chosen is not None:
        # ?canned=<id>: the page again with that reply in the box, for the agent to adapt and send.
        reply_form = StaffReplyForm(initial={"body": canned.chosen_body})
    context = {
        "canned": canned,
        "case_article": help_selectors.case_article_for(ticket),
        "remakes": ticket.remakes.select_related("work_order", "line", "created_by"),
        "remake_form": remake_form or _remake_form(request.user, ticket),
        "ticket": ticket,
        "thread": console.staff_thread(ticket),
        "events": ticket.events.select_related("actor"),
        "picture": customer_picture.picture_for(ticket),
        "reply_form": reply_form or StaffReplyForm(),
        "assign_form": AssignForm(initial={"assignee": ticket.assignee_id, "expected_assignee": ticket.assignee_id}),
        "next_states": [State(state) for state in State.values if state in TRANSITIONS[State(ticket.state)]],
        "hours_left": working_hours_left(
            ticket.first_response_due if ticket.first_responded_at is None else ticket.resolution_due
        ),
    }
    return render(request, "care/dashboard/ticket.html", context, status=status)


def _remake_form(user, ticket):
    """The form to start a remake, where one may be started and by someone who may start it."""
    if ticket.order is None or not ticket.topic.is_complaint or ticket.is_closed:
        return None
    return RemakeForm(order=ticket.order) if check_permissions(user, CARE_REMAKERS) else None


@care_agents
@never_cache
def ticket_page(request, reference):
    ticket = console.ticket(reference=reference)
    if request.method != "POST":
        return _ticket_page(request, ticket)
    form = StaffReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _ticket_page(request, ticket, reply_form=form, status=422)
    try:
        services.reply(
            ticket=ticket,
            body=form.cleaned_data["body"],
            author_kind=Author.STAFF,
            author=request.user,
            internal=form.cleaned_data["internal"],
            attachments=form.cleaned_data["attachments"],
            submission_key=form.cleaned_data.get("submission"),
        )
    except services.TicketRefused as refusal:
        form.add_error(None, str(refusal))
        return _ticket_page(request, ticket, reply_form=form, status=409)
    messages.success(request, _("Note added.") if form.cleaned_data["internal"] else _("Reply sent."))
    return redirect("care-dashboard:ticket", reference=ticket.reference)


@care_agents
@require_POST
def change_state(request, reference):
    ticket = console.ticket(reference=reference)
    form = StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the state to move the ticket to."))
    else:
        try:
            services.change_state(
                ticket=ticket,
                to_state=form.cleaned_data["to_state"],
                expected_state=form.cleaned_data["expected_state"],
                actor=request.user,
            )
        except services.TicketRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Ticket %(reference)s is now %(state)s.") % {
                "reference": ticket.reference, "state": ticket.get_state_display().lower(),
            })  # fmt: skip
    return redirect("care-dashboard:ticket", reference=ticket.reference)


@care_agents
@require_POST
def assign(request, reference):
    ticket = console.ticket(reference=reference)
    data = request.POST.copy()
    if "assign_me" in data:
        data["assignee"] = str(request.user.pk)
    form = AssignForm(data)
    if not form.is_valid():
        messages.error(request, _("That person cannot take tickets."))
    else:
        try:
            services.assign(
                ticket=ticket,
                assignee=form.cleaned_data["assignee"],
                expected_assignee_id=form.cleaned_data["expected_assignee"],
                actor=request.user,
            )
        except services.TicketRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Assignment saved."))
    return redirect("care-dashboard:ticket", reference=ticket.reference)


@care_agents
@require_POST
def escalate(request, reference):
    ticket = console.ticket(reference=reference)
    reason = request.POST.get("reason", "").strip()[:255]
    if services.escalate(ticket=ticket, actor=request.user, reason=reason):
        messages.success(request, _("Sent to the experts' queue."))
    else:
        messages.info(request, _("This ticket was escalated already, or is no longer active."))
    return redirect("care-dashboard:ticket", reference=ticket.reference)


@care_remakers
@require_POST
def remake(request, reference):
    ticket = console.ticket(reference=reference)
    if ticket.order is None:
        messages.error(request, _("Ticket %(reference)s is not about an order: there is no item to remake.") % {
            "reference": ticket.reference})  # fmt: skip
        return redirect("care-dashboard:ticket", reference=ticket.reference)
    form = RemakeForm(request.POST, order=ticket.order)
    if not form.is_valid():
        return _ticket_page(request, ticket, remake_form=form, status=422)
    try:
        started, created = services.start_remake(
            ticket=ticket,
            line=form.cleaned_data["line"],
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            quantity=form.cleaned_data["quantity"],
            actor=request.user,
        )
    except services.TicketRefused as refusal:
        form.add_error(None, str(refusal))
        return _ticket_page(request, ticket, remake_form=form, status=409)
    words = {"kind": started.get_kind_display(), "number": started.work_order.number,
             "date": date_format(started.promised_ship_date, "l j F")}  # fmt: skip
    if created:
        messages.success(request, _("%(kind)s started: %(number)s, promised for %(date)s.") % words)
    else:
        messages.info(request, _("This %(kind)s was started already: %(number)s, promised for %(date)s.") % {
            **words, "kind": started.get_kind_display().lower()})  # fmt: skip
    return redirect("care-dashboard:ticket", reference=ticket.reference)


@care_agents
@require_POST
def article(request, reference):
    ticket = console.ticket(reference=reference)
    try:
        source, created = services.draft_case_article(ticket=ticket, actor=request.user)
    except services.TicketRefused as refusal:
        messages.error(request, str(refusal))
    else:
        words = {"reference": ticket.reference, "title": source.page.title}
        if created:
            messages.success(request, _("A draft help article was made from %(reference)s: “%(title)s”. "
                                        "Editors review and publish it.") % words)  # fmt: skip
        else:
            messages.info(request, _("%(reference)s was turned into a help article already: “%(title)s”.") % words)
    return redirect("care-dashboard:ticket", reference=ticket.reference)


@care_agents
@never_cache
def attachment(request, reference, attachment_id):
    ticket = console.ticket(reference=reference)
    return attachment_response(console.staff_attachment(ticket=ticket, attachment_id=attachment_id))
