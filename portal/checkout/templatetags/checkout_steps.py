from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()

# (label, page to go back to, the `step` values Oscar's templates and the pay page pass for it).
# Oscar's step 3 (payment details) is skipped straight to the review (checkout/views.py).
STEPS = (
    (_("Address"), "checkout:shipping-address", {1}),
    (_("Delivery"), "checkout:shipping-method", {2}),
    (_("Review"), "checkout:preview", {3, 4}),
    (_("Payment"), None, {"pay"}),
    (_("Confirmation"), None, {5}),
)
PLACED = 3  # from the pay page on, the order exists: the steps before it are closed


@dataclass(frozen=True)
class Step:
    number: int
    label: str
    state: str  # done | current | upcoming
    url: str | None


@register.simple_tag
def checkout_steps(step):
    """The steps with where the shopper is; a done step links back while the order is not placed."""
    here = next((index for index, (_label, _url, steps) in enumerate(STEPS) if step in steps), -1)
    result = []
    for index, (label, url_name, _steps) in enumerate(STEPS):
        state = "current" if index == here else "done" if index < here else "upcoming"
        url = reverse(url_name) if url_name and state == "done" and here < PLACED else None
        result.append(Step(number=index + 1, label=label, state=state, url=url))
    return result
