"""Gift card codes tried, counted per account and per client address: a guesser is stopped long
before the codes' 97 bits could matter, and told the same thing for a wrong code as for a limit."""

from django.conf import settings

from configurator.throttling import RateLimit, client_address


def may_try_code(request):
    """Count one code tried by this request's client (and account); False once over the limit."""
    limit = RateLimit("wallet-code", settings.WALLET_CODE_RATE)
    allowed = limit.hit(f"address:{client_address(request)}")
    if request.user.is_authenticated:
        allowed = limit.hit(f"user:{request.user.pk}") and allowed
    return allowed
