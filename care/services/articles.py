"""The case library from tickets: staff turn a resolved ticket into an anonymised draft help article
for editors to review and publish; when it is published the customer is thanked once, with points."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from oscar.core.loading import get_model
from wagtail.coreutils import find_available_slug

from configurator.models import ProductFamily
from loyalty.models import LedgerEntry
from loyalty.services.earning import award_bonus

from ..audit import EventKind
from ..help.anonymise import anonymise
from ..help.models import CaseArticlePage, CaseSource, HelpIndexPage
from ..thread import Author, TicketMessage
from ..ticket import State, Ticket
from .audit import record
from .errors import TicketRefused

Order = get_model("order", "Order")
Notification = get_model("communication", "Notification")
ARTICLE_STATES = (State.RESOLVED, State.CLOSED)


def points_for_article():
    return settings.CARE_CASE_ARTICLE_POINTS


def thanks_key(ticket):
    """One thank-you per ticket: a deleted article drafted again from the same ticket earns nothing more."""
    return f"case-article:{ticket.reference}"


def draft_case_article(*, ticket, actor):
    """A draft CaseArticlePage under the help centre from `ticket`; returns (source, created).

    The question is the customer's first message, the answer the staff replies (never internal
    notes), both anonymised (care.help.anonymise); the family is the ticket's line's, if any. The
    page is not live: it is submitted to the help centre's workflow when there is one, so editors
    review and publish it. Once per ticket: the ticket row is locked and CaseSource's ticket is
    unique, so a double click finds the first (created False). Refused (TicketRefused) for a
    ticket that is not resolved or closed, or has no question or no answer to publish.
    """
    try:
        with transaction.atomic():
            locked = (
                Ticket.objects.select_for_update(of=("self",)).select_related("user", "order", "line").get(pk=ticket.pk)
            )
            earlier = CaseSource.objects.filter(ticket=locked).select_related("page").first()
            if earlier is not None:
                return earlier, False
            source = _draft(locked, actor)
    except IntegrityError:
        earlier = CaseSource.objects.filter(ticket=ticket).select_related("page").first()
        if earlier is None:
            raise
        return earlier, False
    return source, True


def _draft(ticket, actor):
    if ticket.state not in ARTICLE_STATES:
        raise TicketRefused(
            _("Only a resolved or closed ticket can become a help article; %(reference)s is %(state)s.")
            % {"reference": ticket.reference, "state": State(ticket.state).label.lower()}
        )
    index = HelpIndexPage.objects.first()
    if index is None:
        raise TicketRefused(_("There is no help centre to add the article to."))
    public = ticket.messages.filter(internal=False)
    asked = public.filter(author_kind=Author.CUSTOMER).first()
    replies = list(public.filter(author_kind=Author.STAFF))
    if asked is None or not replies:
        raise TicketRefused(
            _("Ticket %(reference)s has no question from the customer and answer from staff to publish.")
            % {"reference": ticket.reference}
        )
    known = _known(ticket)
    title = anonymise(ticket.subject, **known)[:255] or _("A customer's question")
    answer = "".join(_paragraphs(anonymise(reply.body, **known)) for reply in replies)
    page = CaseArticlePage(
        title=title,
        slug=find_available_slug(index, slugify(title)[:50] or "case"),
        question=anonymise(asked.body, **known)[:2000],
        answer=answer,
        product_family=_family(ticket),
        live=False,
    )
    index.add_child(instance=page)
    page.save_revision(user=actor, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None and workflow.active:
        workflow.start(page, actor)
    source = CaseSource.objects.create(page=page, ticket=ticket, created_by=actor)
    record(
        ticket, EventKind.ARTICLE, after=_("draft: %(title)s") % {"title": title}, actor=actor, actor_kind=Author.STAFF,
        note=_("help page %(id)s, for editors to review") % {"id": page.pk},
    )  # fmt: skip
    return source


def _known(ticket):
    """What we know of the customer, to remove from their words by value."""
    names, emails, numbers, addresses = [ticket.guest_name], [ticket.customer_email], [], []
    if ticket.user_id:
        user = ticket.user
        names += [user.get_full_name(), user.first_name, user.last_name]
        emails.append(user.email)
        orders = Order.objects.filter(user_id=ticket.user_id).select_related("shipping_address")
    else:
        orders = Order.objects.filter(pk=ticket.order_id).select_related("shipping_address")
    names += ticket.guest_name.split()
    for order in orders:
        numbers.append(order.number)
        address = order.shipping_address
        if address is not None:
            names += [address.first_name, address.last_name]
            phone = str(address.phone_number or "")
            addresses += [address.line1, address.line2, address.line3, address.postcode, phone]
    return {"names": names, "emails": emails, "order_numbers": numbers, "addresses": addresses}


def _paragraphs(text):
    return "".join(f"<p>{escape(part).replace(chr(10), '<br/>')}</p>" for part in text.split("\n\n") if part.strip())


def _family(ticket):
    line = ticket.line
    if line is None and ticket.order_id:
        lines = list(ticket.order.lines.all()[:2])
        line = lines[0] if len(lines) == 1 else None
    if line is None or line.product_id is None:
        return None
    return ProductFamily.objects.filter(product_id=line.product_id).first()


def thank_case_customer(*, page_id, now=None):
    """Thank the customer whose question the published article `page_id` is; returns the ledger
    entry (None when nothing was awarded).

    Once: CaseSource.thanked_at is claimed by a conditional UPDATE, and the points carry the
    ticket's key, so a republish, a retry or two workers at once award nothing more. Only a live
    article thanks anyone. A guest (no account) gets the message in their thread but no points.
    """
    now = now or timezone.now()
    source = CaseSource.objects.select_related("ticket__user", "page").filter(page_id=page_id).first()
    if source is None or not source.page.live:
        return None
    ticket, page = source.ticket, source.page
    points = points_for_article() if ticket.user_id else 0
    with transaction.atomic():
        if not CaseSource.objects.filter(pk=source.pk, thanked_at__isnull=True).update(thanked_at=now):
            return None
        entry = None
        if points:
            entry = award_bonus(
                user_id=ticket.user_id, source=LedgerEntry.Source.PROGRAMME, points=points,
                reason=_("Thank you: your question became a help article"), key=thanks_key(ticket),
            )  # fmt: skip
        words = {"title": page.title, "points": points}
        if entry is not None:
            body = _("Thank you: your question, without your name or details, is now a help article for other "
                     "customers: “%(title)s”. We added %(points)s points to your account.") % words  # fmt: skip
        else:
            body = _("Thank you: your question, without your name or details, is now a help article for other "
                     "customers: “%(title)s”.") % words  # fmt: skip
        TicketMessage.objects.create(ticket=ticket, author_kind=Author.SYSTEM, body=body, created=now)
        if ticket.user_id:
            Notification.objects.create(
                recipient=ticket.user, subject=_("Your question now helps others"), body=escape(body)
            )
        record(ticket, EventKind.ARTICLE, after=_("published: %(title)s") % words, actor_kind=Author.SYSTEM, at=now,
               note=_("%(points)s points to the customer") % words if entry is not None else "")  # fmt: skip
    return entry
