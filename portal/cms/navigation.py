"""Header navigation and footer: snippets that editors change with drafts and revisions.

The site shows the published ("live") version; a draft is visible only in Wagtail's preview.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, Orderable, PreviewableMixin, RevisionMixin
from wagtail.snippets.models import register_snippet


class NavigationLinkMixin(models.Model):
    label = models.CharField(max_length=60)
    link_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link_url = models.CharField(
        max_length=300, blank=True, help_text=_("A path such as /catalogue/ when no page is chosen")
    )

    panels = [FieldPanel("label"), FieldPanel("link_page"), FieldPanel("link_url")]

    class Meta:
        abstract = True

    def __str__(self):
        return self.label

    @property
    def href(self):
        if self.link_page_id and self.link_page.live:
            return self.link_page.url
        return self.link_url or "#"


class NavigationMenu(PreviewableMixin, DraftStateMixin, RevisionMixin, ClusterableModel):
    """A named menu; the header shows the one with the slug "main"."""

    name = models.CharField(max_length=60)
    slug = models.SlugField(unique=True, help_text=_('"main" is the header menu'))

    panels = [FieldPanel("name"), FieldPanel("slug"), InlinePanel("links", label=_("Links"))]

    class Meta:
        verbose_name = _("navigation menu")

    def __str__(self):
        return self.name

    def get_preview_template(self, request, mode_name):
        return "cms/previews/navigation_menu.html"


class NavigationLink(Orderable, NavigationLinkMixin):
    menu = ParentalKey(NavigationMenu, related_name="links", on_delete=models.CASCADE)


class SiteFooter(PreviewableMixin, DraftStateMixin, RevisionMixin, ClusterableModel):
    """The footer shown on every page; the live one with the lowest id wins."""

    name = models.CharField(max_length=60, default="Footer")
    strapline = models.CharField(max_length=160, blank=True)
    contact = RichTextField(features=["bold", "italic", "link"], blank=True)
    legal = models.CharField(max_length=200, blank=True, help_text=_("Company name, number and address"))

    panels = [
        FieldPanel("name"),
        FieldPanel("strapline"),
        FieldPanel("contact"),
        FieldPanel("legal"),
        InlinePanel("links", label=_("Links")),
    ]

    class Meta:
        verbose_name = _("site footer")

    def __str__(self):
        return self.name

    def get_preview_template(self, request, mode_name):
        return "cms/previews/site_footer.html"


class FooterLink(Orderable, NavigationLinkMixin):
    footer = ParentalKey(SiteFooter, related_name="links", on_delete=models.CASCADE)
    column = models.CharField(max_length=40, help_text=_("Links with the same column title are grouped"))

    panels = [FieldPanel("column"), *NavigationLinkMixin.panels]


register_snippet(NavigationMenu)
register_snippet(SiteFooter)
