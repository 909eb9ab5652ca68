"""Who may pay for, and download the documents of, an order.

Its owner when signed in; staff; and the browser session that placed it (guests).
Anyone else gets a 404 that says nothing about whether the order exists.
"""

from django.http import Http404
from oscar.core.loading import get_model

Order = get_model("order", "Order")
SESSION_KEY = "payable_orders"


def allow_paying(request, order):
    numbers = request.session.get(SESSION_KEY, [])
    number = str(order.number)  # Oscar's generator hands out numbers as int until saved
    if number not in numbers:
        request.session[SESSION_KEY] = [*numbers, number][-20:]


def order_for(request, number):
    """The order if this request may see it, else Http404."""
    order = Order.objects.filter(number=number).select_related("user").first()
    if order is None:
        raise Http404
    user = request.user
    if user.is_authenticated and (user.is_staff or order.user_id == user.pk):
        return order
    if order.user_id is None and number in request.session.get(SESSION_KEY, []):
        return order
    raise Http404
