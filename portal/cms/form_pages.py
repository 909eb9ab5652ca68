"""Form pages: contact, event sign-up, competition entry, built by editors from fields.

Submissions are kept by Wagtail (`wagtail.contrib.forms`) and read or exported as CSV in the
admin's Forms menu by whoever may edit the page. Two guards stand between a script and that
list, each refusing in words and storing nothing:

- a honeypot field people never see (hidden with CSS, labelled "leave empty" for screen readers),
  which scripts that fill every input fill in;
- a rate limit per client address and form page (`CMS_FORM_RATE`, the site's `RateLimit`),
  counted only on submissions that would be kept.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.forms import BaseForm, FormBuilder
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from configurator.throttling import RateLimit, client_address

HONEYPOT_FIELD = "website_url"
HONEYPOT_MESSAGE = _(
    "Your message was not sent: it looked automated (a hidden field that people leave empty was filled in, "
    "sometimes by a browser's autofill). Please send it again, or write to us by e-mail."
)
RATE_MESSAGE = _(
    "Your message was not sent: this form has been sent from your connection too often in a short "
    "time. Please try again in %(minutes)s minutes, or write to us by e-mail."
)


class GuardedForm(BaseForm):
    """Wagtail's public form, refused when the honeypot is filled; the editors' fields come from the builder.

    The honeypot is not a form field, so it is never stored, e-mailed or exported: the
    template writes the input (`honeypot_name`) and `clean` reads the raw data.
    """

    honeypot_name = HONEYPOT_FIELD

    def clean(self):
        cleaned = super().clean()
        if self.data.get(HONEYPOT_FIELD, "").strip():
            raise ValidationError(HONEYPOT_MESSAGE, code="honeypot")
        return cleaned

    def refuse_for_rate(self, minutes):
        self.add_error(None, ValidationError(RATE_MESSAGE, code="rate", params={"minutes": minutes}))


class GuardedFormBuilder(FormBuilder):
    def get_form_class(self):
        return type("GuardedWagtailForm", (GuardedForm,), self.formfields)


def form_submission_limit():
    return RateLimit("cms-form", settings.CMS_FORM_RATE)


class FormField(AbstractFormField):
    page = ParentalKey("FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(AbstractEmailForm):
    """A page with a form editors build (contact, event, competition); staff read the entries in the admin."""

    introduction = RichTextField(features=["bold", "italic", "link"], blank=True)
    thank_you_text = RichTextField(
        features=["bold", "italic", "link"], blank=True, help_text=_("Shown once the form is sent")
    )

    form_builder = GuardedFormBuilder

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("introduction"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("E-mail each submission to"),
        ),
    ]
    search_fields = [*AbstractEmailForm.search_fields, index.SearchField("introduction")]

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = []
    template = "cms/form_page.html"
    landing_page_template = "cms/form_page_landing.html"

    def get_submissions_list_view_class(self):
        from .form_submissions import SubmissionsWithoutFormulas  # admin views import models: load them first

        return SubmissionsWithoutFormulas

    def serve(self, request, *args, **kwargs):
        if request.method != "POST":
            return super().serve(request, *args, **kwargs)
        form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
        status = 200
        if form.is_valid():
            limit = form_submission_limit()
            if limit.hit(f"{self.pk}:{client_address(request)}"):
                submission = self.process_form_submission(form)
                return self.render_landing_page(request, submission, *args, **kwargs)
            form.refuse_for_rate(minutes=max(1, limit.retry_after // 60))
            status = 429
        context = self.get_context(request)
        context["form"] = form
        return TemplateResponse(request, self.get_template(request), context, status=status)
