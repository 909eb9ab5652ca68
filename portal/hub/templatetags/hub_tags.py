from django import template

from ..progress import production_progress
from ..selectors import timeline_for

register = template.Library()


@register.simple_tag
def order_timeline(order):
    """`{% order_timeline order as timeline %}`: the order's steps with production's dates."""
    return timeline_for(order, production_progress(order))


@register.inclusion_tag("hub/partials/timeline.html")
def show_timeline(timeline, compact=False):
    return {"timeline": timeline, "compact": compact}
