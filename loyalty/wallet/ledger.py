"""Posting to the wallet's ledger: the only code that changes a gift card's or store credit's balance.

Every caller holds the balance row locked (`locked_value`, `locked_store_credit`) inside a
transaction (loyalty.bookkeeping); the check constraint on the balance is the last line of defence.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from loyalty.bookkeeping import lock_or_create

from .models import StoredValue, WalletEntry

CENT = Decimal("0.01")


class WalletRefused(Exception):
    """A clear, customer- or staff-readable reason why money was not moved."""


def amount_of(value, *, least=CENT, most=None, what="The amount"):
    """A positive Decimal of pounds and pence from a form or a caller, refusing anything else."""
    if isinstance(value, bool) or value is None:
        raise WalletRefused(f"{what} must be a sum of money.")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise WalletRefused(f"{what} must be a sum of money.") from error
    if not number.is_finite() or number != number.quantize(CENT, rounding=ROUND_HALF_UP):
        raise WalletRefused(f"{what} must be a sum of money in pounds and pence.")
    number = number.quantize(CENT)
    if number < least:
        raise WalletRefused(f"{what} must be at least £{least}.")
    if most is not None and number > most:
        raise WalletRefused(f"{what} must be at most £{most}.")
    return number


def locked_value(pk):
    """A gift card's or store credit's row, locked until the transaction ends."""
    return StoredValue.objects.select_for_update().get(pk=pk)


def locked_store_credit(user_id):
    """The customer's store credit row, opened at nothing if they have none, locked."""
    return lock_or_create(StoredValue, holder_id=user_id, kind=StoredValue.Kind.STORE_CREDIT)


def post(value, *, kind, amount, reason, key, reference="", created_by=None):
    """Add one ledger row and move the balance with it; refused if it would go below zero.
    `value` must be locked. Returns the entry."""
    balance = value.balance + amount
    if balance < 0:
        raise WalletRefused(f"Only £{value.balance} is left: £{-amount} cannot be taken.")
    entry = WalletEntry.objects.create(
        value=value,
        kind=kind,
        amount=amount,
        reason=reason[:255],
        reference=str(reference)[:64],
        idempotency_key=key,
        created_by=created_by,
    )
    value.balance = balance
    value.save(update_fields=["balance"])
    return entry
