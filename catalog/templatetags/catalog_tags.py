from django import template
from oscar.core.thumbnails import get_thumbnailer

register = template.Library()


@register.simple_tag
def product_image_url(image, width=480):
    """The URL of a product image at about `width` pixels wide (the original for an SVG)."""
    # Oscar stands in a dict with a "missing image" file for products without one.
    if not getattr(image, "pk", None) or not image.original:
        return ""
    return get_thumbnailer().generate_thumbnail(image.original, size=f"{width}x", upscale=False).url


@register.filter
def made_to_order(product):
    """True for products built after the order (their class keeps no stock)."""
    product_class = product.get_product_class()
    return bool(product_class) and not product_class.track_stock


@register.filter
def breadcrumb_category(product):
    """The category Oscar's product breadcrumb starts from (the first browsable one, by path), read
    from the categories the product page prefetched instead of a query of its own."""
    owner = product.parent if product.is_child else product
    return next((c for c in owner.categories.all() if c.is_public and c.ancestors_are_public), None)


@register.simple_tag
def product_reviews(product, shown=3):
    """The latest approved reviews and their number, for a product page that shows them itself.

    One query while there are fewer than `shown` (the count is the list's length), two past it;
    Oscar's own block counts on every mention and loads each reviewer and vote separately.
    """
    latest = list(product.reviews.approved().select_related("user").order_by("-date_created")[:shown])
    count = len(latest) if len(latest) < shown else product.reviews.approved().count()
    return {"latest": latest, "count": count, "rating": product.rating}
