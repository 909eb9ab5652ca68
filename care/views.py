"""The customer's side of care: opening a ticket (signed in or as a guest), the hub's list and threads.

Thin: forms parse, care.services write, care.selectors load only what the requester owns.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import guest_links, selectors, services, throttling
from .forms import GuestTicketForm, ReplyForm, TicketForm
from .help import services as help_services
from .help import visitors as help_visitors
from .services.opening import not_in_account
from .thread import Author
from .ticket import Channel

HUB_BASE = "oscar/customer/baseaccountpage.html"
PAGE_BASE = "oscar/layout.html"


def _too_many(rate):
    return _("You have sent a lot in a short time. Please wait %(minutes)d minutes and try again.") % {
        "minutes": throttling.wait_minutes(rate)
    }


def _context_links(request, data):
    """The order, line and help page named by the form or the link, as far as they are the requester's."""
    order = selectors.customer_order(user=request.user, number=data.get("order"))
    line = selectors.order_line(order=order, line_id=data.get("line"))
    page = selectors.help_page(data.get("help_page"))
    return order, line, page


def _work_order_link(request, data, order, line):
    """The requester's work order the form or link names, and the order and line it settles."""
    work_order = selectors.customer_work_order(
        user=request.user, work_order_id=data.get("work_order"), order=order, line=line
    )
    if work_order is None:
        return None, order, line
    return work_order, work_order.order, work_order.line


def _initial(request):
    order, line, page = _context_links(request, request.GET)
    work_order, order, line = _work_order_link(request, request.GET, order, line)
    # Only what the requester may link goes back into the form: another's order number is dropped.
    initial = {
        "order": order.number if order else "",
        "line": line.pk if line else "",
        "work_order": work_order.pk if work_order else "",
        "help_page": page.pk if page else "",
    }
    topic = selectors.customer_topics().filter(slug=request.GET.get("topic", "")).first()
    if topic is not None:
        initial["topic"] = topic.pk
    if line is not None:
        # A remake or repair is named as such ("Remake of ..."), so the question is clearly about it.
        title = work_order.customer_title if work_order else line.title
        initial["subject"] = _("About %(title)s (order %(number)s)") % {"title": title, "number": order.number}
    elif order is not None:
        initial["subject"] = _("About order %(number)s") % {"number": order.number}
    elif page is not None:
        initial["subject"] = page.title
    return initial


@never_cache
def open_ticket(request):
    """GET: the form, filled from ?topic=, ?help_page=, ?order= and ?line=. POST: the ticket."""
    guest = not request.user.is_authenticated
    form_class = GuestTicketForm if guest else TicketForm
    if request.method != "POST":
        form = form_class(initial=_initial(request))
        return _render_open(request, form, guest)
    form = form_class(request.POST, request.FILES)
    status = 422
    if guest and form.caught_robot:
        form.add_error(None, _("We could not accept this form. Please try again."))
        status = 400
    elif form.is_valid():
        data = form.cleaned_data
        email = data.get("email", "")
        if not throttling.ticket_allowed(request, email):
            form.add_error(None, _too_many(settings.CARE_TICKET_RATE))
            return _render_open(request, form, guest, status=429)
        order, line, page = _context_links(request, data)
        try:
            work_order = selectors.named_work_order(data.get("work_order"))
            if data.get("work_order") and work_order is None:
                raise not_in_account()
            ticket, created = services.open_ticket(
                topic=data["topic"],
                subject=data["subject"],
                body=data["body"],
                user=None if guest else request.user,
                guest_email=email,
                guest_name=data.get("name", ""),
                channel=Channel.WEB,
                severity=data.get("severity") or "",
                order=order,
                line=line,
                work_order=work_order,
                help_page_id=page.pk if page else None,
                attachments=data["attachments"],
                submission_key=data.get("submission"),
            )
        except services.TicketRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            if created:
                # The help centre's searches by this visitor ended in a ticket (its report counts them).
                help_services.record_ticket_opened(visitor=help_visitors.visitor_hash(request, create=False))
                messages.success(
                    request,
                    _("Thank you. Your ticket is %(reference)s; we will answer by %(due)s.")
                    % {"reference": ticket.reference, "due": _due(ticket)},
                )
            if guest:
                return redirect(guest_links.guest_path(ticket))
            return redirect("care:ticket", reference=ticket.reference)
    return _render_open(request, form, guest, status=status)


def _due(ticket):
    return date_format(timezone.localtime(ticket.first_response_due), "l j F, H:i")


def _render_open(request, form, guest, status=200):
    data = form.data if form.is_bound else form.initial
    order, line, page = _context_links(request, data)
    work_order, order, line = _work_order_link(request, data, order, line)
    context = {
        "form": form,
        "guest": guest,
        "base_template": PAGE_BASE if guest else HUB_BASE,
        "page_title": _("Ask us a question"),
        "active_tab": "tickets",
        "order": order,
        "line": line,
        "work_order": work_order,
        "help_page": page,
        "topics": selectors.customer_topics(),
    }
    return render(request, "care/open_ticket.html", context, status=status)


@login_required
def ticket_list(request):
    context = {
        "tickets": selectors.tickets_for(request.user),
        "page_title": _("Help & tickets"),
        "active_tab": "tickets",
    }
    return render(request, "care/ticket_list.html", context)


def _reply(request, ticket, *, author, email=""):
    """Handle the reply form's POST; returns (form, status) to draw again, or None when done."""
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return form, 422
    if not throttling.reply_allowed(request, email):
        form.add_error(None, _too_many(settings.CARE_REPLY_RATE))
        return form, 429
    try:
        services.reply(
            ticket=ticket,
            body=form.cleaned_data["body"],
            author_kind=Author.CUSTOMER,
            author=author,
            attachments=form.cleaned_data["attachments"],
            submission_key=form.cleaned_data.get("submission"),
        )
    except services.TicketRefused as refusal:
        form.add_error(None, str(refusal))
        return form, 409
    messages.success(request, _("Your reply is sent."))
    return None


def _thread_page(request, ticket, *, form, status, guest):
    last_seen = ticket.customer_seen_at
    thread = list(selectors.thread(ticket))
    services.mark_seen(ticket=ticket)
    context = {
        "ticket": ticket,
        "thread": thread,
        "last_seen": last_seen,
        "form": form,
        "guest": guest,
        "token": guest_links.token_for(ticket) if guest else None,
        "base_template": PAGE_BASE if guest else HUB_BASE,
        "page_title": _("Ticket %(reference)s") % {"reference": ticket.reference},
        "active_tab": "tickets",
    }
    return render(request, "care/ticket_detail.html", context, status=status)


@login_required
@never_cache
def ticket_page(request, reference):
    ticket = selectors.ticket_for(user=request.user, reference=reference)
    form, status = ReplyForm(), 200
    if request.method == "POST":
        outcome = _reply(request, ticket, author=request.user)
        if outcome is None:
            return redirect("care:ticket", reference=ticket.reference)
        form, status = outcome
    return _thread_page(request, ticket, form=form, status=status, guest=False)


@never_cache
def guest_ticket_page(request, token):
    ticket = selectors.guest_ticket_for(token=token)
    form, status = ReplyForm(), 200
    if request.method == "POST":
        outcome = _reply(request, ticket, author=None, email=ticket.guest_email)
        if outcome is None:
            return redirect(guest_links.guest_path(ticket))
        form, status = outcome
    return _thread_page(request, ticket, form=form, status=status, guest=True)


def attachment_response(attachment):
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type, filename=attachment.name)
    # Shown in the browser, never run: no script or plugin from a customer's file.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


@login_required
@never_cache
def attachment(request, reference, attachment_id):
    ticket = selectors.ticket_for(user=request.user, reference=reference)
    return attachment_response(selectors.attachment_for(ticket=ticket, attachment_id=attachment_id))


@never_cache
def guest_attachment(request, token, attachment_id):
    ticket = selectors.guest_ticket_for(token=token)
    return attachment_response(selectors.attachment_for(ticket=ticket, attachment_id=attachment_id))
