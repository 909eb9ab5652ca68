from django import template

from configurator.selectors import family_for_product
from production.selectors.delivery import slot_booked_for

from ..progress import production_progress, production_progress_for
from ..selectors import order_cards, timeline_for

register = template.Library()


@register.simple_tag
def order_timeline(order):
    """`{% order_timeline order as timeline %}`: the order's steps with production's dates."""
    return timeline_for(order, production_progress(order))


@register.simple_tag
def order_timelines(orders):
    """`{% order_timelines orders as cards %}`: (order, timeline) for each order of a list, read
    once for all of them (a page of orders costs the queries of one)."""
    return order_cards(orders, progress_for=production_progress_for)


@register.simple_tag
def order_lines(order):
    """`{% order_lines order as lines %}`: the order's lines with their products, images and options,
    read once for all of them (each line's picture and configuration then costs no query)."""
    return list(order.lines.select_related("product").prefetch_related("product__images", "attributes__option"))


@register.simple_tag
def delivery_slot(order):
    """`{% delivery_slot order as slot %}`: the two-person delivery slot the order booked, or None."""
    return slot_booked_for(order.number)


@register.inclusion_tag("hub/partials/timeline.html")
def show_timeline(timeline, compact=False, ask_order=None):
    """`ask_order`: the signed-in owner's order, whose remakes then offer "Ask about this"."""
    return {"timeline": timeline, "compact": compact, "ask_order": ask_order}


@register.filter
def may_review(product, user):
    """`{% if line.product|may_review:user %}`: offer this signed-in customer to review the product.

    Only where the product's page shows reviews: a configurable product's page is its
    configurator, with none, and its "add a review" address shows the configurator (no form).
    A guest following an order is offered none either.
    """
    return bool(
        product is not None
        and user.is_authenticated
        and family_for_product(product.pk) is None
        and product.is_review_permitted(user)
    )
