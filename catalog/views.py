"""Catalogue pages. Browsing reads the database directly; only free-text search uses Haystack.

Oscar browses through Haystack, whose simple backend (the one that needs no search server)
returns nothing without a query, so the category and "all products" pages would be empty.
"""

from django import forms
from django.conf import settings
from django.db.models import Exists, Min, OuterRef
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.apps.catalogue import views as oscar_views
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")


# Where the product page keeps the product it loaded between requests, and the version of the
# catalogue it was loaded from: given by the portal (`keep_products`), whose storefront cache every
# worker shares and whose catalogue version changes with any product, stock, price or category.
_kept = {"cache": None, "version": None, "seconds": None}


def keep_products(*, cache, version, seconds):
    """Keep the product pages' products in `cache`, under the catalogue's `version()`, for `seconds()`
    (0: not kept, every page loads its product)."""
    _kept.update(cache=cache, version=version, seconds=seconds)


class ProductDetailView(oscar_views.ProductDetailView):
    """Oscar's product page, loading in one go what its template reads (images, stock, categories,
    whether it has options: Oscar's own annotations, read by `Product.has_options`), and keeping it
    for the next visitor until the catalogue changes (the same for everyone: whether this visitor
    may see it is still asked of every request, by Oscar's `is_viewable`)."""

    def get_object(self, queryset=None):
        cache, version, seconds = _kept["cache"], _kept["version"], _kept["seconds"]
        if hasattr(self, "object") or queryset is not None or cache is None or seconds() <= 0:
            return super().get_object(queryset)
        key = f"catalogue:product-page:{version()}:{self.kwargs.get(self.pk_url_kwarg)}"
        product = cache.get(key)
        if product is None:
            product = super().get_object(queryset)
            product.num_approved_reviews  # noqa: B018 -- Oscar's cached_property, kept with the product
            cache.set(key, product, seconds())
        return _asked_once_per_page(product)

    def get_alert_status(self):
        # Oscar asks on every page; its template reads it only for a product that cannot be bought.
        return SimpleLazyObject(super().get_alert_status)

    def get_queryset(self):
        Option = get_model("catalogue", "Option")
        return (
            super()
            .get_queryset()
            .select_related("product_class", "parent")
            .annotate(
                has_product_class_options=Exists(Option.objects.filter(productclass=OuterRef("product_class"))),
                has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
            )
            .prefetch_related("images", "stockrecords", "categories", "attribute_values__attribute")
        )


def _asked_once_per_page(product):
    """Oscar's page asks whether the shopper has reviewed the product twice (the stars and the
    reviews block), a query each: this product, loaded for this request only, answers once."""
    answers, has_review_by = {}, product.has_review_by

    def once(user):
        if user.pk not in answers:
            answers[user.pk] = has_review_by(user)
        return answers[user.pk]

    product.has_review_by = once
    return product


class SortForm(forms.Form):
    ORDERINGS = {
        "": ("title", _("Name")),
        "newest": ("-date_created", _("Newest")),
        "price-asc": ("min_price", _("Price, low to high")),
        "price-desc": ("-min_price", _("Price, high to low")),
    }
    sort_by = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[(key, label) for key, (_, label) in ORDERINGS.items()]
    )

    def ordering(self):
        key = self.cleaned_data.get("sort_by", "") if self.is_valid() else ""
        return self.ORDERINGS[key][0]


class CatalogueView(ListView):
    """All browsable products, paginated, each with the price this shopper would pay."""

    template_name = "oscar/catalogue/browse.html"
    context_object_name = "products"
    paginate_by = settings.OSCAR_PRODUCTS_PER_PAGE
    summary = _("All products")

    def get(self, request, *args, **kwargs):
        self.sort_form = SortForm(request.GET)
        return super().get(request, *args, **kwargs)

    def base_queryset(self):
        return Product.objects.browsable()

    def get_queryset(self):
        queryset = self.base_queryset().annotate(min_price=Min("stockrecords__price"))
        queryset = queryset.select_related("product_class").prefetch_related("images", "stockrecords")
        return queryset.order_by(self.sort_form.ordering(), "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        strategy = self.request.strategy
        context["priced_products"] = [(product, strategy.fetch_for_product(product)) for product in context["products"]]
        context["summary"] = self.summary
        context["sort_form"] = self.sort_form
        return context


class ProductCategoryView(CatalogueView):
    """Products in a category and its subcategories."""

    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404
        # Categories are found by primary key, so an old slug still finds them; send it home.
        if request.path != self.category.get_absolute_url():
            return HttpResponsePermanentRedirect(self.category.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def base_queryset(self):
        categories = self.category.get_descendants_and_self()
        return super().base_queryset().filter(categories__in=categories).distinct()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["category"] = self.category
        context["summary"] = self.category.name
        return context
