"""Oscar's customer app, forked for sign-up and sign-in (see docs/account-hub.md, "Signing up and in").

Only what changes lives here: the registration and login forms (normalised addresses, consent
choices), the mixin that signs a new customer in through django-axes, and the two views that
register. Everything else still comes from Oscar through get_class.
"""
