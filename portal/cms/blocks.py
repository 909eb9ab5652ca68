"""Every StreamField block of the storefront, in one place.

Blocks that show catalogue data (featured products) read it live at render time, so a
price change in the dashboard shows on the home page without republishing it.
"""

import posixpath

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.functional import cached_property
from oscar.core.loading import get_class, get_model
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from loyalty.models import Segment, ValueClass

from .audience import NEW, RETURNING, Target, audience_of
from .choosers import product_chooser_viewset

ProductChooserBlock = product_chooser_viewset.get_block_class(
    name="ProductChooserBlock", module_path="portal.cms.blocks"
)

ILLUSTRATIONS = [
    ("workshop", "Workshop: the three families together"),
    ("fridge", "Refrigerator"),
    ("sofa", "Modular sofa"),
    ("tote", "Printed tote"),
]


class LinkBlock(blocks.StructBlock):
    """A link to a page or to a URL; the page wins when both are given."""

    label = blocks.CharBlock(max_length=60)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(required=False, max_length=300, help_text="A path such as /catalogue/ or a full URL")

    class Meta:
        icon = "link"
        value_class = blocks.StructValue


class HeroBlock(blocks.StructBlock):
    eyebrow = blocks.CharBlock(required=False, max_length=60)
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    primary_action = LinkBlock(required=False)
    secondary_action = LinkBlock(required=False)
    image = ImageChooserBlock(required=False, help_text="Replaces the illustration when given")
    illustration = blocks.ChoiceBlock(choices=ILLUSTRATIONS, default="workshop")

    class Meta:
        icon = "image"
        template = "cms/blocks/hero.html"
        description = "A large opening statement with one or two calls to action"
        preview_value = {
            "eyebrow": "Built to order in days",
            "heading": "Design it. We build it.",
            "text": "Choose every detail of your fridge, sofa or printed goods.",
            "primary_action": {"label": "Start designing", "url": "/catalogue/"},
            "illustration": "workshop",
        }


class RichTextBlock(blocks.RichTextBlock):
    class Meta:
        icon = "doc-full"
        template = "cms/blocks/rich_text.html"
        description = "Formatted text with headings, lists and links"
        preview_value = "<h2>Made for you</h2><p>Every piece starts when you order it.</p>"


class FeaturedProductsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=80)
    intro = blocks.TextBlock(required=False, max_length=300)
    products = blocks.ListBlock(ProductChooserBlock(), min_num=1, max_num=6)

    class Meta:
        icon = "tag"
        template = "cms/blocks/featured_products.html"
        description = "Products from the catalogue with their current price"
        preview_value = {"heading": "Start from one of our designs", "products": []}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        context["products"] = featured_products([product.pk for product in value["products"] if product], request)
        return context


class FeatureBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=60)
    text = blocks.TextBlock(max_length=240)
    icon = blocks.ChoiceBlock(
        choices=[("ruler", "Ruler"), ("clock", "Clock"), ("leaf", "Leaf"), ("star", "Star"), ("truck", "Truck")],
        default="ruler",
    )


class FeatureListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=80)
    features = blocks.ListBlock(FeatureBlock(), min_num=1, max_num=6)

    class Meta:
        icon = "list-ul"
        template = "cms/blocks/feature_list.html"
        description = "Short reasons to believe, side by side"
        preview_value = {
            "heading": "How made-to-order works",
            "features": [
                {"title": "You design", "text": "Pick every option.", "icon": "ruler"},
                {"title": "We build", "text": "Your piece starts in our workshop.", "icon": "clock"},
            ],
        }


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=100)
    text = blocks.TextBlock(required=False, max_length=300)
    action = LinkBlock()
    tone = blocks.ChoiceBlock(choices=[("clay", "Clay"), ("ink", "Ink"), ("sage", "Sage")], default="clay")

    class Meta:
        icon = "pick"
        template = "cms/blocks/call_to_action.html"
        description = "A band that asks for one action"
        preview_value = {
            "heading": "Not sure where to start?",
            "text": "Our help center answers the common questions.",
            "action": {"label": "Visit the help center", "url": "/help/"},
            "tone": "clay",
        }


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=400)
    attribution = blocks.CharBlock(required=False, max_length=100)

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote.html"
        description = "A customer's words"
        preview_value = {"quote": "It fits the alcove to the centimetre.", "attribution": "Priya, Leeds"}


class GalleryImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(max_length=200, help_text="What the picture shows, for people who cannot see it")
    caption = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "image"


class GalleryBlock(blocks.StructBlock):
    """Pictures side by side, each with its words; served as WebP with a JPEG fallback, sized to the screen."""

    heading = blocks.CharBlock(required=False, max_length=100)
    images = blocks.ListBlock(GalleryImageBlock(), min_num=1, max_num=12)

    class Meta:
        icon = "image"
        template = "cms/blocks/gallery.html"
        description = "Pictures with captions, side by side"
        preview_value = {"heading": "From the workshop", "images": []}


VIDEO_EXTENSIONS = {".mp4": "video/mp4", ".webm": "video/webm"}


def _extension(document):
    return posixpath.splitext(document.file.name)[1].lower()


class VideoBlock(blocks.StructBlock):
    """A video from our own documents, played here; or a link to one elsewhere, nothing loaded from there.

    No third-party player is embedded: YouTube's or Vimeo's would set cookies and run their
    scripts before anyone agreed (and the site's CSP allows no such frame).
    """

    title = blocks.CharBlock(max_length=120, help_text="Says what the video is; read out before it plays")
    video = DocumentChooserBlock(required=False, help_text="An MP4 or WebM file uploaded to Documents")
    poster = ImageChooserBlock(required=False, help_text="The picture shown before it plays")
    captions = DocumentChooserBlock(required=False, help_text="Captions as a WebVTT (.vtt) file")
    external_url = blocks.URLBlock(
        required=False,
        help_text="Or a video elsewhere (YouTube, Vimeo): shown as a link, nothing is loaded from that site",
    )
    transcript = blocks.TextBlock(required=False, help_text="What is said and shown, for those who read instead")

    class Meta:
        icon = "media"
        template = "cms/blocks/video.html"
        description = "A video from our documents, or a link to one elsewhere"
        preview_value = {"title": "Inside the workshop", "external_url": "https://example.com/our-workshop"}

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        video, external = value.get("video"), value.get("external_url")
        if bool(video) == bool(external):
            message = "Choose a video from Documents or give a link to one elsewhere, not both"
            errors["video"] = errors["external_url"] = ValidationError(message)
        elif video and _extension(video) not in VIDEO_EXTENSIONS:
            errors["video"] = ValidationError("This document is not a video: upload an .mp4 or .webm file")
        captions = value.get("captions")
        if captions and _extension(captions) != ".vtt":
            errors["captions"] = ValidationError("Captions are a WebVTT file ending in .vtt")
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        video = value.get("video")
        context["video_type"] = VIDEO_EXTENSIONS.get(_extension(video), "") if video else ""
        return context


def configurable_families():
    from configurator.models import ProductFamily

    return [(family.slug, family.name) for family in ProductFamily.objects.filter(current_version__isnull=False)]


def preset_designs():
    from configurator.selectors import preset_designs as presets

    return [(design.share_token, f"{design.family.name}: {design.name}") for design in presets()]


class ConfiguratorBlock(blocks.StructBlock):
    """The live configurator inside a page, optionally opening on a preset design."""

    heading = blocks.CharBlock(required=False, max_length=100)
    family = blocks.ChoiceBlock(choices=configurable_families, help_text="Which product to configure")
    preset = blocks.ChoiceBlock(
        choices=preset_designs, required=False, help_text="A starting design (staff mark designs as presets)"
    )

    class Meta:
        icon = "cogs"
        template = "cms/blocks/configurator.html"
        description = "A made-to-order product's configurator, with live price and preview"
        preview_value = {"heading": "Design yours", "family": "atelier-fridge"}

    def get_context(self, value, parent_context=None):
        from configurator.selectors import shared_design

        context = super().get_context(value, parent_context)
        values = {}
        if value.get("preset"):
            try:
                values = shared_design(value["preset"]).values
            except Exception:  # noqa: BLE001 -- a deleted preset must not break the page
                values = {}
        context["preset_values"] = values
        return context


def tier_choices():
    from loyalty.models import Tier

    return list(Tier.objects.order_by("min_spend_12m").values_list("code", "name"))


VISITORS = [(NEW, "New visitors (not signed in, or no order yet)"), (RETURNING, "Returning customers (has bought)")]
MATCHES = [("any", "Any one kind of choice above"), ("all", "Every kind of choice above")]
SHOW = [("only", "Only to the visitors chosen"), ("except", "To everyone except the visitors chosen")]


class SegmentBlock(blocks.StructBlock):
    """Blocks only the chosen visitors see; everyone else sees nothing in their place.

    Shared by the home page's and the content pages' versions, which differ in the blocks they
    hold (`content`, declared by each). Who matches is `audience.Target`; the visitor's facts are
    `audience.audience_of`, read once per request and never for a visitor not signed in.
    """

    value_classes = blocks.MultipleChoiceBlock(
        choices=ValueClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the customer brought us over 12 months, computed every night",
    )
    tiers = blocks.MultipleChoiceBlock(
        choices=tier_choices, required=False, widget=forms.CheckboxSelectMultiple, help_text="Loyalty tiers"
    )
    segments = blocks.MultipleChoiceBlock(
        choices=Segment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="RFM segments",
        help_text="By how recently, how often and how much they buy",
    )
    visitors = blocks.MultipleChoiceBlock(
        choices=VISITORS, required=False, widget=forms.CheckboxSelectMultiple, label="New or returning"
    )
    saved_design = blocks.BooleanBlock(required=False, label="Shoppers with a saved design")
    match = blocks.ChoiceBlock(
        choices=MATCHES,
        default="any",
        help_text="Any: shown to a visitor who fits one kind of choice (a premium customer, or anyone with a "
        "saved design). Every: only to one who fits each kind chosen (a premium customer with a saved design).",
    )
    show = blocks.ChoiceBlock(
        choices=SHOW,
        default="only",
        help_text="Everyone except: for instance a promotion every visitor sees but restricted customers",
    )

    class Meta:
        icon = "group"
        template = "cms/blocks/segment.html"
        label = "Content for a segment"
        description = (
            "Blocks shown only to chosen visitors, or to everyone but them: value classes, tiers, "
            "segments, new or returning"
        )
        help_text = (
            "Visitors who are not signed in count as new visitors and see the page as one. "
            "Preview the page as each kind of visitor with the preview's mode."
        )
        preview_value = {
            "visitors": [NEW, RETURNING],
            "content": [
                (
                    "call_to_action",
                    {
                        "heading": "Early access for our best customers",
                        "text": "New fabrics a week before everyone else.",
                        "action": {"label": "See them first", "url": "/catalogue/"},
                        "tone": "ink",
                    },
                )
            ],
        }

    def clean(self, value):
        value = super().clean(value)
        if target_of(value).is_empty():
            raise StructBlockValidationError(
                non_block_errors=ErrorList(
                    [
                        ValidationError(
                            "Choose who sees these blocks: at least one value class, tier, RFM segment, "
                            "new or returning visitors, or shoppers with a saved design"
                        )
                    ]
                )
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["shown"] = target_of(value).admits(audience_of((parent_context or {}).get("request")))
        return context

    def get_searchable_content(self, value):
        # The search index is one for every visitor: words only some may see stay out of it.
        return []


def target_of(value):
    return Target(
        value_classes=frozenset(value.get("value_classes") or ()),
        tiers=frozenset(value.get("tiers") or ()),
        segments=frozenset(value.get("segments") or ()),
        visitors=frozenset(value.get("visitors") or ()),
        saved_design=bool(value.get("saved_design")),
        require_all=value.get("match") == "all",
        exclude=value.get("show") == "except",
    )


class HomeBlocks(blocks.StreamBlock):
    hero = HeroBlock()
    featured_products = FeaturedProductsBlock()
    features = FeatureListBlock()
    rich_text = RichTextBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    gallery = GalleryBlock()
    video = VideoBlock()


class ContentBlocks(blocks.StreamBlock):
    rich_text = RichTextBlock()
    configurator = ConfiguratorBlock()
    featured_products = FeaturedProductsBlock()
    features = FeatureListBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    gallery = GalleryBlock()
    video = VideoBlock()


class HomeSegmentBlock(SegmentBlock):
    content = HomeBlocks(help_text="Shown only to the visitors chosen above")


class ContentSegmentBlock(SegmentBlock):
    content = ContentBlocks(help_text="Shown only to the visitors chosen above")


class HomeStreamBlock(HomeBlocks):
    segment = HomeSegmentBlock()


class ContentStreamBlock(ContentBlocks):
    segment = ContentSegmentBlock()


class FeaturedProduct:
    """A product as a card shows it: title, link, image and the price it sells at now."""

    def __init__(self, product, purchase_info):
        self.product = product
        self.purchase_info = purchase_info

    @cached_property
    def price(self):
        return self.purchase_info.price

    @cached_property
    def image(self):
        images = list(self.product.images.all())
        return images[0] if images else None


def featured_products(product_ids, request=None):
    """Products in the editor's order, priced by the same strategy as the shopper's basket."""
    selector = get_class("partner.strategy", "Selector")
    product_model = get_model("catalogue", "Product")
    products = product_model.objects.browsable().filter(pk__in=product_ids)
    products = products.select_related("product_class").prefetch_related("images", "stockrecords")
    by_id = {product.pk: product for product in products}
    user = getattr(request, "user", None)
    strategy = selector().strategy(request=request, user=user)
    return [FeaturedProduct(by_id[pk], strategy.fetch_for_product(by_id[pk])) for pk in product_ids if pk in by_id]
