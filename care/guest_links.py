"""A guest's way back to their ticket: a signed token in the link we e-mail them.

The token carries the ticket's reference signed with the site's key (django.core.signing,
its own salt), so it cannot be made up or altered, and a reference alone opens nothing: a
wrong or tampered token is a 404, the same as a ticket that does not exist.
"""

from django.core import signing
from django.urls import reverse

SALT = "care.guest-ticket"


def token_for(ticket):
    return signing.dumps(ticket.reference, salt=SALT)


def reference_in(token):
    """The reference the token was signed for, or None."""
    try:
        reference = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return reference if isinstance(reference, str) else None


def guest_path(ticket):
    return reverse("care:guest-ticket", kwargs={"token": token_for(ticket)})
