"""Oscar's basket page, saying in words which lines an update removed."""

from django.contrib import messages
from django.utils.translation import gettext as _
from oscar.apps.basket import views as oscar_views


class BasketView(oscar_views.BasketView):
    def formset_valid(self, formset):
        # Remove and a quantity of 0 both delete a line; Oscar then only reports the new total.
        removed = [form.instance.product.get_title() for form in formset.deleted_forms if form.instance.pk]
        response = super().formset_valid(formset)
        for title in removed:
            messages.info(self.request, _("%(product)s is no longer in your basket.") % {"product": title})
        return response
