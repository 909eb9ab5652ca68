from decimal import ROUND_HALF_UP, Decimal

ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW", "VND"}  # amounts Stripe takes without minor units


def to_minor(amount, currency="GBP"):
    """Decimal money to the integer minor units gateways use (pence for GBP)."""
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return int((Decimal(amount) * (10**exponent)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor(amount, currency="GBP"):
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return (Decimal(amount) / (10**exponent)).quantize(Decimal(1) / (10**exponent))
