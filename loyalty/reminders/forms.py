from django import forms

from .models import Channel, Trigger


class PreferencesForm(forms.Form):
    """One checkbox per reminder type and channel, named "<trigger>:<channel>"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for trigger in Trigger.values:
            for channel in Channel.values:
                self.fields[f"{trigger}:{channel}"] = forms.BooleanField(required=False)

    def allowed(self):
        return {tuple(name.split(":")) for name, on in self.cleaned_data.items() if on}
