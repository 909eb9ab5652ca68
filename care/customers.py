"""Finding the customer a member of staff opens a ticket for (a phone call, an e-mail), and their orders.

Staff-only reads, used behind the console's permission (care.access). A customer is an active
account that is not staff: a ticket on a colleague's behalf is not customer care.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from oscar.core.loading import get_model

Order = get_model("order", "Order")

# Enough to pick from; a longer list means the search needs more of the name or address.
SEARCH_LIMIT = 20


def _customers():
    return get_user_model().objects.filter(is_active=True, is_staff=False)


def find_customers(text):
    """Customers whose e-mail address or name holds `text` (each word of it, for a full name).

    An exact e-mail address comes first; at most SEARCH_LIMIT + 1 (the page shows SEARCH_LIMIT and
    says there are more), so a one-letter search stays cheap.
    """
    words = text.split()
    if not words:
        return []
    matches = Q()
    for word in words:
        matches &= Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
    exact = list(_customers().filter(email__iexact=text.strip())[:1])
    others = (
        _customers()
        .filter(matches)
        .exclude(pk__in=[customer.pk for customer in exact])
        .order_by("last_name", "first_name", "email")
    )
    # One more than the limit, so the page can say there are more.
    return exact + list(others[: SEARCH_LIMIT + 1 - len(exact)])


def customer(pk):
    """The customer by id; 404 for anyone else (staff, an inactive account, no such id)."""
    found = _customers().filter(pk=pk).first()
    if found is None:
        raise Http404("No such customer")
    return found


def orders_of(customer):
    """The customer's own orders, newest first: the only ones a ticket opened for them may name."""
    return Order.objects.filter(user=customer).order_by("-date_placed", "-pk")
