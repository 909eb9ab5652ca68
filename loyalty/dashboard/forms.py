from django import forms

from ..models import Campaign, EarnMultiplier, ProgrammeRules, Tier, ValueClass


class RulesForm(forms.ModelForm):
    class Meta:
        model = ProgrammeRules
        fields = [
            "points_per_unit", "point_value", "min_redeem", "redeem_step", "max_redeem_share", "pending_days",
            "expiry_months", "downgrade_grace_days", "first_order_bonus", "review_bonus", "birthday_bonus",
            "referral_bonus_referrer", "referral_bonus_friend",
        ]  # fmt: skip


class TierForm(forms.ModelForm):
    class Meta:
        model = Tier
        fields = [
            "name", "min_spend_12m", "earn_multiplier", "free_shipping", "production_weight", "early_access_days",
        ]  # fmt: skip


class CampaignForm(forms.ModelForm):
    # Kept as comma-separated codes on the model (like a reminder rule's), chosen here as boxes.
    value_classes = forms.MultipleChoiceField(
        label="For value classes",
        choices=ValueClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every customer. The classes are computed nightly from 12-month contribution.",
    )

    class Meta:
        model = Campaign
        fields = ["name", "starts_on", "ends_on", "multiplier", "bonus_points", "product_class", "category",
                  "value_classes", "active"]  # fmt: skip
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["value_classes"] = self.instance.value_class_codes

    def clean_value_classes(self):
        return ",".join(self.cleaned_data["value_classes"])


class MultiplierForm(forms.ModelForm):
    class Meta:
        model = EarnMultiplier
        fields = ["product_class", "category", "multiplier"]

    def clean(self):
        data = super().clean()
        if not data.get("product_class") and not data.get("category"):
            raise forms.ValidationError("Choose a product family or a category.")
        return data


class AdjustmentForm(forms.Form):
    points = forms.CharField(help_text="Whole points; negative to take points off.")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    token = forms.CharField(widget=forms.HiddenInput)
