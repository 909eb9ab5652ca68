"""The help centre's two requests beyond reading a page: a search and a vote (routes of the pages)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from . import selectors, services
from .visitors import visitor_hash

ANSWERS = {"yes": True, "no": False}


def search(request, index):
    query = selectors.clean_query(request.GET.get("q"))
    found = selectors.search_help(query)
    if query:
        services.record_search(query=query, results_count=found.count, visitor=visitor_hash(request))
    context = index.get_search_context(request, found)
    context["search_retention_days"] = settings.CARE_HELP_SEARCH_RETENTION_DAYS  # the privacy notice's promise
    return TemplateResponse(request, "help/search_results.html", context)


def vote(request, page):
    """POST `question` (its key; empty for a case article) and `helpful` (yes/no); CSRF-checked.

    Answers JSON to the page's script and a redirect back to the question to a plain form.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    helpful = ANSWERS.get(request.POST.get("helpful", ""))
    if helpful is None:
        return HttpResponseBadRequest(_("Answer yes or no."))
    question_key = request.POST.get("question", "")
    question = page.find_question(question_key)
    if question is None:
        raise Http404(_("There is no such question on this page."))
    services.cast_vote(page=page, question_key=question_key, visitor=visitor_hash(request), helpful=helpful)
    thanks = _("Thank you: glad it helped.") if helpful else _("Thank you. Sorry it did not help: see below for more.")
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"helpful": helpful, "message": thanks})
    messages.success(request, thanks)
    return redirect(f"{page.url}#{question.anchor}")
