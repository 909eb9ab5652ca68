"""Reads of assisted baskets: the product lookup staff use, a basket for staff, a basket by its pay link."""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from oscar.core.loading import get_class, get_model

from configurator.selectors import family_for_product

from .links import read_token
from .models import AssistedBasket

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
Selector = get_class("partner.strategy", "Selector")

LOOKUP_LIMIT = 20


@dataclass
class FoundProduct:
    product: object
    family_slug: str | None  # set for a made-to-order product: bought by choosing its options
    info: object  # Oscar's purchase info for the customer: the (from) price and availability

    @property
    def is_configurable(self):
        return self.family_slug is not None


def find_products(text, *, customer):
    """Products on sale by UPC (exact), by name, or by their configurable family's name or slug.

    Priced for `customer`; parents of variants are left out (their variants are listed).
    """
    text = text.strip()
    if not text:
        return []
    matches = (
        Q(upc__iexact=text) | Q(title__icontains=text) | Q(family__slug__iexact=text) | Q(family__name__icontains=text)
    )
    products = (
        Product.objects.filter(matches, is_public=True)
        .exclude(structure=Product.PARENT)
        .order_by("title", "pk")
        .distinct()[:LOOKUP_LIMIT]
    )
    strategy = Selector().strategy(user=customer)
    return [
        FoundProduct(product, family_for_product(product.pk), strategy.fetch_for_product(product))
        for product in products
    ]


def recent_baskets(limit=50):
    return AssistedBasket.objects.select_related("customer", "created_by", "ticket", "basket")[:limit]


def drafts_for(customer):
    return AssistedBasket.objects.filter(customer=customer, state=AssistedBasket.State.DRAFT).select_related("ticket")


def staff_basket(pk):
    found = AssistedBasket.objects.select_related("customer", "created_by", "ticket", "basket").filter(pk=pk).first()
    if found is None:
        raise Http404("No such assisted basket")
    return found


def by_token(token):
    """The assisted basket a pay link names, or None if the link was altered or its basket is gone."""
    read = read_token(token)
    if read is None:
        return None
    pk, nonce = read
    return AssistedBasket.objects.select_related("basket", "customer").filter(pk=pk, nonce=nonce).first()


def order_for(assisted):
    """The order the basket was paid as, if it was (the basket is submitted when the order is placed)."""
    return Order.objects.filter(basket_id=assisted.basket_id).first()
