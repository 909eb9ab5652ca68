"""What a product or a basket earns, for the storefront's templates."""

from django import template

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
