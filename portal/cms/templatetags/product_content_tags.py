"""The product page's way to the editors' content for a product (portal/cms/product_content.py)."""

from django import template

from portal.cms.product_content import product_page_content

register = template.Library()


@register.simple_tag
def product_content(product):
    """The published product content for `product` as the page shows it (plain data), or None."""
    return product_page_content(product)
