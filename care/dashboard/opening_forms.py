"""Staff's forms for a ticket opened on a customer's behalf: finding the customer, then the ticket itself."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import console, customers
from ..forms import SubmissionKey
from ..ticket import Channel, Severity

# How a customer reaches staff who then open the ticket for them; the web form is the customer's own.
STAFF_CHANNELS = [(Channel.PHONE.value, Channel.PHONE.label), (Channel.EMAIL.value, Channel.EMAIL.label)]


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("Customer's e-mail address or name"), max_length=254, strip=True, required=False)


class OnBehalfTicketForm(forms.Form):
    """The ticket as staff write it down: the orders offered are the customer's own, and only theirs."""

    topic = forms.ModelChoiceField(label=_("Topic"), queryset=console.topics(), empty_label=_("Choose a topic"))
    channel = forms.ChoiceField(label=_("How the customer reached us"), choices=STAFF_CHANNELS, initial=Channel.PHONE)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("What the customer said"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The customer reads this in their account and in the acknowledgement e-mail."),
    )
    order = forms.ModelChoiceField(
        label=_("About the order (optional)"), queryset=None, required=False, empty_label=_("No order")
    )
    severity = forms.ChoiceField(
        label=_("For a complaint about quality: how serious is it?"), choices=Severity.choices, required=False
    )
    submission = SubmissionKey()

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = customers.orders_of(customer)
        self.fields["order"].label_from_instance = lambda order: f"{order.number} · {order.date_placed:%d %b %Y}"
        # Another customer's order id is not among the choices: Django answers it as an invalid choice.
        self.fields["order"].error_messages["invalid_choice"] = _("That order is not one of this customer's.")

    def clean_subject(self):
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise ValidationError(_("Give the ticket a subject."), code="required")
        return subject
