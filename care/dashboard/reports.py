"""The care reports page: response and resolution times, the promise, what tickets are about,
repurchase by survey score and help searches that ended in a ticket. Reads are care.reports'."""

import csv

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from oscar.views.decorators import permissions_required

from loyalty.charts import bar_chart

from .. import reports
from ..access import CARE_AGENTS
from ..charts import week_columns


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label=gettext_lazy("Period"),
        coerce=int,
        choices=[(days, gettext_lazy("Last %(days)s days") % {"days": days}) for days in reports.PERIODS],
        # A native select (Oscar's dashboard turns the others into select2) for three choices.
        widget=forms.Select(attrs={"class": "form-control no-widget-init"}),
    )


def _period(request):
    """The days asked for; anything but one of the periods offered gets the default and says so."""
    if "days" not in request.GET:
        return reports.DEFAULT_PERIOD
    form = PeriodForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["days"]
    offered = _("That period is not one we offer; showing the last %(days)s days.")
    messages.warning(request, offered % {"days": reports.DEFAULT_PERIOD})
    return reports.DEFAULT_PERIOD


def _charts(weeks, topics, families, options, scores):
    labels = [week.start.strftime("%-d %b") for week in weeks]
    # Each bar names how many customers it stands on: 100% of one customer is not a finding.
    repurchase = [
        (
            ngettext("Score %(score)s: %(n)s customer", "Score %(score)s: %(n)s customers", g.customers)
            % {"score": g.score, "n": g.customers},
            g.rate or 0,
        )
        for g in scores
    ]
    return {
        "response": week_columns(
            labels,
            [
                (_("Median"), [w.response_median for w in weeks]),
                (_("90th percentile"), [w.response_p90 for w in weeks]),
            ],
            title=_("First response time by week, hours"),
            unit=" h",
        ),
        "resolution": week_columns(
            labels,
            [
                (_("Median"), [w.resolution_median for w in weeks]),
                (_("90th percentile"), [w.resolution_p90 for w in weeks]),
            ],
            title=_("Resolution time by week, hours"),
            unit=" h",
        ),
        "promise": week_columns(
            labels, [(_("Promise kept"), [w.hit_rate for w in weeks])], title=_("Promise hit rate by week"), unit="%"
        ),
        "topics": bar_chart(topics, title=_("Tickets by topic")),
        "families": bar_chart(families, title=_("Tickets by product family")) if families else "",
        "options": bar_chart(options, title=_("Complaints by configured choice"), label_width=240) if options else "",
        "repurchase": bar_chart(repurchase, title=_("Bought again after the survey, % of customers"), label_width=210),
    }


def _tables(context):
    """Each table of the page as (header, rows), for its CSV download."""
    weeks = [
        (
            w.start.date().isoformat(),
            w.opened,
            w.response_median,
            w.response_p90,
            w.resolution_median,
            w.resolution_p90,
            w.promise_due,
            w.promise_kept,
            w.hit_rate,
        )
        for w in context["weeks"]
    ]
    return {
        "weeks": (
            [
                "week",
                "opened",
                "response_median_h",
                "response_p90_h",
                "resolution_median_h",
                "resolution_p90_h",
                "promise_due",
                "promise_kept",
                "promise_kept_pct",
            ],
            weeks,
        ),
        "topics": (["topic", "tickets"], context["topics"]),
        "families": (["product_family", "tickets"], context["families"]),
        "options": (["option_value", "complaints"], context["options"]),
        "repurchase": (
            ["score", "customers", "bought_again", "bought_again_pct"],
            [(g.score, g.customers, g.bought_again, g.rate) for g in context["scores"]],
        ),
        "searches": (["search", "followed_by_a_ticket"], context["searches"].top_queries),
    }


FORMULA = ("=", "+", "-", "@")


def _csv(name, days, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="care-{name}-{days}-days.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    # A cell starting with = + - @ would be a formula in a spreadsheet: the searches are visitors' words.
    writer.writerows(
        [
            f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA) else ("" if cell is None else cell)
            for cell in row
        ]
        for row in rows
    )
    return response


@permissions_required(CARE_AGENTS)
def reports_page(request):
    days = _period(request)
    start = reports.since(days)
    weeks = reports.weekly(start)
    context = {
        "form": PeriodForm(initial={"days": days}),
        "days": days,
        "weeks": weeks,
        "topics": reports.by_topic(start),
        "families": reports.by_family(start),
        "options": reports.complaint_options(start),
        "scores": reports.repurchase_by_score(start),
        "searches": reports.searches_ending_in_tickets(start),
    }
    tables = _tables(context)
    if request.GET.get("csv") in tables:
        return _csv(request.GET["csv"], days, *tables[request.GET["csv"]])
    context["charts"] = _charts(weeks, context["topics"], context["families"], context["options"], context["scores"])
    return render(request, "care/dashboard/reports.html", context)
