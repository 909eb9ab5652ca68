"""The cohort page: the retention triangle as a heat-map table (each cell its share in words and a
link to the orders behind it), repurchase within 90 days by tier and by survey score as bars, each
table a CSV download. Reads are analytics.selectors.cohorts'; these views parse, call and render."""

from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from oscar.views.decorators import permissions_required

from ..access import ANALYSTS
from ..selectors import cohorts
from ..share_charts import share_bars
from .cohort_filters import CohortCellForm, download_name, read_cohort_filters, warn
from .export import csv_response

MONTHS = range(1, cohorts.HORIZON + 1)
REPURCHASE_HEADER = ["customers", "bought_again", "rate_pct", "window_still_open"]


def shade(share):
    """The heat-map step of a cell (0 … 4, the darker the more came back); its text says the figure."""
    if share is None:
        return "future"
    for step, most in enumerate((0, 10, 25, 50)):
        if share <= most:
            return step
    return 4


def _triangle_rows(triangle, query):
    rows = []
    for cohort in triangle:
        month = cohort.month.strftime("%Y-%m")
        cells = [
            {
                "k": k,
                "count": count,
                "share": share,
                "shade": shade(share),
                "drill": urlencode({**query, "cohort": month, "offset": k}),
            }
            for k, count, share in cohort.cells
        ]
        rows.append({"cohort": cohort, "drill": urlencode({**query, "cohort": month, "offset": 0}), "cells": cells})
    return rows


def _repurchase_cells(row):
    return [row.customers, row.again, row.rate, row.waiting]


def _bars(rows, title):
    return share_bars(
        [(row.label, row.rate, _("%(again)s of %(n)s") % {"again": row.again, "n": row.customers}) for row in rows],
        title=title,
        description=_(
            "The table below the chart gives each group's customers; a group with no one whose 90 days "
            "have run out has no bar."
        ),
    )


@permissions_required(ANALYSTS)
def cohorts_page(request):
    filters = read_cohort_filters(request)
    warn(request, filters.errors)
    narrowed = {"family": filters.family or None, "segment": filters.segment or None}
    triangle = cohorts.retention(filters.period, **narrowed)
    tiers = cohorts.repurchase_by_tier(filters.period, **narrowed)
    scores = cohorts.repurchase_by_survey(filters.period, **narrowed)
    tables = {
        "triangle": (
            [
                "first_order_month",
                "customers",
                *(f"month_{k}_customers" for k in MONTHS),
                *(f"month_{k}_pct" for k in MONTHS),
            ],
            [
                [c.month.strftime("%Y-%m"), c.customers, *c.returned, *(share for _k, _n, share in c.cells)]
                for c in triangle
            ],
        ),
        "tiers": (["tier_at_first_order", *REPURCHASE_HEADER], [[r.label, *_repurchase_cells(r)] for r in tiers]),
        "scores": (
            ["first_order_survey_score", *REPURCHASE_HEADER],
            [[r.label, *_repurchase_cells(r)] for r in scores],
        ),
    }
    wanted = request.GET.get("csv")
    if wanted in tables:
        return csv_response(download_name("cohorts", wanted, filters), *tables[wanted])
    query = filters.query()
    context = {
        "filters": filters,
        "form": filters.form,
        "query": urlencode(query),
        "months": MONTHS,
        "triangle": _triangle_rows(triangle, query),
        "tiers": tiers,
        "scores": scores,
        "days": cohorts.REPURCHASE_DAYS,
        "tier_chart": _bars(tiers, _("Bought again within 90 days, by tier on the day of the first order")),
        "score_chart": _bars(scores, _("Bought again within 90 days, by the first order's survey score")),
    }
    return render(request, "analytics/dashboard/cohorts.html", context)


@permissions_required(ANALYSTS)
def cohort_orders(request):
    """The orders one cell of the triangle counts: the cohort's orders placed in that month."""
    filters = read_cohort_filters(request)
    warn(request, filters.errors)
    cell = CohortCellForm(request.GET)
    rows, heading = [], _("No cell chosen")
    if cell.is_valid():
        cohort, offset = cell.cleaned_data["cohort"], cell.cleaned_data["offset"]
        rows = cohorts.orders_behind_cell(
            filters.period, cohort=cohort, offset=offset, family=filters.family or None,
            segment=filters.segment or None,
        )  # fmt: skip
        month = cohorts.add_months(cohort, offset)
        heading = _("First ordered in %(cohort)s: their orders in %(month)s") % {
            "cohort": cohort.strftime("%B %Y"),
            "month": month.strftime("%B %Y"),
        }
    else:
        warn(request, [str(e) for errors in cell.errors.values() for e in errors], _("Choose a cell of the triangle."))
    if request.GET.get("csv") == "orders" and cell.is_valid():
        return csv_response(
            download_name("cohorts", f"{request.GET['cohort']}-{cell.cleaned_data['offset']}-orders", filters),
            ["order", "placed", "customer", "total_incl_tax", "first_order"],
            [[r.number, r.placed.date().isoformat(), r.customer, r.total_incl_tax, r.first_order] for r in rows],
        )
    back = filters.query()
    context = {
        "rows": rows,
        "heading": heading,
        "filters": filters,
        "back": urlencode(back),
        "query": urlencode(
            {**back, "cohort": request.GET.get("cohort", "")[:7], "offset": request.GET.get("offset", "")[:2]}
        ),
    }
    return render(request, "analytics/dashboard/cohort_orders.html", context)
