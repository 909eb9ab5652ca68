"""Catalogue pages. Browsing reads the database directly; only free-text search uses Haystack.

Oscar browses through Haystack, whose simple backend (the one that needs no search server)
returns nothing without a query, so the category and "all products" pages would be empty.
"""

from django import forms
from django.conf import settings
from django.db.models import Exists, Min, OuterRef
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.apps.catalogue import views as oscar_views
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")


class ProductDetailView(oscar_views.ProductDetailView):
    """Oscar's product page, loading in one go what its template reads (images, stock, categories,
    whether it has options: Oscar's own annotations, read by `Product.has_options`)."""

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
