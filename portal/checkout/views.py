"""Checkout views: Oscar's, with payment taken after the order is placed (see the package docstring)."""

import hashlib
import logging

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.apps.checkout import exceptions
from oscar.apps.checkout import views as oscar_views
from oscar.apps.payment.exceptions import PaymentError, UnableToTakePayment
from oscar.core.loading import get_model

from loyalty.ledger import PointsRefused
from loyalty.selectors.redemption import points_discount, redemption_options
from loyalty.services import holds as loyalty_holds
from loyalty.wallet import selectors as wallet_selectors
from loyalty.wallet.ledger import WalletRefused
from loyalty.wallet.services import checkout as wallet_checkout
from portal.order.ownership import allow_paying
from portal.payments import gateways
from portal.payments.money import to_minor
from portal.payments.services.payment_state import source_type

from . import delivery_slot

logger = logging.getLogger(__name__)
Source = get_model("payment", "Source")
WALLET_SOURCE = "Gift card and store credit"


class BasketLinesChecked:
    """Checkout stops at every step while a basket line cannot be ordered as it stands.

    Oscar's pre-condition of the same name, worded for what our lines can break (a quantity
    above the family's limit, a design today's rules refuse, a withdrawn product): the shopper
    goes back to the basket, where the line is flagged with a way to mend or remove it.
    """

    def check_basket_is_valid(self, request):
        problems = [
            _("%(title)s can’t be ordered as it is in your basket: %(problem)s")
            % {"title": line.product.get_title(), "problem": line.problem}
            for line in request.basket.problem_lines
        ]
        if problems:
            raise exceptions.FailedPreCondition(url=reverse("basket:summary"), messages=problems)


class IndexView(BasketLinesChecked, oscar_views.IndexView):
    def get_form_kwargs(self):
        # A returning customer signs in on this form; django-axes refuses an authenticate()
        # without the request, and Oscar's view passed none (a 500 instead of the next step).
        return {**super().get_form_kwargs(), "request": self.request}


class ShippingAddressView(BasketLinesChecked, oscar_views.ShippingAddressView):
    pass


class ShippingMethodView(BasketLinesChecked, oscar_views.ShippingMethodView):
    pass


class PaymentMethodView(BasketLinesChecked, oscar_views.PaymentMethodView):
    pass


UserAddressUpdateView = oscar_views.UserAddressUpdateView
UserAddressDeleteView = oscar_views.UserAddressDeleteView
ThankYouView = oscar_views.ThankYouView


def basket_fingerprint(basket):
    """Changes whenever a line, quantity or price changes: what the shopper reviewed."""
    parts = [f"{line.pk}:{line.quantity}:{line.line_price_incl_tax}" for line in basket.all_lines()]
    parts.append(str(basket.total_incl_tax))
    parts.append(str(wallet_selectors.wallet_total_for_basket(basket)))  # what gift cards pay, as reviewed
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


class PaymentDetailsView(BasketLinesChecked, oscar_views.PaymentDetailsView):
    def get_skip_conditions(self, request):
        if not self.preview:
            # Card details are taken on the pay page, after the order exists.
            return ["skip_to_preview"]
        return super().get_skip_conditions(request)

    def skip_to_preview(self, request):
        raise exceptions.PassedSkipCondition(url=reverse("checkout:preview"))

    def render_payment_details(self, request, **kwargs):
        # There is no payment details page (see get_skip_conditions): an order refused at
        # placement, e.g. for points changed in another window, is shown on the review page.
        return self.render_preview(request, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["basket_fingerprint"] = basket_fingerprint(self.request.basket)
        context["gateway_test_mode"] = gateways.gateway().test_mode
        context["points_options"] = redemption_options(user=self.request.user, basket=self.request.basket)
        context["wallet_options"] = wallet_selectors.checkout_options(
            user=self.request.user, basket=self.request.basket
        )
        if context.get("order_total") is not None:
            context["pay_by_card"] = context["order_total"].incl_tax - context["wallet_options"].total
        context["delivery_slot_form"] = delivery_slot.slot_form(self.request.basket)
        return context

    def handle_place_order_submission(self, request):
        # Another tab may have changed the basket since this page was shown: the shopper
        # must confirm what they are paying for, never a total they have not seen.
        if request.POST.get("basket_fingerprint") != basket_fingerprint(request.basket):
            messages.warning(
                request, _("Your basket changed since you reviewed it. Please check it and confirm again.")
            )
            return redirect("checkout:preview")
        refusal, self.delivery_slot_id = delivery_slot.chosen_slot(request)
        if refusal is not None:
            return refusal
        return super().handle_place_order_submission(request)

    def handle_payment(self, order_number, total, **kwargs):
        # A large item's delivery slot is booked first: a slot filled meanwhile refuses the order
        # before points are attached or a payment exists.
        try:
            delivery_slot.book(getattr(self, "delivery_slot_id", None), order_number)
        except delivery_slot.SlotRefused as refused:
            raise UnableToTakePayment(" ".join(refused.messages)) from refused
        # Points chosen for this basket now belong to the order; a hold that no longer fits
        # the basket is released and the shopper chooses again, before any payment exists.
        try:
            loyalty_holds.attach_hold_to_order(
                basket=self.request.basket,
                order_number=order_number,
                discount=points_discount(self.request.basket),
            )
        except PointsRefused as refused:
            # Oscar shows this one's message (a PaymentError would show a generic "problem").
            raise UnableToTakePayment(str(refused)) from refused
        # Gift cards and store credit set aside for the basket pay their part; the card the rest.
        try:
            by_wallet = wallet_checkout.attach_to_order(
                basket=self.request.basket, order_number=order_number, total=total.incl_tax
            )
        except WalletRefused as refused:
            raise UnableToTakePayment(str(refused)) from refused
        by_card = total.incl_tax - by_wallet
        gateway = gateways.gateway()
        try:
            state = gateway.create_payment(
                order_number=order_number,
                amount=to_minor(by_card, total.currency),
                currency=total.currency,
                email=self.get_order_email(),
            )
        except gateways.GatewayUnavailable as error:
            raise PaymentError(str(error)) from error
        self.add_payment_source(
            Source(
                source_type=source_type(gateway.name),
                currency=total.currency,
                amount_allocated=by_card,
                reference=state.reference,
            )
        )
        if by_wallet:
            self.add_payment_source(
                Source(
                    source_type=source_type(WALLET_SOURCE),
                    currency=total.currency,
                    amount_allocated=by_wallet,
                    reference=order_number,
                )
            )

    def get_order_email(self):
        if self.request.user.is_authenticated:
            return self.request.user.email
        return self.checkout_session.get_guest_email() or ""

    def handle_successful_order(self, order):
        # The confirmation email is sent when payment is confirmed, with the invoice attached.
        self.checkout_session.flush()
        self.request.session["checkout_order_id"] = order.id
        allow_paying(self.request, order)
        response = redirect("checkout:pay", number=order.number)
        self.send_signal(self.request, response, order)
        return response
