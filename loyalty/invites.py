"""What the invite link and the registration form share: where the code waits in the session
between them, and the rate limit on looking codes up (per client address, both places counted
together), so codes cannot be guessed by trying many."""

from django.conf import settings

from configurator.throttling import RateLimit, client_address

SESSION_KEY = "referral_code"
DEFAULT_RATE = "20/h"


def code_lookup_limit():
    """`REFERRAL_CODE_RATE` lookups per client address ("20/h" unless set)."""
    return RateLimit("referral-code", getattr(settings, "REFERRAL_CODE_RATE", DEFAULT_RATE))


def lookup_allowed(request):
    """Count one code lookup for the client; False once past the limit."""
    return code_lookup_limit().hit(client_address(request))
