"""The production profile refuses to start without Stripe's three settings, as docs/operations.md says."""

import pytest

from tests.portal.test_security import _run

STRIPE = {
    "STRIPE_SECRET_KEY": "sk_test_placeholder",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_placeholder",
    "STRIPE_WEBHOOK_SECRET": "whsec_placeholder",
}


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"STRIPE_SECRET_KEY": ""}, "STRIPE_SECRET_KEY"),
        ({"STRIPE_PUBLISHABLE_KEY": ""}, "STRIPE_PUBLISHABLE_KEY"),
        ({"STRIPE_WEBHOOK_SECRET": ""}, "STRIPE_WEBHOOK_SECRET"),
        (
            {"STRIPE_WEBHOOK_SECRET": "placeholder"},
            "STRIPE_WEBHOOK_SECRET must be set in production and start with whsec_",
        ),
        ({"STRIPE_SECRET_KEY": "pk_test_placeholder"}, "STRIPE_SECRET_KEY must be set in production"),
        ({"STRIPE_SECRET_KEY": "sk_live_placeholder"}, "both be live keys or both test keys"),
    ],
    ids=[
        "no secret key",
        "no publishable key",
        "no webhook secret",
        "not a webhook secret",
        "a publishable key as secret",
        "live and test mixed",
    ],
)
def test_production_refuses_to_start_without_stripe(overrides, named):
    result = _run(["manage.py", "check"], {**STRIPE, **overrides})

    assert result.returncode != 0
    assert named in result.stderr


def test_production_starts_with_stripe_configured():
    result = _run(["manage.py", "check"], STRIPE)

    assert result.returncode == 0, result.stderr
