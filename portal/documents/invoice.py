"""The order confirmation and invoice, as a PDF: what was bought, as configured, and its state."""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.pdf import html_to_pdf
from care.storage import private_storage

Source = get_model("payment", "Source")


def invoice_state(order):
    """(label, css modifier, amount refunded) for the stamp on the document."""
    paid = sum((source.amount_debited for source in order.sources.all()), 0)
    refunded = sum((source.amount_refunded for source in order.sources.all()), 0)
    if refunded and refunded >= paid:
        return "Refunded", "refunded", refunded
    if refunded:
        return "Partly refunded", "refunded", refunded
    if paid:
        return "Paid", "paid", refunded
    return "Awaiting payment", "pending", refunded


def invoice_context(order):
    label, modifier, refunded = invoice_state(order)
    lines = list(order.lines.prefetch_related("attributes__option"))
    return {
        "order": order,
        "lines": lines,
        "seller": settings.ATELIER_SELLER,
        "state": label,
        "state_modifier": modifier,
        "refunded": refunded,
        "payments": [
            transaction
            for source in order.sources.all()
            for transaction in source.transactions.order_by("date_created")
            if transaction.txn_type in ("Debit", "Refund")
        ],
        "issued": timezone.localdate(),
        "invoice_number": f"INV-{order.number}",
    }


def render_invoice_html(order):
    return render_to_string("documents/invoice.html", invoice_context(order))


def render_invoice_pdf(order):
    return html_to_pdf(render_invoice_html(order))


def _storage_name(order):
    label, _, refunded = invoice_state(order)
    version = hashlib.sha256(f"{order.pk}:{order.date_placed}:{label}:{refunded}:{order.status}".encode()).hexdigest()[
        :12
    ]
    return f"invoices/{order.number}/invoice-{version}.pdf"


def invoice_pdf(order):
    """The invoice as it stands now: rendered once per state (paid, refunded…), then reused.

    Kept in the private storage, which no web server serves: an invoice carries a name and an
    address, and reaches only its owner through the hub's view and the confirmation mail.
    """
    name = _storage_name(order)
    if private_storage.exists(name):
        with private_storage.open(name, "rb") as handle:
            return handle.read()
    content = render_invoice_pdf(order)
    private_storage.save(name, ContentFile(content))
    return content
