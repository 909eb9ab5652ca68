"""The ROI page: a table per kind of promotion (reminder rules, loyalty campaigns, offers and
vouchers) with bars of the net incremental margin, each a CSV download, and a page per promotion
with its figures by segment, value class and season and the orders behind them. Reads are
analytics.selectors.roi's; these views parse, call and render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from oscar.views.decorators import permissions_required

from ..access import ANALYSTS
from ..charts import margin_bars
from ..selectors import roi
from .export import csv_response
from .roi_forms import RoiFilters

ORDERS_SHOWN = 200  # the page lists the treated first; the CSV has every order
TITLES = {
    roi.REMINDER: _("Reminder rules"),
    roi.CAMPAIGN: _("Loyalty campaigns"),
    roi.OFFER: _("Offers and vouchers"),
}
HEADER = ["control", "treated_customers", "treated_buyers", "treated_orders", "treated_margin", "control_customers",
          "control_buyers", "control_margin", "treated_conversion_pct", "control_conversion_pct",
          "treated_margin_per_customer", "control_margin_per_customer", "orders_with_it", "margin_on_orders_with_it",
          "cost", "matched_customers", "incremental_margin", "net_incremental_margin", "roi_pct"]  # fmt: skip


def _cells(row):
    return [row.shown_control, row.treated, row.treated_buyers, row.treated_orders, row.treated_margin, row.control,
            row.control_buyers, row.control_margin, row.treated_rate, row.control_rate, row.treated_per_customer,
            row.control_per_customer, row.promoted_orders, row.promoted_margin, row.cost, row.matched,
            row.incremental, row.net, row.roi]  # fmt: skip


def _warn(request, errors):
    for error in errors:
        messages.warning(request, _("%(error)s Showing the last 12 months instead.") % {"error": error})


def _read(filters, kind):
    return roi.roi(kind, filters.period, segment=filters.segment or None, window_days=filters.window)


def _filename(*parts):
    # Parts from the query string are slugified: no quote or line break reaches the header.
    return "-".join(slugify(str(part))[:60] for part in ("roi", *parts) if part) + ".csv"


@permissions_required(ANALYSTS)
def roi_page(request):
    filters = RoiFilters(request)
    _warn(request, filters.errors)
    query = filters.query
    promotions = {kind: _read(filters, kind) for kind in roi.KINDS}
    wanted = request.GET.get("csv")
    if wanted in promotions:
        return csv_response(
            _filename(wanted, filters.period.start, filters.period.end, filters.segment),
            ["promotion", "terms", *HEADER],
            [[p.name, p.detail, *_cells(p.figures)] for p in promotions[wanted]],
        )
    if wanted == "breakdown":
        return csv_response(
            _filename("breakdown", filters.period.start, filters.period.end, filters.segment),
            ["kind", "promotion", "by", "group", *HEADER],
            [
                [kind, p.name, by, row.label, *_cells(row)]
                for kind, found in promotions.items()
                for p in found
                for by, rows in (
                    ("segment", p.by_segment),
                    ("value_class", p.by_value_class),
                    ("season", p.by_season),
                )
                for row in rows
            ],
        )
    sections = [
        {
            "kind": kind,
            "title": TITLES[kind],
            "rows": [(p, urlencode(query)) for p in found],
            "chart": margin_bars(
                [(p.name[:40], p.figures.net) for p in found if p.figures.net is not None],
                title=_("%(kind)s: net incremental margin, excl. tax") % {"kind": TITLES[kind]},
                description=_("Only those with a control have a bar; the table below gives every figure."),
            )
            if any(p.figures.net is not None for p in found)
            else None,
        }
        for kind, found in promotions.items()
    ]
    context = {"form": filters.form, "filters": filters, "period": filters.period, "query": urlencode(query),
               "sections": sections}  # fmt: skip
    return render(request, "analytics/dashboard/roi.html", context)


@permissions_required(ANALYSTS)
def roi_detail(request, kind, key):
    """One promotion: its figures by segment, value class and season, and the orders behind them."""
    if kind not in roi.KINDS:
        raise Http404("No such kind of promotion")
    filters = RoiFilters(request)
    _warn(request, filters.errors)
    promotion = next((p for p in _read(filters, kind) if p.key == key), None)
    if promotion is None:
        raise Http404("No such promotion in this period")
    orders = roi.orders_behind(promotion)
    if request.GET.get("csv") == "orders":
        return csv_response(
            _filename(promotion.name, "orders", filters.period.start, filters.period.end),
            ["order", "placed", "customer", "group", "with_the_promotion", "contribution"],
            [
                [o.number, o.placed.isoformat(), o.customer, o.group, "yes" if o.promoted else "no", o.margin]
                for o in orders
            ],
        )
    context = {
        "promotion": promotion,
        "kind_title": TITLES[kind],
        "period": filters.period,
        "filters": filters,
        "query": urlencode(filters.query),
        "breakdowns": [
            (_("By RFM segment"), _("Segment"), "segments", promotion.by_segment),
            (_("By value class"), _("Value class"), "value-classes", promotion.by_value_class),
            (
                _("By season (meteorological: winter is December to February)"),
                _("Season"),
                "seasons",
                promotion.by_season,
            ),
        ],
        "orders": orders[:ORDERS_SHOWN],
        "orders_total": len(orders),
        "orders_shown": ORDERS_SHOWN,
    }
    return render(request, "analytics/dashboard/roi_detail.html", context)
