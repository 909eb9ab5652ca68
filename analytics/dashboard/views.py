"""The margin dashboard: filters, a table per breakdown (each a CSV download), bars for the
families and the option values, and the orders behind an option value. Reads are
analytics.selectors.margins'; these views parse, call and render."""

from django.contrib import messages
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from oscar.views.decorators import permissions_required

from ..access import ANALYSTS
from ..charts import margin_bars
from ..selectors import margins, rollups
from .export import csv_response
from .forms import read_filters

CUSTOMERS_SHOWN = 50  # the lowest contributions on the page; the CSV has everyone

MARGIN_HEADER = ["lines", "revenue_excl_tax", "cost", "margin", "margin_pct", "cost_unknown_lines",
                 "cost_unknown_revenue"]  # fmt: skip
CONTRIBUTION_HEADER = ["orders", "revenue_before_discounts", "cost", "discounts", "points_redeemed", "refunds",
                       "remakes", "contribution", "cost_unknown_lines", "remakes_cost_unknown"]  # fmt: skip


OPTION_HEADER = ["family", "option", "value", "option_code", "value_code", "lines", "revenue_excl_tax", "cost",
                 "margin", "margin_pct"]  # fmt: skip


def _option_cells(r):
    return [r.family, r.option_name, r.value_text, r.option, r.value, r.lines, r.revenue, r.cost, r.margin,
            r.margin_pct]  # fmt: skip


def _margin_cells(row):
    return [row.lines, row.revenue, row.cost, row.margin, row.margin_pct, row.unknown_lines, row.unknown_revenue]


def _contribution_cells(row):
    return [row.orders, row.revenue, row.cost, row.discounts, row.points, row.refunds, row.remakes,
            row.contribution, row.unknown_lines, row.remakes_unknown]  # fmt: skip


def _tables(period, family, *, every_customer=False):
    """Each table of the page as (header, rows of cells) for its CSV, and the rows for the page: from
    the nightly roll-ups, with the days not rolled up yet read raw (analytics/selectors/rollups.py)."""
    with rollups.one_read():  # the days not built and the window's additions, read once for the six
        families = rollups.margin_by_family(period, family=family)
        months = rollups.margin_by_month(period, family=family)
        options = rollups.margin_by_option(period, family=family)
        # The page shows the lowest contributions; only the CSV download needs every customer's.
        lowest = None if every_customer else CUSTOMERS_SHOWN
        customers = rollups.contributions(period, by="customer", family=family, lowest=lowest)
        segments = rollups.contributions(period, by="segment", family=family)
        tiers = rollups.contributions(period, by="tier", family=family)
    rows = {
        "families": families,
        "months": months,
        "options": options,
        "customers": customers,
        "segments": segments,
        "tiers": tiers,
    }
    csv_tables = {
        "families": (["family", *MARGIN_HEADER], [[r.label, *_margin_cells(r)] for r in families]),
        "months": (["month", *MARGIN_HEADER], [[r.key.isoformat()[:7], *_margin_cells(r)] for r in months]),
        "options": (OPTION_HEADER, [_option_cells(r) for r in options]),
        "customers": (
            ["customer", "segment", "tier", *CONTRIBUTION_HEADER],
            [
                [r.label, r.extra.get("segment", ""), r.extra.get("tier", ""), *_contribution_cells(r)]
                for r in customers
            ],
        ),
        "segments": (
            ["segment", "customers", *CONTRIBUTION_HEADER],
            [[r.label, r.customers, *_contribution_cells(r)] for r in segments],
        ),
        "tiers": (
            ["tier", "customers", *CONTRIBUTION_HEADER],
            [[r.label, r.customers, *_contribution_cells(r)] for r in tiers],
        ),
    }
    return rows, csv_tables


def _option_words(row):
    return f"{row.option_name}: {row.value_text}" if row.value_text else row.option_name


def _bar_label(row, *, with_family):
    """The option value in words, after its family when several are shown; cut to fit beside the bar
    (the table under the chart has it whole)."""
    words = f"{row.family} — {_option_words(row)}" if with_family else _option_words(row)
    return words if len(words) <= 46 else words[:45] + "…"


def _filename(name, period, family):
    # The names come from the query string: slugified, so no quote or line break reaches the header.
    name, family = slugify(name)[:60] or "table", slugify(family)[:60]
    return f"margins-{name}-{period.start.isoformat()}-{period.end.isoformat()}{'-' + family if family else ''}.csv"


@permissions_required(ANALYSTS)
def margins_page(request):
    period, family, form, errors = read_filters(request)
    for error in errors:
        messages.warning(request, _("%(error)s Showing the last 12 months instead.") % {"error": error})
    wanted = request.GET.get("csv")
    rows, csv_tables = _tables(period, family, every_customer=wanted == "customers")
    if wanted in csv_tables:
        return csv_response(_filename(wanted, period, family), *csv_tables[wanted])
    filters = {"start": period.start.isoformat(), "end": period.end.isoformat(), "family": family or ""}
    context = {
        **rows,
        "form": form,
        "period": period,
        "family": family,
        "query": urlencode(filters),
        "option_rows": [
            (r, urlencode({**filters, "family": r.family_slug, "option": r.option, "value": r.value}))
            for r in rows["options"]
        ],
        "shown_customers": rows["customers"][:CUSTOMERS_SHOWN],
        "customers_shown": CUSTOMERS_SHOWN,
        "family_chart": margin_bars(
            [(r.label, r.margin) for r in rows["families"] if r.lines],
            title=_("Margin by product family, excl. tax"),
            description=_("The table below the chart gives each family's figures."),
        ),
        "option_chart": margin_bars(
            [(_bar_label(r, with_family=not family), r.margin) for r in rows["options"]],
            title=_("Margin by option value, excl. tax"),
            description=_("Bars to the left lose money. The table below the chart gives each option value's figures."),
            label_width=280,
        ),
    }
    return render(request, "analytics/dashboard/margins.html", context)


@permissions_required(ANALYSTS)
def option_orders(request):
    """The order lines behind one option value of the margin table, the worst first."""
    period, _family, _form, errors = read_filters(request)
    family, option, value = (request.GET.get(name, "")[:200] for name in ("family", "option", "value"))
    for error in errors:
        messages.warning(request, _("%(error)s Showing the last 12 months instead.") % {"error": error})
    rows = margins.orders_behind_option(period, family=family, option=option, value=value) if option else []
    if request.GET.get("csv") == "orders":
        return csv_response(
            _filename(f"{option or 'option'}-orders", period, family),
            ["order", "placed", "customer", "revenue_share_excl_tax", "cost_share", "margin"],
            [[r.number, r.placed.date().isoformat(), r.customer, r.revenue, r.cost, r.margin] for r in rows],
        )
    back = {"start": period.start.isoformat(), "end": period.end.isoformat(), "family": family}
    context = {
        "rows": rows,
        "period": period,
        "heading": margins.option_label(family, option, value) if option else _("No option chosen"),
        "query": urlencode({**back, "option": option, "value": value}),
        "back": urlencode(back),
    }
    return render(request, "analytics/dashboard/option_orders.html", context)
