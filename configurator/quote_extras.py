"""Short lines other apps add under the live quote (for example "earn 120 points").

The configurator knows nothing of those apps: the portal, which composes them, registers a
provider here at start, as it does for the ship-date promise (`promise.register_provider`).
"""

_providers = []


def register_provider(provider):
    """`provider(*, request, product_id, total) -> str | None`: one line of text under the price."""
    if provider not in _providers:
        _providers.append(provider)


def extras_for(*, request, configuration):
    if not configuration.is_valid:
        return []
    lines = []
    for provider in _providers:
        text = provider(request=request, product_id=configuration.family.product_id, total=configuration.quote.total)
        if text:
            lines.append(text)
    return lines
