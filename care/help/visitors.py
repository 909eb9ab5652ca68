"""Who a visitor is, for votes and search records, without knowing who they are.

A random token is kept in the visitor's session and only its hash is stored. It survives signing
in (Django keeps an anonymous session's data when it cycles the key), so a shopper who votes
and then signs in does not get a second vote, and a later ticket can find their searches.
"""

import hashlib
import secrets

SESSION_KEY = "help:visitor"


def visitor_hash(request, *, create=True):
    """The hash naming this visitor; None when they have no token yet and `create` is False."""
    token = request.session.get(SESSION_KEY)
    if token is None:
        if not create:
            return None
        token = request.session[SESSION_KEY] = secrets.token_urlsafe(24)
    return hashlib.sha256(f"help-visitor:{token}".encode()).hexdigest()
