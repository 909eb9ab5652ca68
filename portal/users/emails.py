"""One spelling per email address: how an address is stored, looked up and counted by the lockout.

"Ada@Example.com " and "ada@example.com" are the same customer to every mail system we send
to, so they are one account, one sign-in and one lockout counter. The whole address is
lower-cased, not only the domain as Oscar does: no provider we deliver to treats the local
part's case as a different mailbox, and a second account beside the first is the worse failure.
Python's `lower()` rather than `casefold()`, so it agrees with the database's LOWER() in
the unique constraint on `User.email`.
"""

from django.conf import settings


def canonical_email(address):
    """The stored and compared form of an address: trimmed and lower-cased."""
    return address.strip().lower()


def axes_username(request, credentials=None):
    """AXES_USERNAME_CALLABLE: the address a sign-in attempt is counted against, canonical.

    Without it a lockout was keyed on the text as typed, and every spelling of an address
    ("BEN@example.com", "Ben@Example.com") got five fresh guesses.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        # Oscar's EmailBackend also accepts the address as `email`; count that as the same person.
        typed = credentials.get(field) or credentials.get("email")
    else:
        typed = getattr(request, "data", request.POST).get(field)
    return canonical_email(typed) if isinstance(typed, str) else typed
