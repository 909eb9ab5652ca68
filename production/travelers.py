"""Job travelers: the sheet that goes with a work order through the shop (WeasyPrint PDF, QR code).

Documents carry everything inline (the QR code as SVG): `atelier.pdf` renders them with a fetcher
that refuses every URL but inline data, so no text a shopper typed can make the server fetch anything.
"""

import secrets

import segno
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from atelier.pdf import html_to_pdf, render_document

from .models import TravelerBatch
from .selectors.board import default_plant, work_orders_starting_on
from .selectors.specification import changes_by_operation, specification_of


def qr_svg(text):
    return segno.make(text, error="m").svg_inline(scale=4)


def traveler_html(work_order):
    operations = list(
        work_order.operations.select_related("work_center").prefetch_related("alternatives").order_by("sequence")
    )
    changes = changes_by_operation(work_order, operations)
    return render_to_string(
        "production/traveler.html",
        {
            "work_order": work_order,
            "order": work_order.order,
            # In words, never codes; escaped by the template like all text a shopper typed.
            "specification": specification_of(work_order),
            "operations": [(op, changes.get(op.pk, [])) for op in operations],
            # segno writes the SVG itself from the work order number: no user text in it.
            "qr": mark_safe(qr_svg(f"ATELIER {work_order.number}")),
            "printed": timezone.localtime(),
        },
    )


def traveler_pdf(work_order):
    return html_to_pdf(traveler_html(work_order))


def render_batch(*, batch_id):
    """Render every traveler of the batch's day into one PDF, counting progress as it goes."""
    batch = TravelerBatch.objects.get(pk=batch_id)
    if batch.state == TravelerBatch.DONE:
        return batch
    work_orders = list(work_orders_starting_on(default_plant(), batch.day).select_related("order"))
    TravelerBatch.objects.filter(pk=batch.pk).update(state=TravelerBatch.RUNNING, total=len(work_orders), done=0)
    documents = []
    try:
        # One rendered document per traveler (progress per work order), joined page by page.
        for count, work_order in enumerate(work_orders, start=1):
            documents.append(render_document(traveler_html(work_order)))
            TravelerBatch.objects.filter(pk=batch.pk).update(done=count)
        pdf = documents[0].copy([page for doc in documents for page in doc.pages]).write_pdf() if documents else b""
    except Exception as error:
        TravelerBatch.objects.filter(pk=batch.pk).update(state=TravelerBatch.FAILED, message=str(error)[:500])
        raise
    batch.refresh_from_db()
    if work_orders:
        # An unguessable name: where media is served directly, nobody can walk the batches.
        name = f"travelers-{batch.day:%Y-%m-%d}-{secrets.token_hex(12)}.pdf"
        batch.pdf.save(name, ContentFile(pdf), save=False)
    batch.state = TravelerBatch.DONE
    batch.message = f"{len(work_orders)} travelers" if work_orders else "No work planned to start that day."
    batch.save(update_fields=["pdf", "state", "message"])
    return batch
