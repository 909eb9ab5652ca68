"""Survey pieces for pages that other apps own: the hub's order page and the console's ticket page."""

from django import template
from django.urls import reverse

from .. import selectors
from ..models import HIGHEST

register = template.Library()


@register.inclusion_tag("surveys/partials/order_survey.html")
def order_survey(order):
    """On the hub's order page: "Tell us how it went" once delivered, or the answer given."""
    delivered = selectors.was_delivered(order)
    survey = selectors.survey_of(order) if delivered else None
    return {
        "delivered": delivered,
        "survey": survey,
        "highest": HIGHEST,
        "url": reverse("surveys:order", kwargs={"number": order.number}),
    }


@register.inclusion_tag("surveys/partials/ticket_surveys.html")
def ticket_surveys(ticket):
    return {"ticket": ticket, "surveys": list(selectors.surveys_for_ticket(ticket)), "highest": HIGHEST}
