"""The customer's claim form and staff's decision form."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import attachments
from ..forms import AttachmentsField, SubmissionKey
from .models import ClaimKind, Decision

PHOTO_TYPES = ".jpg,.jpeg,.png,.webp,image/jpeg,image/png,image/webp"


class PhotosField(AttachmentsField):
    """Up to CARE_CLAIM_PHOTOS photos (JPEG, PNG or WebP, read by content), each within the size limit."""

    def __init__(self, **kwargs):
        super().__init__(
            label=gettext_lazy("Photos"),
            help_text=gettext_lazy("Up to %(n)d photos, JPEG, PNG or WebP, each at most %(size)s.")
            % {"n": settings.CARE_CLAIM_PHOTOS, "size": filesizeformat(settings.CARE_ATTACHMENT_MAX_BYTES)},
            **kwargs,
        )
        self.widget.attrs["accept"] = PHOTO_TYPES

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if len(uploads) > settings.CARE_CLAIM_PHOTOS:
            raise ValidationError(
                _("Please attach at most %(n)d photos.") % {"n": settings.CARE_CLAIM_PHOTOS}, code="too_many"
            )
        checked = [(upload, attachments.checked(upload)) for upload in uploads]
        for upload, content_type in checked:
            if not content_type.startswith("image/"):
                raise ValidationError(
                    _("%(name)s is not a photo. Please send JPEG, PNG or WebP images.") % {"name": upload.name},
                    code="wrong_type",
                )
        return checked


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(choices=ClaimKind.choices, widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=gettext_lazy("How many pieces"), min_value=1, initial=1)
    reason = forms.CharField(
        label=gettext_lazy("What is wrong?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What you noticed and when: our team reads it before deciding."),
    )
    photos = PhotosField()
    submission = SubmissionKey()

    def __init__(self, *args, max_quantity=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_quantity = max_quantity
        self.fields["quantity"].widget.attrs["max"] = max_quantity
        if max_quantity == 1:
            self.fields["quantity"].widget = forms.HiddenInput()

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity > self.max_quantity:
            raise ValidationError(_("Choose between 1 and %(n)d pieces.") % {"n": self.max_quantity}, code="max_value")
        return quantity

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Please tell us what is wrong."), code="required")
        return reason

    def clean(self):
        data = super().clean()
        if data.get("kind") == ClaimKind.WARRANTY and not data.get("photos") and "photos" not in self.errors:
            self.add_error("photos", _("Please add at least one photo of the fault: it lets us decide quickly."))
        if not data.get("submission"):
            raise ValidationError(_("This form has expired. Please reload the page and try again."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=gettext_lazy("Reason (the customer reads it)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [(d.value, Decision(d).label) for d in decisions]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for the decision: the customer reads it."), code="required")
        return reason
