"""The return label: an A6 sheet to tape on the parcel, with the RMA as text and QR code, rendered
by the kernel's PDF renderer (atelier.pdf), whose fetcher loads nothing."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from atelier.pdf import html_to_pdf
from production.travelers import qr_svg


def label_html(claim):
    order = claim.order
    return render_to_string(
        "care/claims/label.html",
        {
            "claim": claim,
            "order": order,
            "sender": order.shipping_address,
            "returns_address": settings.CARE_RETURNS_ADDRESS,
            # segno draws the SVG from the RMA, which we made: no customer text in it.
            "qr": mark_safe(qr_svg(f"ATELIER {claim.rma} {order.number}")),
            "printed": timezone.localtime(),
        },
    )


def label_pdf(claim):
    return html_to_pdf(label_html(claim))


def label_filename(claim):
    return f"return-label-{claim.rma}.pdf"
