"""Surveys in the care console: the average score per month and the latest answers, for care agents."""

from django.core.paginator import Paginator
from django.shortcuts import render
from oscar.views.decorators import permissions_required

from ...access import CARE_AGENTS
from .. import selectors
from ..models import HIGHEST

PAGE_SIZE = 50


@permissions_required(CARE_AGENTS)
def survey_list(request):
    page = Paginator(selectors.latest_surveys(), PAGE_SIZE).get_page(request.GET.get("page"))
    # Item 7's charts read the same rows (selectors.monthly_scores); this page shows them as a table.
    context = {"months": list(selectors.monthly_scores()[:24]), "page": page, "highest": HIGHEST}
    return render(request, "surveys/dashboard/list.html", context)
