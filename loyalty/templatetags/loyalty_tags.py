"""What a product or a basket earns, for the storefront's templates; a customer's value class as
a badge, for every staff page that shows a customer."""

from django import template
from django.utils.html import format_html

from ..models import ValueClass
from ..selectors import previews

register = template.Library()


@register.simple_tag(takes_context=True)
def points_for_product(context, product, amount):
    request = context.get("request")
    if product is None or amount is None:
        return 0
    return previews.points_for_product(user=getattr(request, "user", None), product=product, amount=amount)


@register.simple_tag(takes_context=True)
def points_for_basket(context, basket):
    request = context.get("request")
    if basket is None or basket.is_empty:
        return 0
    return previews.points_for_basket(user=getattr(request, "user", None), basket=basket)


# Bootstrap's badges whose text keeps a 4.5:1 contrast (info, primary and success do not).
BADGES = {
    ValueClass.PREMIUM: "badge-warning",
    ValueClass.MAJOR: "badge-dark",
    ValueClass.ORDINARY: "badge-light border",
    ValueClass.RESTRICTED: "badge-danger",
    ValueClass.POTENTIAL: "badge-secondary",
}


@register.simple_tag
def value_class_badge(code):
    """The class in words on a small badge ("Premium"); nothing for a customer without one (a guest)."""
    if code not in ValueClass.values:
        return ""
    return format_html(
        '<span class="badge {} value-class-badge" data-value-class="{}" title="{}">{}</span>',
        BADGES[code],
        code,
        "Value class, from 12-month contribution (computed nightly)",
        ValueClass(code).label,
    )
