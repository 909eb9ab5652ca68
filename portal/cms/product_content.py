"""Product content: the words and pictures editors keep for a catalogue product, in Wagtail.

Editors cannot open Oscar's catalogue dashboard (it holds prices, stock and, for made-to-order
families, the configurator's rules), so what a shopper reads about a product lives here instead:
a snippet per product, with drafts, revisions and preview like the menu and footer. The product
page shows the published version in place of Oscar's description and gallery; a product without
one keeps Oscar's. Nothing here writes to the catalogue.
"""

import uuid

from django.core.cache import caches
from django.db import models
from django.template import Context, Template
from django.utils.connection import ConnectionProxy
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, Orderable, PreviewableMixin, RevisionMixin
from wagtail.rich_text import expand_db_html

# In the cache every worker shares: the stored pages are built from it (portal/pagecache.py).
cache = ConnectionProxy(caches, "storefront")

DESCRIPTION_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link"]


class ProductContent(PreviewableMixin, DraftStateMixin, RevisionMixin, ClusterableModel):
    """What the product page says and shows about one product, written by editors."""

    product = models.OneToOneField(
        "catalogue.Product",
        on_delete=models.CASCADE,
        related_name="cms_content",
        help_text=_("The catalogue product this content is shown on; one content per product"),
    )
    headline = models.CharField(max_length=120, blank=True, help_text=_("A line under the product's name"))
    description = RichTextField(features=DESCRIPTION_FEATURES, blank=True)
    story_page = models.ForeignKey(
        "cms.ProductStoryPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The product's story, linked from its page"),
    )

    panels = [
        FieldPanel("product"),
        FieldPanel("headline"),
        FieldPanel("description"),
        InlinePanel("images", label=_("Images"), heading=_("Images")),
        FieldPanel("story_page"),
    ]

    class Meta:
        verbose_name = _("product content")
        verbose_name_plural = _("product content")

    def __str__(self):
        return str(self.product.get_title()) if self.product_id else str(_("New product content"))

    def get_preview_template(self, request, mode_name):
        return "cms/previews/product_content.html"

    def get_preview_context(self, request, mode_name):
        return {**super().get_preview_context(request, mode_name), "content": _page_data(self)}

    @cached_property
    def live_story_page(self):
        page = self.story_page
        return page if page is not None and page.live else None


class ProductContentImage(Orderable):
    content = ParentalKey(ProductContent, related_name="images", on_delete=models.CASCADE)
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    alt_text = models.CharField(max_length=200, help_text=_("What the picture shows, for people who cannot see it"))
    caption = models.CharField(max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]


def live_product_content(product):
    """The published content for `product`, with its images, or None (Oscar's description then shows).

    A draft never shows: editing a published snippet keeps the live row and saves a revision.
    """
    return (
        ProductContent.objects.filter(product=product, live=True)
        .select_related("story_page")
        .prefetch_related("images__image")
        .first()
    )


# The product page is read far more than editors publish: what it shows of the content is kept
# as plain data (the pictures as their HTML), so a warm page costs no query for it. Any change
# to product content, its images or a page (a story's title or address) starts a new generation.
CACHE_SECONDS = 300
GENERATION_KEY = "cms:product-content:generation"
GRID_SIZES = "(min-width: 992px) 33vw, (min-width: 576px) 50vw, 100vw"
LEAD_SIZES = "(min-width: 768px) 50vw, 100vw"
PICTURE = (
    "{% load wagtailimages_tags %}"
    "{% picture image format-{webp,jpeg} width-{400,800,1200} sizes=sizes alt=alt loading=loading %}"
)


def _picture(item, sizes, loading):
    # The same tag as the gallery block's template, rendered once here so the HTML can be cached.
    context = Context({"image": item.image, "sizes": sizes, "alt": item.alt_text, "loading": loading})
    return Template(PICTURE).render(context)


def _page_data(content):
    images = list(content.images.all())
    story = content.live_story_page
    return {
        "headline": content.headline,
        "description": expand_db_html(content.description),
        "lead": {"picture": _picture(images[0], LEAD_SIZES, "eager"), "caption": images[0].caption} if images else None,
        "images": [{"picture": _picture(item, GRID_SIZES, "lazy"), "caption": item.caption} for item in images],
        "story": {"url": story.get_url(), "title": story.title} if story else None,
    }


def product_page_content(product):
    """What the product page shows of the published content for `product`, as plain data; None without one."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.add(GENERATION_KEY, generation, None)
        generation = cache.get(GENERATION_KEY, generation)
    key = f"cms:product-content:{generation}:{product.pk}"
    data = cache.get(key)
    if data is None:
        content = live_product_content(product)
        data = _page_data(content) if content else {}
        cache.set(key, data, CACHE_SECONDS)
    return data or None


def clear_product_page_content(**kwargs):
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
