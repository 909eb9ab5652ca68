"""The promise page: on-time shipping against the promised date by month (columns) and by family
(bars), with the lateness bands; each late count a link to the orders behind it; each table a CSV
download. Reads are analytics.selectors.promises'; these views parse, call and render."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from oscar.views.decorators import permissions_required

from ..access import ANALYSTS
from ..selectors import promises
from ..selectors.margins import family_label, family_names
from ..share_charts import share_bars, share_columns
from .cohort_filters import PromiseOrdersForm, download_name, read_cohort_filters, warn
from .export import csv_response

PROMISE_HEADER = ["due", "on_time", "late_shipped", "late_not_shipped", "on_time_pct", "not_yet_due",
                  *(f"late_{words}" for _low, _high, words in promises.LATENESS)]  # fmt: skip


def _cells(row):
    return [row.due, row.on_time, row.late_shipped, row.late_waiting, row.on_time_pct, row.not_due,
            *(n for _words, n in row.bands)]  # fmt: skip


@permissions_required(ANALYSTS)
def promises_page(request):
    filters = read_cohort_filters(request)
    warn(request, filters.errors)
    report = promises.promises_kept(filters.period, family=filters.family or None, segment=filters.segment or None)
    tables = {
        "months": (
            ["month_promised", *PROMISE_HEADER],
            [[m.key.strftime("%Y-%m"), *_cells(m)] for m in report.by_month],
        ),
        "families": (["family", *PROMISE_HEADER], [[f.label, *_cells(f)] for f in report.by_family]),
    }
    wanted = request.GET.get("csv")
    if wanted in tables:
        return csv_response(download_name("promises", wanted, filters), *tables[wanted])
    query = filters.query()
    context = {
        "filters": filters,
        "form": filters.form,
        "report": report,
        "today": timezone.localdate(),
        "query": urlencode(query),
        "months": [(m, urlencode({**query, "month": m.key.strftime("%Y-%m")})) for m in report.by_month],
        "families": [(f, urlencode({**query, "family": f.key})) for f in report.by_family],
        "month_chart": share_columns(
            [(m.key.strftime("%b %Y"), m.on_time_pct) for m in report.by_month],
            title=_("Shipped on time, by the month promised"),
            description=_("A dash: nothing was due that month. The table below the chart gives each month's orders."),
        ),
        "family_chart": share_bars(
            [
                (f.label, f.on_time_pct, _("%(n)s of %(due)s") % {"n": f.on_time, "due": f.due})
                for f in report.by_family
            ],
            title=_("Shipped on time, by product family"),
            description=_("The table below the chart gives each family's orders."),
        ),
    }
    return render(request, "analytics/dashboard/promises.html", context)


@permissions_required(ANALYSTS)
def promise_orders(request):
    """The orders behind one figure of the promise page: late (or on time, not yet due, all),
    of the family filtered and, when given, one month promised; the latest first."""
    filters = read_cohort_filters(request)
    warn(request, filters.errors)
    form = PromiseOrdersForm(request.GET)
    if form.is_valid():
        month, which = form.cleaned_data["month"], form.cleaned_data["which"]
    else:
        warn(request, [str(e) for errors in form.errors.values() for e in errors], _("Showing every late order."))
        month, which = None, "late"
    rows = promises.orders_behind(
        filters.period, which=which, family=filters.family or None, segment=filters.segment or None, month=month
    )
    if request.GET.get("csv") == "orders":
        return csv_response(
            download_name("promises", f"{which}-{month.strftime('%Y-%m') if month else 'all'}-orders", filters),
            ["order", "placed", "customer", "promised", "shipped", "days_late"],
            [
                [
                    o.number,
                    o.placed.date().isoformat(),
                    o.customer,
                    o.promised.isoformat(),
                    o.shipped.isoformat() if o.shipped else "",
                    "" if days is None else days,
                ]
                for o, days in rows
            ],
        )
    words = dict(form.fields["which"].choices)
    back = filters.query()
    context = {
        "rows": rows,
        "filters": filters,
        "which": which,
        "family_name": family_label(filters.family, family_names()) if filters.family else "",
        "heading": _("%(which)s orders, promised %(when)s")
        % {
            "which": words[which],
            "when": month.strftime("%B %Y") if month else _("in the period"),
        },
        "back": urlencode(back),
        "query": urlencode({**back, "month": month.strftime("%Y-%m") if month else "", "which": which}),
    }
    return render(request, "analytics/dashboard/promise_orders.html", context)
