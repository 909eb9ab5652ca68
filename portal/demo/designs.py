"""Saved designs the demo shoppers come back to in their account hub."""

from django.contrib.auth import get_user_model

from configurator import services as configurator_services
from configurator.models import SavedDesign

DESIGNS = [
    ("ada@example.com", "Studio sofa, three modules", "modular-sofa", {"modules": 3, "width": 220, "fabric": "moss"}),
    ("ada@example.com", "Clay fridge for the cottage", "atelier-fridge", {"hinge": "right", "finish": "clay"}),
    ("ben@example.com", "Band tote", "printed-tote", {"print_text": "The Wharf Street Band", "ink": "clay"}),
]


def load_designs():
    created = 0
    users = {user.email: user for user in get_user_model().objects.filter(email__in={row[0] for row in DESIGNS})}
    for email, name, family_slug, values in DESIGNS:
        owner = users.get(email)
        if owner is None or SavedDesign.objects.filter(owner=owner, name=name).exists():
            continue
        configurator_services.save_design(family_slug=family_slug, values=values, owner=owner, name=name)
        created += 1
    return created
