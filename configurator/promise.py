"""When could a configuration ship? The promise shown next to the price.

By default: today plus the configuration's lead time in working days. The production app
knows better (its plan and capacity); the portal, which composes the apps, registers its
capable-to-promise estimate here at start, so this app never imports production.
"""

from datetime import date, timedelta

from django.utils import timezone

_provider = None


def register_provider(provider):
    """`provider(family_slug=..., values=..., lead_days=..., start=..., quantity=...) -> date | None`;
    None falls back to the lead time alone."""
    global _provider
    _provider = provider


def add_working_days(start, days):
    """`days` working days (Monday to Friday) after `start`."""
    current = start
    remaining = max(0, int(days))
    while remaining:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def estimate_ship_date(*, family_slug, values, lead_days, start: date | None = None, quantity: int = 1):
    start = start or timezone.localdate()
    if _provider is not None:
        estimate = _provider(
            family_slug=family_slug, values=values, lead_days=lead_days, start=start, quantity=quantity
        )
        if estimate is not None:
            return estimate
    return add_working_days(start, lead_days)
