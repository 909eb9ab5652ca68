"""The product page's way to the editors' content for a product (portal/cms/product_content.py)."""

from django import template

from portal.cms.product_content import live_product_content

register = template.Library()


@register.simple_tag
def product_content(product):
    """The published product content for `product`, or None; looked up once per product object."""
    if not hasattr(product, "_live_cms_content"):
        product._live_cms_content = live_product_content(product)
    return product._live_cms_content
