"""The value-classes page (/dashboard/analytics/value-classes/): how many customers each class
holds and what they bring, the concentration curve with the 80/20 and 4/80 figures, who moved in
the last 30 days, the rules (saved for the next nightly run, or run now), and each class's
customers as a list and a CSV. Reads are analytics.selectors.value_classes'."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from oscar.views.decorators import permissions_required

from loyalty.charts import bar_chart
from loyalty.models import ValueClass

from .. import tasks
from ..access import ANALYSTS
from ..charts import concentration_curve
from ..selectors import value_classes as selectors
from ..value_classes import concentration
from .export import csv_response
from .value_class_forms import ValueClassRulesForm

MEMBERS_SHOWN = 100  # on the page; the CSV has everyone
NIGHTLY_AT = "02:20"  # CELERY_BEAT_SCHEDULE["analytics-value-classes"]


@permissions_required(ANALYSTS)
@require_http_methods(["GET", "POST"])
def value_classes_page(request):
    rules = selectors.current_rules()
    form = ValueClassRulesForm(instance=rules)
    if request.method == "POST":
        if request.POST.get("action") == "recompute":
            transaction.on_commit(tasks.reclassify_customers.delay)
            messages.success(request, _("The classes are being computed again; reload this page in a minute."))
            return redirect("analytics-dashboard:value-classes")
        form = ValueClassRulesForm(request.POST, instance=rules)
        if form.is_valid():
            form.instance.updated_by = request.user
            form.save()
            messages.success(
                request,
                _("Rules saved. They apply from the next nightly run (%(at)s), or now with “Recompute now”.")
                % {"at": NIGHTLY_AT},
            )
            return redirect("analytics-dashboard:value-classes")
    period = selectors.twelve_months()
    figures = selectors.customer_figures(period)
    rows = selectors.class_rows(figures)
    spread = concentration(selectors.buying_contributions(figures))
    context = {
        "form": form,
        "rules": rules,
        "period": period,
        "rows": rows,
        "spread": spread,
        "nightly_at": NIGHTLY_AT,
        "class_chart": bar_chart(
            [(row.label, row.customers) for row in rows], title=_("Customers by value class"), label_width=110
        ),
        "curve": concentration_curve(
            spread.curve,
            title=_("Concentration of the 12-month contribution"),
            description=_(
                "The curve climbs steeply where a few customers bring most of the contribution; the dashed "
                "diagonal is an even spread. The figures beside the chart say how much the top 4% and 20% bring."
            ),
            marks=[(0.04, _("Top 4%"), spread.top_4_share), (0.2, _("Top 20%"), spread.top_20_share)],
        ),
        "movement": selectors.movement(days=30),
        "movers": selectors.movers(days=30),
    }
    return render(request, "analytics/dashboard/value_classes.html", context)


@permissions_required(ANALYSTS)
def class_customers(request, code):
    """One class's customers, the largest contribution first; ?csv=1 for everyone as a CSV."""
    if code not in ValueClass.values:
        raise Http404("No such value class")
    members = selectors.class_members(code, selectors.customer_figures(selectors.twelve_months()))
    if request.GET.get("csv"):
        return csv_response(
            f"value-class-{code}.csv",
            ["email", "name", "tier", "segment", "contribution_12m", "orders_12m", "in_class_since", "reason"],
            [
                [m.email, m.name, m.tier, m.segment, m.contribution, m.orders, m.since.isoformat() if m.since else "",
                 m.reason]
                for m in members
            ],
        )  # fmt: skip
    context = {
        "code": code,
        "label": ValueClass(code).label,
        "members": members[:MEMBERS_SHOWN],
        "count": len(members),
        "shown": MEMBERS_SHOWN,
    }
    return render(request, "analytics/dashboard/value_class_customers.html", context)
