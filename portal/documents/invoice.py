"""The order confirmation and invoice, as a PDF: what was bought, as configured, and its state."""

import functools
import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from oscar.core.loading import get_model
from oscar.templatetags.currency_filters import currency

from atelier.pdf import html_to_pdf
from care.storage import private_storage

Source = get_model("payment", "Source")

logger = logging.getLogger(__name__)

# The items table's amount columns, for WeasyPrint's fixed table layout (issue #22): auto layout
# measures every cell's min- and max-content width before laying the table out, about a tenth of
# the render. Each column is as wide as auto layout makes it, the widest of its header and its
# cells (none wraps), plus 1 mm padding either side; the item column takes the rest.
# Header widths: the 8pt bold, letter-spaced, upper-case headers in DejaVu Sans Bold, in CSS px.
HEADER_PX = {"qty": 25.6661, "unit": 72.9904, "vat": 23.8331, "total": 40.5079}
# Cell widths in `ch` (the width of "0" in the cell's font): in DejaVu Sans, as in Liberation Sans
# and Arial, digits and the currency signs are exactly 1 ch and the separators half of one.
AMOUNT_CH = {
    **dict.fromkeys("0123456789\u00a3\u20ac$", 1.0),  # digits, £, €, $
    **dict.fromkeys(".,\u0020\u00a0", 0.4996),  # separators, space, no-break space
    "\u202f": 0.3139,  # narrow no-break space
    "%": 1.4935,
    "-": 0.5672,
    "\u2212": 1.317,  # minus sign
}
OTHER_CH = 1.5  # any other character: wider than most, so a column is never narrower than its text
# The page's content width (A4 less 16 mm margins and the body's 8px margins), the cells' padding.
TABLE_PX = 656.7559
PADDING_PX = 7.5591
CH_PX = 0.6362 * 9.5 * 4 / 3  # "0" in DejaVu Sans at the cells' 9.5pt


def width_ch(text):
    return sum(AMOUNT_CH.get(character, OTHER_CH) for character in text)


FONT_DIRECTORIES = ("/usr/share/fonts", "/usr/local/share/fonts")


@functools.cache
def _advances(style):
    """{code point: advance in em} of DejaVu Sans (`book` or `bold`), or None when it is not
    installed (then fontconfig gives the invoice another font, and it keeps auto table layout)."""
    name = "DejaVuSans-Bold.ttf" if style == "bold" else "DejaVuSans.ttf"
    path = next((found for folder in FONT_DIRECTORIES for found in Path(folder).rglob(name)), None)
    if path is None:
        logger.warning("invoice: %s not found, the items table keeps auto layout", name)
        return None
    from fontTools.ttLib import TTFont  # WeasyPrint's dependency, for its own font subsetting

    font = TTFont(path, lazy=True)
    metrics, units = font["hmtx"], font["head"].unitsPerEm
    return {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}


def _text_px(text, style, size_pt):
    """The text's width without kerning, in CSS px; None without the font's metrics."""
    advances = _advances(style)
    if advances is None:
        return None
    return sum(advances.get(ord(character), 0.5) for character in text) * size_pt * 4 / 3


def item_columns(rows):
    """The amount columns' widths for a fixed table layout that draws the table as auto layout
    does, or None when auto layout would not give the same widths.

    rows: (item texts: [(text, style, pt)], qty, unit price, vat, total) as the cells read.
    Auto layout keeps the amount columns at their content width and gives the item column the
    rest only while the item column's content is wider than that rest (else it spreads the spare
    width over every column) and no word of it is (else the table grows): both are checked on
    the font's advance widths, with a margin for kerning.
    """
    amounts_ch = {
        key: max(width_ch(row[index]) for row in rows)
        for index, key in enumerate(("qty", "unit", "vat", "total"), start=1)
    }
    item_px = TABLE_PX - sum(max(HEADER_PX[key], ch * CH_PX) for key, ch in amounts_ch.items()) - 5 * PADDING_PX
    widest = longest_word = 0
    for texts, *_ in rows:
        for text, style, size_pt in texts:
            width = _text_px(text, style, size_pt)
            if width is None:
                return None
            widest = max(widest, width)
            longest_word = max([longest_word, *(_text_px(word, style, size_pt) for word in text.split())])
    if widest < item_px * 1.05 or longest_word > item_px * 0.9:
        return None
    return {key: f"calc(max({HEADER_PX[key]:.4f}px, {ch:.4f}ch) + 2mm)" for key, ch in amounts_ch.items()}


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
    for line in lines:
        line.unit_price_text = currency(line.unit_price_incl_tax, order.currency)
        line.total_text = currency(line.line_price_incl_tax, order.currency)
    shipping_text = currency(order.shipping_incl_tax, order.currency)
    rows = [
        (
            [
                (line.title, "bold", 9.5),
                (line.configuration_summary or "", "book", 8.5),
                (str(line.partner_sku or ""), "book", 8.5),
            ],
            str(line.quantity),
            line.unit_price_text,
            "20%",
            line.total_text,
        )
        for line in lines
    ]
    rows.append(([(str(order.shipping_method), "book", 9.5)], "1", shipping_text, "20%", shipping_text))
    return {
        "order": order,
        "lines": lines,
        "shipping_text": shipping_text,
        "columns": item_columns(rows),
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
