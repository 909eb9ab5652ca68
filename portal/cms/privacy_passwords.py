"""A limit on guesses at Wagtail's privacy passwords (pages and document collections).

An editor may make a page, or a collection of documents, "Private, accessible with a shared
password". Wagtail checks what is typed against it and lets any number of tries through, so a
short shared password falls to a script. Its two forms (`wagtailcore_authenticate_with_password`
and `wagtaildocs_authenticate_with_password`) are routed here first (portal.urls), and each
submission counts against the client's address and that restriction: `PRIVACY_PASSWORD_RATE`
("10/15m", 10 per 15 minutes, by default). Every submission counts, the right password too (it
lets that browser in for the session, so it is not typed again). Past the limit, the form comes
back with a plain message and status 429 and nothing is compared, so the right password too is
refused until the window closes; other addresses, and other restrictions, keep their own count.
Wagtail's own views do everything else.
"""

import math
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import views as page_views
from wagtail.documents.views import serve as document_views
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

from configurator.throttling import PERIODS, RateLimit, client_address

TOO_MANY = _("Too many tries at this password from your network. Please wait %(minutes)d minutes and try again.")


class GuessLimit(RateLimit):
    @staticmethod
    def parse(rate):
        """RateLimit's "10/m", or with a number of units: "10/15m" is 10 per 15 minutes."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])[a-z]*\s*", rate)
        if not match:
            raise ImproperlyConfigured(f"PRIVACY_PASSWORD_RATE {rate!r}: write it as 10/15m (or /s, /h, /d)")
        count, units, unit = match.groups()
        return int(count), int(units or 1) * PERIODS[unit]


def privacy_password_limit():
    return GuessLimit("privacy-password", settings.PRIVACY_PASSWORD_RATE)


def guess_allowed(request, kind, restriction_id):
    """Count this submission for the client and restriction; False once past the limit."""
    return privacy_password_limit().hit(f"{kind}:{restriction_id}:{client_address(request)}")


class RefusedForm(PasswordViewRestrictionForm):
    """The form as it came, refused with the limit's message; the password is not compared."""

    def clean_password(self):
        return self.cleaned_data["password"]

    def clean(self):
        minutes = math.ceil(privacy_password_limit().period / 60)
        raise forms.ValidationError(TOO_MANY, code="too_many", params={"minutes": minutes})


def _too_many(response):
    response.status_code = 429
    response["Retry-After"] = str(privacy_password_limit().retry_after)
    return response


def authenticate_with_page_password(request, page_view_restriction_id, page_id):
    """Wagtail's form for a private page's password, limited."""
    if request.method == "POST" and not guess_allowed(request, "page", page_view_restriction_id):
        restriction = get_object_or_404(PageViewRestriction, id=page_view_restriction_id)
        page = get_object_or_404(Page, id=page_id).specific
        form = RefusedForm(request.POST, instance=restriction)
        action_url = reverse("wagtailcore_authenticate_with_password", args=[restriction.id, page.id])
        return _too_many(page.serve_password_required_response(request, form, action_url))
    return page_views.authenticate_with_password(request, page_view_restriction_id, page_id)


def authenticate_with_document_password(request, restriction_id):
    """Wagtail's form for a private collection's password (its documents), limited."""
    if request.method == "POST" and not guess_allowed(request, "collection", restriction_id):
        restriction = get_object_or_404(CollectionViewRestriction, id=restriction_id)
        form = RefusedForm(request.POST, instance=restriction)
        template = getattr(settings, "WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE", "wagtaildocs/password_required.html")
        action_url = reverse("wagtaildocs_authenticate_with_password", args=[restriction.id])
        return _too_many(TemplateResponse(request, template, {"form": form, "action_url": action_url}))
    return document_views.authenticate_with_password(request, restriction_id)
