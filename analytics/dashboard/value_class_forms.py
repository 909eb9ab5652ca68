from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ValueClassRules


class ValueClassRulesForm(forms.ModelForm):
    """The Pareto cut and the abuse limits. The model's validators keep each figure in its range and
    its clean() the premium share within the major one; both show beside the field."""

    class Meta:
        model = ValueClassRules
        fields = ["premium_percent", "major_percent", "refund_rate_limit", "complaint_rate_limit", "abuse_min_orders"]
        labels = {
            "premium_percent": _("Premium: the top (% of buying customers)"),
            "major_percent": _("Premium and major together: the top (%)"),
            "refund_rate_limit": _("Restricted above this refund rate (% of revenue)"),
            "complaint_rate_limit": _("Restricted above this complaint rate (per 100 orders)"),
            "abuse_min_orders": _("The two limits apply from this many orders in 12 months"),
        }
        widgets = {name: forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}) for name in fields[:4]}
        widgets["abuse_min_orders"] = forms.NumberInput(attrs={"class": "form-control", "step": "1"})
