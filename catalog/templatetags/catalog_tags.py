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
