"""Planners keep the plants: a name people read, and a code (a slug) no other plant has.

A plant's own fields plan nothing, so a change here bumps no plan revision and re-plans nothing;
its work centers and routings are what the plan reads.
"""

from django.db import IntegrityError, transaction

from ..models import Plant
from .audit import record_event
from .calendars import FactoryError


def _who(user):
    return user.get_full_name() or user.get_username()


def _code_taken(code, *, by):
    return FactoryError(f"The code “{code}” is taken by {by}; choose another.")


def add_plant(*, code, name, user):
    """A new plant. Refused (FactoryError, nothing created) when another plant has the code; two
    planners adding one code at once: the database's unique code refuses the second."""
    taken = Plant.objects.filter(code=code).first()
    if taken is not None:
        raise _code_taken(code, by=taken.name)
    try:
        with transaction.atomic():
            plant = Plant.objects.create(code=code, name=name)
            record_event(kind="plant", description=f"Plant {name} ({code}) added, by {_who(user)}", user=user)
    except IntegrityError:
        raise _code_taken(code, by="another plant") from None
    return plant


def rename_plant(*, plant, code, name, user):
    """Give the plant another name and code. Refused (nothing changed) when another plant has the
    code. Locks the plant row. Returns what changed, in words ([] for a save that changes nothing)."""
    with transaction.atomic():
        current = Plant.objects.select_for_update().get(pk=plant.pk)
        taken = Plant.objects.filter(code=code).exclude(pk=plant.pk).first()
        if taken is not None:
            raise _code_taken(code, by=taken.name)
        changes = [
            f"{field} {getattr(current, field)} → {value}"
            for field, value in (("name", name), ("code", code))
            if getattr(current, field) != value
        ]
        if changes:
            # Only these two fields: the plan revision is the re-plans' to bump, not ours.
            Plant.objects.filter(pk=plant.pk).update(code=code, name=name)
            record_event(
                kind="plant", description=f"Plant {current.name}: {'; '.join(changes)}, by {_who(user)}", user=user
            )
    plant.refresh_from_db()
    return changes
