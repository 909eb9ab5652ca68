"""Storefront pages. They read catalogue data when rendered and never write."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .audience import SegmentPreviewMixin
from .blocks import ContentStreamBlock, HomeStreamBlock
from .form_pages import FormField, FormPage
from .navigation import FooterLink, NavigationLink, NavigationMenu, SiteFooter
from .product_content import ProductContent, ProductContentImage

__all__ = [
    "ContentPage",
    "FooterLink",
    "FormField",
    "FormPage",
    "HomePage",
    "NavigationLink",
    "NavigationMenu",
    "PrivacyPage",
    "ProductContent",
    "ProductContentImage",
    "ProductStoryPage",
    "SiteFooter",
]


class HomePage(SegmentPreviewMixin, Page):
    body = StreamField(HomeStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    template = "cms/home_page.html"


class _IntroducedPage(SegmentPreviewMixin, Page):
    """A title, an introduction and content blocks, under the home page or a content page.

    Content pages and product stories share this shape but stay two page types, so that editors
    choose "Product story" for a product's page and find the stories apart in the admin.
    """

    introduction = models.TextField(blank=True, max_length=400)
    body = StreamField(ContentStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]

    class Meta:
        abstract = True


class ContentPage(_IntroducedPage):
    """About, delivery, care guides: a title, an introduction and blocks."""

    template = "cms/content_page.html"  # per class: Wagtail names each page type's template after it


class ProductStoryPage(_IntroducedPage):
    """The story behind a product, told with text and pictures and ending in its configurator."""

    template = "cms/content_page.html"


class PrivacyPage(_IntroducedPage):
    """The privacy notice: what Atelier keeps about customers, why, for how long, and their rights.

    One per site, found by its type (not a slug editors might change): the footer, the
    registration form and the account's data page link to the live one (`frame.site_frame`).
    """

    last_updated = models.DateField(help_text=_("Shown under the title; change it with every change to the notice"))

    content_panels = [*_IntroducedPage.content_panels, FieldPanel("last_updated")]

    max_count = 1
    parent_page_types = ["cms.HomePage"]
    template = "cms/privacy_page.html"
