"""Invoice downloads: for the order's owner, staff, and the guest session that placed it."""

from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from oscar.core.loading import get_model

from portal.order.ownership import order_for

from .invoice import invoice_pdf

Order = get_model("order", "Order")


def _pdf_response(order):
    response = HttpResponse(invoice_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invoice-{order.number}.pdf"'
    return response


@never_cache
def invoice(request, number):
    return _pdf_response(order_for(request, number))


@never_cache
def guest_invoice(request, number, hash):
    """By the signed link in a guest's confirmation email (Oscar's order verification hash)."""
    order = Order.objects.filter(number=number, user__isnull=True).first()
    if order is None or not order.check_verification_hash(hash):
        raise Http404
    return _pdf_response(order)
