"""Help in context: links to the help centre from any page, and "still stuck?" to a ticket."""

from urllib.parse import urlencode

from django import template
from django.urls import NoReverseMatch, reverse

from .. import selectors

register = template.Library()


@register.inclusion_tag("help/partials/help_link.html")
def help_link(key, label=""):
    """A link to a help topic ("delivery-and-returns") or one question ("paying#which-cards").

    Renders nothing when that page is not live and public, so an unpublished topic leaves no
    broken link behind. `label` replaces the page's title or the question's text.
    """
    target = selectors.help_target(key)
    return {"target": target, "label": label or (target.label if target else "")}


@register.simple_tag
def open_ticket_url(page=None, topic=""):
    """The ticket form's address with the help page and topic filled in, or "" if tickets are not there."""
    try:
        url = reverse("care:open-ticket")
    except NoReverseMatch:
        return ""
    params = {key: value for key, value in (("help_page", getattr(page, "pk", "")), ("topic", topic)) if value}
    return f"{url}?{urlencode(params)}" if params else url


@register.inclusion_tag("help/partials/vote.html", takes_context=True)
def answer_vote(context, page, question):
    """The "did this answer your question?" form for one question, or the visitor's answer."""
    votes = context.get("visitor_votes") or {}
    return {
        "request": context.get("request"),
        "page": page,
        "question": question,
        "answered": votes.get(question.key),
        "csrf_token": context.get("csrf_token"),
        "vote_url": context.get("vote_url"),
    }
