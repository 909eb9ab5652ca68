"""Stripe's test payment methods and card numbers, and what each one does on confirmation.

Server code uses the `pm_card_*` ids (Stripe warns against raw card numbers in API calls);
browser tests type the numbers from Stripe's testing page into the Stripe.js stub. Both map to
the same `TestCard`, so a test reads like Stripe's docs. As on Stripe, passing `pm_card_visa`
creates a fresh `pm_...` PaymentMethod, so code must not expect the magic id back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["succeed", "decline", "authenticate"]


@dataclass(frozen=True)
class TestCard:
    number: str
    brand: str
    outcome: Outcome
    code: str | None = None  # error.code on decline
    decline_code: str | None = None
    message: str | None = None
    funding: str = "credit"

    @property
    def last4(self) -> str:
        return self.number[-4:]


DECLINED = "Your card was declined."

VISA = TestCard("4242424242424242", "visa", "succeed")
VISA_DEBIT = TestCard("4000056655665556", "visa", "succeed", funding="debit")
MASTERCARD = TestCard("5555555555554444", "mastercard", "succeed")
AMEX = TestCard("378282246310005", "amex", "succeed")
GENERIC_DECLINE = TestCard("4000000000000002", "visa", "decline", "card_declined", "generic_decline", DECLINED)
INSUFFICIENT_FUNDS = TestCard(
    "4000000000009995", "visa", "decline", "card_declined", "insufficient_funds", "Your card has insufficient funds."
)
LOST_CARD = TestCard("4000000000009987", "visa", "decline", "card_declined", "lost_card", DECLINED)
EXPIRED = TestCard("4000000000000069", "visa", "decline", "expired_card", "expired_card", "Your card has expired.")
INCORRECT_CVC = TestCard(
    "4000000000000127", "visa", "decline", "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."
)
PROCESSING_ERROR = TestCard(
    "4000000000000119",
    "visa",
    "decline",
    "processing_error",
    "processing_error",
    "An error occurred while processing your card. Try again in a little bit.",
)
AUTHENTICATE_UNLESS_SET_UP = TestCard("4000002500003155", "visa", "authenticate")
ALWAYS_AUTHENTICATE = TestCard("4000002760003184", "visa", "authenticate")
THREE_D_SECURE_2 = TestCard("4000000000003220", "visa", "authenticate")

#: The magic PaymentMethod ids Stripe's test mode accepts in server-side calls.
PAYMENT_METHOD_TOKENS: dict[str, TestCard] = {
    "pm_card_visa": VISA,
    "pm_card_visa_debit": VISA_DEBIT,
    "pm_card_mastercard": MASTERCARD,
    "pm_card_amex": AMEX,
    "pm_card_chargeDeclined": GENERIC_DECLINE,
    "pm_card_visa_chargeDeclined": GENERIC_DECLINE,
    "pm_card_chargeDeclinedInsufficientFunds": INSUFFICIENT_FUNDS,
    "pm_card_visa_chargeDeclinedInsufficientFunds": INSUFFICIENT_FUNDS,
    "pm_card_chargeDeclinedLostCard": LOST_CARD,
    "pm_card_chargeDeclinedExpiredCard": EXPIRED,
    "pm_card_chargeDeclinedIncorrectCvc": INCORRECT_CVC,
    "pm_card_chargeDeclinedProcessingError": PROCESSING_ERROR,
    "pm_card_authenticationRequiredOnSetup": AUTHENTICATE_UNLESS_SET_UP,
    "pm_card_authenticationRequired": ALWAYS_AUTHENTICATE,
    "pm_card_threeDSecure2Required": THREE_D_SECURE_2,
}

#: Card numbers from Stripe's testing page, for the browser stub.
CARD_NUMBERS: dict[str, TestCard] = {card.number: card for card in {*PAYMENT_METHOD_TOKENS.values(), VISA, MASTERCARD}}

#: Stripe test mode refuses real card numbers; the fake does the same for any number it does not know.
NON_TEST_CARD_MESSAGE = (
    "Your card was declined. Your request was in test mode, but used a non test (live) card. "
    "For a list of valid test cards, visit: https://stripe.com/docs/testing."
)


def luhn_valid(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for i, digit in enumerate(reversed(number)):
        d = int(digit)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_for_number(number: str) -> TestCard:
    """The test card for a typed number; unknown valid numbers decline like Stripe's test mode."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if digits in CARD_NUMBERS:
        return CARD_NUMBERS[digits]
    return TestCard(digits, "unknown", "decline", "card_declined", "test_mode_live_card", NON_TEST_CARD_MESSAGE)
