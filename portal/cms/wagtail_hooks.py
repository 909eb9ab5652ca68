from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .choosers import product_chooser_viewset
from .product_content import ProductContent


@hooks.register("register_admin_viewset")
def register_product_chooser():
    return product_chooser_viewset


@hooks.register("insert_editor_js")
def minimap_keyboard_access():
    return format_html('<script src="{}" defer></script>', static("cms/minimap_focus.js"))


class ProductContentViewSet(SnippetViewSet):
    """Editors' own menu entry: the words and pictures of each product, never its price."""

    model = ProductContent
    icon = "tag"
    menu_label = _("Product content")
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["__str__", "headline", "live"]


register_snippet(ProductContentViewSet)
