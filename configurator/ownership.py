"""Which designs a browser session made before its shopper signed in."""

SESSION_DESIGNS = "configurator_designs"


def session_designs(request):
    return request.session.get(SESSION_DESIGNS, [])


def remember_design(request, design):
    """Note an anonymous shopper's design in their session, to be claimed when they sign in."""
    if not request.user.is_authenticated:
        designs = session_designs(request)
        if str(design.uuid) not in designs:
            request.session[SESSION_DESIGNS] = [*designs, str(design.uuid)][-50:]
