from dataclasses import dataclass
from decimal import Decimal

from django import template

from portal.payments import selectors
from portal.payments.dashboard import RefundForm

register = template.Library()


@dataclass
class PaymentPanel:
    source: object
    paid: Decimal
    refunded: Decimal
    refundable: Decimal
    form: RefundForm


@register.simple_tag
def order_payment_panel(order):
    source = selectors.card_source(order)
    paid = source.amount_debited if source else Decimal("0.00")
    refunded = source.amount_refunded if source else Decimal("0.00")
    return PaymentPanel(source, paid, refunded, paid - refunded, RefundForm())
