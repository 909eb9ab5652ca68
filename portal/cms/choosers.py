"""Wagtail chooser for Oscar products, so editors pick real catalogue items in blocks."""

from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet


class BrowsableProductsMixin:
    def get_object_list(self):
        # Standalone and parent products only: a variant child is not something to feature.
        return self.model_class.objects.browsable().order_by("title")


class ProductChooseView(BrowsableProductsMixin, ChooseView):
    pass


class ProductChooseResultsView(BrowsableProductsMixin, ChooseResultsView):
    pass


class ProductChooserViewSet(ChooserViewSet):
    model = "catalogue.Product"
    icon = "tag"
    choose_one_text = "Choose a product"
    choose_another_text = "Choose another product"
    edit_item_text = "Edit this product"
    per_page = 20
    choose_view_class = ProductChooseView
    choose_results_view_class = ProductChooseResultsView


product_chooser_viewset = ProductChooserViewSet("product_chooser", url_prefix="product-chooser")
