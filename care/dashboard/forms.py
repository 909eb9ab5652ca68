from django import forms
from django.utils.translation import gettext_lazy as _

from .. import console
from ..forms import AttachmentsField, SubmissionKey
from ..remake import RemakeKind
from ..ticket import State

STATE_FILTERS = [("active", _("Active (new, open, waiting)")), ("all", _("All")), *State.choices]
ASSIGNEE_FILTERS = [("any", _("Anyone")), ("me", _("Me")), ("none", _("Nobody"))]
DUE_FILTERS = [("", _("Any time")), ("overdue", _("Overdue")), ("today", _("Due within 8 hours"))]


class QueueFilterForm(forms.Form):
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=console.queues(), required=False, empty_label=_("All"))
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=console.topics(), required=False, empty_label=_("All"))
    state = forms.ChoiceField(label=_("State"), choices=STATE_FILTERS, required=False)
    assignee = forms.ChoiceField(label=_("Assigned to"), choices=ASSIGNEE_FILTERS, required=False)
    due = forms.ChoiceField(label=_("Due"), choices=DUE_FILTERS, required=False)
    text = forms.CharField(label=_("Reference or e-mail"), required=False, max_length=254)

    def filters(self):
        data = self.cleaned_data if self.is_valid() else {}
        return console.QueueFilters(
            queue=data["queue"].pk if data.get("queue") else None,
            topic=data["topic"].pk if data.get("topic") else None,
            state=data.get("state") or "active",
            assignee=data.get("assignee") or "any",
            due=data.get("due") or "",
            text=data.get("text") or "",
        )


class StaffReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))
    internal = forms.BooleanField(
        label=_("Internal note (the customer does not see it and is not e-mailed)"), required=False
    )
    attachments = AttachmentsField()
    submission = SubmissionKey()


class StateForm(forms.Form):
    to_state = forms.ChoiceField(choices=State.choices)
    expected_state = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=console.agents(), required=False, empty_label=_("Nobody")
    )
    expected_assignee = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RemakeForm(forms.Form):
    """Send one line of a complaint's order back to the workshop. The lines offered are the order's."""

    line = forms.ModelChoiceField(label=_("Item"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Remake or repair"), choices=RemakeKind.choices, widget=forms.RadioSelect)
    quantity = forms.IntegerField(
        label=_("Pieces"), min_value=1, required=False, help_text=_("Empty: every piece of the item.")
    )
    reason = forms.CharField(
        label=_("What is wrong (the planner and the customer read it)"), max_length=255, strip=True
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = order.lines.order_by("pk")
        self.fields["line"].label_from_instance = lambda line: f"{line.title} × {line.quantity}"
        self.fields["kind"].initial = RemakeKind.REMAKE
