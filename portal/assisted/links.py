"""The pay link of an assisted basket: its id and nonce, signed with the secret key.

Signed rather than stored hashed so staff can be shown the link again; the nonce (128 random
bits) makes it unguessable, the signature makes it unforgeable without the secret key, and
the basket's row says whether it is still good (sent, not expired, not replaced).
"""

from django.contrib.sites.models import Site
from django.core import signing
from django.urls import reverse

SALT = "portal.assisted.pay-link"


def token_for(assisted):
    return signing.Signer(salt=SALT).sign(f"{assisted.pk}.{assisted.nonce}")


def read_token(token):
    """(basket id, nonce) from a token; None if it was altered or is not one of ours."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    pk, _dot, nonce = value.partition(".")
    if not pk.isdigit() or not nonce:
        return None
    return int(pk), nonce


def pay_path(assisted):
    return reverse("assisted:pay", kwargs={"token": token_for(assisted)})


def pay_url(assisted):
    """The absolute link for the e-mail, on the site's domain (as care's ticket links are)."""
    return f"https://{Site.objects.get_current().domain}{pay_path(assisted)}"
