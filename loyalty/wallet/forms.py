"""The wallet's forms, read on the server: a gift card to buy, a code to use or keep, store credit to give."""

import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .purchase import LATEST_DELIVERY, GiftCardChoice, UnreadableGiftCard, check_choice


class GiftCardForm(forms.Form):
    """A gift card: a whole number of pounds within the limits, who it is for, a message, a day."""

    amount = forms.IntegerField(label=_("Amount (£)"))
    recipient_name = forms.CharField(label=_("Their name"), max_length=100)
    recipient_email = forms.EmailField(label=_("Their e-mail address"))
    sender_name = forms.CharField(label=_("From"), max_length=100, required=False)
    message = forms.CharField(label=_("Message"), max_length=500, required=False, widget=forms.Textarea({"rows": 3}))
    deliver_on = forms.DateField(
        label=_("Send it on"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"), input_formats=["%Y-%m-%d"]
    )
    # One per form shown: a double click adds one card, not two.
    key = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        least, most = settings.WALLET_GIFT_CARD_MIN, settings.WALLET_GIFT_CARD_MAX
        amount = self.fields["amount"]
        amount.min_value, amount.max_value = least, most
        amount.widget.attrs.update({"min": least, "max": most, "step": 1})
        amount.help_text = _("From £%(least)s to £%(most)s.") % {"least": least, "most": most}
        today = timezone.localdate()
        self.fields["deliver_on"].widget.attrs.update(
            {"min": today.isoformat(), "max": (today + LATEST_DELIVERY).isoformat()}
        )
        self.fields["deliver_on"].initial = today
        self.fields["key"].initial = uuid.uuid4().hex
        for field in self.visible_fields():
            field.field.widget.attrs.setdefault("class", "form-control")

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        least, most = settings.WALLET_GIFT_CARD_MIN, settings.WALLET_GIFT_CARD_MAX
        if not least <= amount <= most:
            raise forms.ValidationError(_("Choose from £%(least)s to £%(most)s.") % {"least": least, "most": most})
        return amount

    def clean_deliver_on(self):
        day = self.cleaned_data["deliver_on"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(_("Choose today or a day ahead."))
        if day > today + LATEST_DELIVERY:
            raise forms.ValidationError(_("Choose a day within a year."))
        return day

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        choice = GiftCardChoice(
            amount=Decimal(data["amount"]),
            recipient_name=data["recipient_name"].strip(),
            recipient_email=data["recipient_email"],
            sender_name=data["sender_name"].strip(),
            message=data["message"].strip(),
            deliver_on=data["deliver_on"],
            ref=data["key"],
        )
        try:
            data["choice"] = check_choice(choice)
        except UnreadableGiftCard as error:  # the form's own checks say the same; kept as the last word
            raise forms.ValidationError(str(error)) from error
        return data


class CodeForm(forms.Form):
    """A gift card code, with an optional amount to use of it (at checkout)."""

    code = forms.CharField(label=_("Gift card code"), max_length=40)
    amount = forms.CharField(label=_("Amount to use (£)"), max_length=12, required=False)


class StoreCreditForm(forms.Form):
    """Store credit staff give a customer: who, how much, why, and what it answers (a claim, an order)."""

    email = forms.EmailField(label=_("Customer's e-mail address"))
    amount = forms.DecimalField(label=_("Amount (£)"), min_value=Decimal("0.01"), decimal_places=2, max_digits=8)
    reason = forms.CharField(label=_("Reason"), max_length=255)
    reference = forms.CharField(label=_("Claim or order (optional)"), max_length=64, required=False)
    key = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].initial = uuid.uuid4().hex
        self.fields["amount"].widget.attrs["max"] = settings.WALLET_STORE_CREDIT_MAX

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount > settings.WALLET_STORE_CREDIT_MAX:
            raise forms.ValidationError(_("At most £%(most)s at once.") % {"most": settings.WALLET_STORE_CREDIT_MAX})
        return amount

    def clean_email(self):
        email = self.cleaned_data["email"]
        customer = get_user_model().objects.filter(email__iexact=email).first()
        if customer is None:
            raise forms.ValidationError(_("No customer has this e-mail address."))
        self.customer = customer
        return email
