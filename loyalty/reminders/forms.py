from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, Trigger

# What the preferences page and the unsubscribe link show, word for word as the consent record
# keeps it (services.consent.record_consent): the templates print these, not words of their own.
PREFERENCES_HEADING = _("Reminders")
PREFERENCES_INTRO = _(
    "Choose which reminders you receive, and where. Order updates you asked for by buying stay in "
    "your order history either way."
)
UNSUBSCRIBE_QUESTION = _("Stop these reminders?")
UNSUBSCRIBE_EXPLANATION = _("You will no longer receive “%(label)s” reminders, by email or in your account inbox.")
# RFC 8058: the mail program's own button posts the link with this body and shows nothing of ours.
ONE_CLICK_BODY = ("List-Unsubscribe", "One-Click")
ONE_CLICK_WORDING = _(
    "One-click unsubscribe in the mail program, from a “%(label)s” reminder email "
    "(List-Unsubscribe=One-Click): no page of ours was shown."
)


class PreferencesForm(forms.Form):
    """One checkbox per reminder type and channel, named "<trigger>:<channel>"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for trigger, trigger_label in Trigger.choices:
            for channel, channel_label in Channel.choices:
                self.fields[f"{trigger}:{channel}"] = forms.BooleanField(
                    required=False, label=f"{trigger_label}: {channel_label}"
                )

    def allowed(self):
        return {tuple(name.split(":")) for name, on in self.cleaned_data.items() if on}

    def wording(self):
        """The page as shown: heading, introduction and each box's label."""
        return "\n".join(
            [str(PREFERENCES_HEADING), str(PREFERENCES_INTRO)] + [str(f.label) for f in self.fields.values()]
        )


def unsubscribe_wording(label, *, one_click):
    """What the customer was shown when they unsubscribed from the type named `label`."""
    if one_click:
        return str(ONE_CLICK_WORDING % {"label": label})
    return f"{UNSUBSCRIBE_QUESTION}\n{UNSUBSCRIBE_EXPLANATION % {'label': label}}"
