"""The customer's survey pages: from the reminder's signed link, or from the hub's order page.

Both load the order through selectors (the signed link's customer, or the signed-in owner) and
store through services.answer_survey; they differ only in how the customer is known.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import selectors, services
from .forms import SurveyForm
from .links import InvalidLink, read_token
from .models import HIGHEST, Source

LINK_WORDS = {
    "invalid": _("This link is not valid. Open the survey from your order in your account."),
    "expired": _("This link has expired. Open the survey from your order in your account."),
}


def _refused(request, message, status):
    return render(request, "surveys/refused.html", {"message": message}, status=status)


def _order_from_link(request, token):
    """(order, customer, None) for a good link, or (None, None, the refusal to return)."""
    try:
        number, user_id = read_token(token)
    except InvalidLink as error:
        return None, None, _refused(request, LINK_WORDS[error.reason], 400)
    order = selectors.order_for_link(number=number, user_id=user_id)
    if order is None:
        # An order since erased or given to no one: the same words as a forged link.
        return None, None, _refused(request, LINK_WORDS["invalid"], 400)
    if request.user.is_authenticated and request.user.pk != user_id:
        return (
            None,
            None,
            _refused(request, _("This survey was sent to another account. Sign out to answer it from the link."), 403),
        )
    return order, order.user, None


def _survey_page(request, *, order, customer, source, thanks_url):
    survey = selectors.survey_of(order)
    context = {"order": order, "highest": HIGHEST}
    if survey is not None:
        context["already"] = services.already_answered_message(survey)
        return render(request, "surveys/answer.html", context, status=409 if request.method == "POST" else 200)
    if not selectors.was_delivered(order):
        context["not_yet"] = _("Order %(number)s has not arrived yet: tell us once it has.") % {"number": order.number}
        return render(request, "surveys/answer.html", context)
    lines = selectors.lines_of(order)
    # Bound on every POST, an empty one too: nothing chosen is refused with words, not shown anew.
    form = SurveyForm(request.POST if request.method == "POST" else None, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_survey(
                order=order,
                user=customer,
                score=form.cleaned_data["score"],
                buy_again=form.cleaned_data["buy_again"],
                comment=form.cleaned_data["comment"],
                line_scores=form.line_scores(),
                source=source,
            )
        except services.AlreadyAnswered as refusal:
            context["already"] = str(refusal)
            return render(request, "surveys/answer.html", context, status=409)
        except services.SurveyRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect(thanks_url)
    context["form"] = form
    return render(request, "surveys/answer.html", context, status=400 if form.errors else 200)


def _thanks_page(request, *, order, customer, form_url):
    survey = selectors.survey_of(order)
    if survey is None:
        return redirect(form_url)
    context = {"order": order, "survey": survey, "highest": HIGHEST}
    if survey.wants_contact:
        context["topic"] = selectors.quality_topic()
    if survey.score == HIGHEST:
        context["review_products"] = selectors.reviewable_products(order=order, user=customer)
    return render(request, "surveys/thanks.html", context)


@never_cache
def answer(request, token):
    order, customer, refusal = _order_from_link(request, token)
    if refusal:
        return refusal
    thanks = reverse("surveys:thanks", kwargs={"token": token})
    return _survey_page(request, order=order, customer=customer, source=Source.LINK, thanks_url=thanks)


@never_cache
def thanks(request, token):
    order, customer, refusal = _order_from_link(request, token)
    if refusal:
        return refusal
    return _thanks_page(request, order=order, customer=customer, form_url=reverse("surveys:answer", args=[token]))


@login_required
@never_cache
def order_survey(request, number):
    order = selectors.order_for(user=request.user, number=number)
    thanks_url = reverse("surveys:order-thanks", kwargs={"number": order.number})
    return _survey_page(request, order=order, customer=request.user, source=Source.HUB, thanks_url=thanks_url)


@login_required
@never_cache
def order_thanks(request, number):
    order = selectors.order_for(user=request.user, number=number)
    form_url = reverse("surveys:order", kwargs={"number": order.number})
    return _thanks_page(request, order=order, customer=request.user, form_url=form_url)
