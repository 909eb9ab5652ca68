from django import template

from care import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_ticket_replies(context):
    """Staff replies the signed-in customer has not read yet, over all their tickets."""
    request = context.get("request")
    return selectors.unread_count(request.user) if request is not None else 0
