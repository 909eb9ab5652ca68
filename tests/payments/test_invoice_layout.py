"""The invoice's items table in fixed table layout (issue #22): the same columns auto layout drew."""

import io

import pytest
from oscar.core.loading import get_model
from pypdf import PdfReader

from atelier.pdf import html_to_pdf, render_document
from portal.documents import invoice

LONG = "Shirt colour: Navy; Size: M; Your text: Relay team 00; Print on: Front; Lettering: Serif; Ink: White"


def row(texts, unit="£24.00", total="£48.00", quantity="2"):
    return (texts, quantity, unit, "20%", total)


def configured(summary=LONG):
    return [("Custom Printed T-shirt", "bold", 9.5), (summary, "book", 8.5), ("ATL-TEE", "book", 8.5)]


def test_each_amount_column_is_as_wide_as_its_header_or_its_widest_amount():
    columns = invoice.item_columns([row(configured()), row(configured(), unit="£1,234.00", total="£12,468.00")])

    assert columns == {
        "qty": "calc(max(25.6661px, 1.0000ch) + 2mm)",  # "QTY" is wider than "2"
        "unit": "calc(max(72.9904px, 7.9992ch) + 2mm)",  # £, digits: 1 ch; the separators half of one
        "vat": "calc(max(23.8331px, 3.4935ch) + 2mm)",
        "total": "calc(max(40.5079px, 8.9992ch) + 2mm)",
    }


def test_an_unknown_character_counts_wider_than_a_digit():
    assert invoice.width_ch("CHF 5.00") > invoice.width_ch("£55.00")


def test_short_items_keep_auto_layout_which_spreads_the_spare_width():
    """With every item narrower than the item column, auto layout widens the amount columns too."""
    assert invoice.item_columns([row([("Water filter", "bold", 9.5), ("ATL-FILTER", "book", 8.5)])]) is None


def test_a_word_wider_than_the_item_column_keeps_auto_layout():
    assert invoice.item_columns([row(configured(LONG + "; Text: " + "W" * 90))]) is None


def test_without_dejavu_sans_the_invoice_keeps_auto_layout(monkeypatch):
    monkeypatch.setattr(invoice, "_advances", lambda style: None)

    assert invoice.item_columns([row(configured())]) is None


@pytest.mark.django_db
def test_fixed_layout_draws_the_table_where_auto_layout_drew_it(checkout, demo_mode, monkeypatch):
    for index in range(3):
        checkout.add_configured("printed-tee", print_text=f"Relay team {index:02d}", colour="navy", quantity="2")
    order = get_model("order", "Order").objects.get(pk=checkout.place_order().pk)

    fixed = invoice.render_invoice_html(order)
    monkeypatch.setattr(invoice, "item_columns", lambda rows: None)
    auto = invoice.render_invoice_html(order)

    assert '<table class="fixed">' in fixed
    assert '<table class="fixed">' not in auto
    fixed_columns, auto_columns = tables(fixed), tables(auto)
    assert len(fixed_columns) == len(auto_columns) >= 2
    for drawn, expected in zip(fixed_columns, auto_columns, strict=True):
        assert drawn == pytest.approx(expected, abs=0.05)  # CSS px
    assert text(html_to_pdf(fixed)) == text(html_to_pdf(auto))


def tables(html):
    """Each table's column positions and widths, as laid out."""
    found = []

    def walk(box):
        if type(box).__name__ == "TableBox":
            found.append([*box.column_positions, *box.column_widths])
        for child in getattr(box, "children", ()):
            walk(child)

    for page in render_document(html).pages:
        walk(page._page_box)
    return found


def text(pdf):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
