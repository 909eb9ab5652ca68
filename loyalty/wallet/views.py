"""The gift card page, the hub's wallet page, the checkout's gift card and store credit box, and
the staff page that gives store credit."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from oscar.views.decorators import permissions_required

from .access import STORE_CREDIT_ISSUERS
from .forms import CodeForm, GiftCardForm, StoreCreditForm
from .ledger import WalletRefused
from .models import WalletEntry
from .purchase import limits
from .selectors import entries_for, wallet_for
from .services import cards, checkout, product
from .throttling import may_try_code

TOO_MANY = _("Too many gift card codes tried. Please wait an hour and try again, or contact us.")


@require_http_methods(["GET", "POST"])
def buy(request):
    """Choose a gift card (amount, recipient, message, day) and add it to the basket."""
    form = GiftCardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        product.add_gift_card_to_basket(basket=request.basket, choice=form.cleaned_data["choice"])
        messages.success(request, _("The gift card is in your basket."))
        return redirect("basket:summary")
    least, most = limits()
    context = {"form": form, "least": least, "most": most, "months": settings.WALLET_GIFT_CARD_MONTHS}
    return render(request, "wallet/buy.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def balance(request):
    """The signed-in customer's store credit and gift cards, their history, and a box to add a card."""
    form = CodeForm()
    if request.method == "POST":
        form = CodeForm(request.POST)
        if not may_try_code(request):
            messages.error(request, TOO_MANY)
        elif form.is_valid():
            try:
                card = cards.add_card_to_wallet(user=request.user, code=form.cleaned_data["code"])
            except WalletRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(
                    request, _("%(card)s is in your wallet: £%(balance)s.") % {"card": card, "balance": card.balance}
                )
                return redirect("wallet:balance")
        else:
            messages.error(request, checkout.NO_SUCH_CARD)
    page = Paginator(entries_for(user=request.user), 25).get_page(request.GET.get("page"))
    context = {
        "wallet": wallet_for(user=request.user),
        "entries": page,
        "page_obj": page,
        "form": form,
        "active_tab": "wallet",
        "page_title": _("Wallet"),  # Oscar's account pages put it in the title and the breadcrumb
    }
    return render(request, "wallet/balance.html", context)


@require_POST
def redeem(request):
    """At checkout: a typed code, the customer's own credit or card (value), or removing a hold.
    Every answer is a message on the review page; nothing is changed by a refused one."""
    target = request.POST.get("next") or "/checkout/preview/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/checkout/preview/"
    action = request.POST.get("action")
    try:
        if action == "remove":
            checkout.release_hold(basket=request.basket, hold_id=_number(request.POST.get("hold")))
            messages.info(request, _("It will not be used on this order."))
            return redirect(target)
        if action == "use" and request.user.is_authenticated:
            hold = checkout.hold_stored_value(
                user=request.user, basket=request.basket, value_id=_number(request.POST.get("value")),
                amount=request.POST.get("amount") or None,
            )  # fmt: skip
        else:
            if not may_try_code(request):
                messages.error(request, TOO_MANY)
                return redirect(target)
            form = CodeForm(request.POST)
            if not form.is_valid():
                raise WalletRefused(checkout.NO_SUCH_CARD)
            hold = checkout.hold_gift_card(
                basket=request.basket, code=form.cleaned_data["code"], amount=form.cleaned_data["amount"] or None
            )
    except WalletRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, _("%(value)s pays £%(amount)s of this order.") % {"value": hold.value, "amount": hold.amount}
        )
    return redirect(target)


def _number(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


@permissions_required(STORE_CREDIT_ISSUERS)
@require_http_methods(["GET", "POST"])
def issue_credit(request):
    """Staff give a customer store credit with a reason, optionally for a claim or an order."""
    form = StoreCreditForm(request.POST or None, initial={"reference": request.GET.get("reference", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = cards.issue_store_credit(
                form.customer, data["amount"], data["reason"], data["reference"], by=request.user, key=data["key"]
            )
        except WalletRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("£%(amount)s store credit given to %(email)s.") % {"amount": entry.amount, "email": data["email"]},
            )
            return redirect("wallet-dashboard:credit")
    recent = WalletEntry.objects.filter(kind=WalletEntry.Kind.CREDIT).select_related("value__holder", "created_by")[:50]
    return render(request, "wallet/dashboard/credit.html", {"form": form, "recent": recent})
