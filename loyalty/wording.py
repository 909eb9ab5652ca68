"""What the texts editors write for customers (reminder messages, tier notices) have in common:
the languages they are written in, and placeholders refused by name when saving."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def language_choices():
    return settings.LANGUAGES


def check_placeholders(texts, unknown_in, known):
    """Refuse (ValidationError per field) a text naming a placeholder it cannot be given.

    `texts` maps a field to its words, `unknown_in(words)` lists the unknown names in them, and
    `known` are the names offered instead.
    """
    errors = {}
    for field, words in texts.items():
        unknown = unknown_in(words or "")
        if unknown:
            errors[field] = _("Unknown placeholder: %(names)s. Use one of: %(known)s.") % {
                "names": ", ".join("{" + name + "}" for name in unknown),
                "known": ", ".join("{" + name + "}" for name in known),
            }
    if errors:
        raise ValidationError(errors)
