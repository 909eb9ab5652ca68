"""The customer's forms: opening a ticket (signed in or as a guest) and replying on one."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import attachments, selectors
from .ticket import Severity


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to CARE_ATTACHMENTS_PER_MESSAGE files, each checked by content; cleans to [(upload, content type)]."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos or PDF (optional)"))
        kwargs.setdefault(
            "help_text", _("Up to 3 files: JPEG, PNG or WebP photos, or PDF documents, each at most 5 MB.")
        )
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = attachments.ACCEPT

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        return attachments.checked_all(uploads) if uploads else []


def _one_line(text):
    return " ".join((text or "").split())


class SubmissionKey(forms.UUIDField):
    """A one-time token drawn when the form is drawn: a double submit carries the same one."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, initial=uuid.uuid4, **kwargs)


class TicketForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("What is it about?"), queryset=selectors.customer_topics(), empty_label=_("Choose a topic")
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Your question"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}), strip=True
    )
    severity = forms.ChoiceField(
        label=_("If something is wrong with what we made: how serious is it?"),
        choices=Severity.choices,
        required=False,
        help_text=_("For complaints about quality only; it helps us answer the most serious first."),
    )
    attachments = AttachmentsField()
    submission = SubmissionKey()
    order = forms.CharField(required=False, widget=forms.HiddenInput)
    line = forms.CharField(required=False, widget=forms.HiddenInput)
    work_order = forms.CharField(required=False, widget=forms.HiddenInput)
    help_page = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_subject(self):
        subject = _one_line(self.cleaned_data["subject"])
        if not subject:
            raise ValidationError(_("Please give your question a subject."), code="required")
        return subject

    def clean_body(self):
        if not self.cleaned_data["body"].strip():
            raise ValidationError(_("Please tell us your question."), code="required")
        return self.cleaned_data["body"]


class GuestTicketForm(TicketForm):
    """For a visitor without an account: a name and an address to answer, and a field only robots fill."""

    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("Your e-mail address"), help_text=_("We send the answer and your link here."))
    # A trap, not a field: the template writes a "website" input in a hidden wrapper. People
    # never see it; form-filling robots fill it. Kept out of the fields, so no loop draws it.
    trap = "website"

    field_order = ["name", "email", "topic", "subject", "body", "severity", "attachments"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    @property
    def caught_robot(self):
        return bool(self.data.get(self.trap))

    def clean_name(self):
        return _one_line(self.cleaned_data["name"])


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    attachments = AttachmentsField()
    submission = SubmissionKey()
