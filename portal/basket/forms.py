"""The basket's quantity box: every answer to it is a plain message, never a lost line or an error page."""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.basket import forms as oscar_forms


class BasketLineForm(oscar_forms.BasketLineForm):
    """Oscar's line form with a quantity box that says what went wrong in words.

    A text box with a numeric keypad rather than type="number": the browser then sends what
    was typed (1.5, -1, "two") and the server answers it, instead of sending an empty box
    that Oscar read as 0 and so removed the line. An unchanged quantity is not checked again,
    so a line flagged for another reason never stops the shopper changing the other lines.
    """

    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4}),
        error_messages={
            "required": _("Enter how many you want, or press Remove."),
            "invalid": _("Enter a whole number, such as 2."),
            "min_value": _("Enter 1 or more, or press Remove."),
        },
    )

    def __init__(self, strategy, *args, **kwargs):
        super().__init__(strategy, *args, **kwargs)
        widget = self.fields["quantity"].widget
        widget.attrs.pop("max", None)  # Oscar's basket-wide cap (9,999), not what this line allows
        widget.attrs["aria-describedby"] = f"{self.prefix}-quantity-help"

    def clean_quantity(self):
        if self.instance.id and self.cleaned_data.get("quantity") == self.instance.quantity:
            return self.instance.quantity
        return super().clean_quantity()


class SavedLineForm(oscar_forms.SavedLineForm):
    """Oscar's "move to basket" for a saved line; a configured one is checked as the design it is.

    Oscar asks the product, and a configurable product is bought only as a design, so every
    saved design was refused ("choose your options first"); the design's own check applies
    instead, to the quantity it would have with the same design already in the basket.
    """

    def clean(self):
        line = self.instance
        if line.configuration_text is None:
            return super().clean()
        cleaned_data = forms.ModelForm.clean(self)
        if not cleaned_data.get("move_to_basket"):
            return cleaned_data
        in_basket = (
            self.basket.lines.filter(line_reference=line.line_reference).values_list("quantity", flat=True).first() or 0
        )
        availability = self.strategy.fetch_for_line(line).availability
        permitted, reason = availability.is_purchase_permitted(in_basket + line.quantity)
        if not permitted:
            raise forms.ValidationError(reason)
        return cleaned_data
