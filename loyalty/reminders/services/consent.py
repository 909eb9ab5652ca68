"""A customer's reminder choices, and the evidence of what they were asked and answered."""

from django.db import transaction
from django.utils import timezone

from ..models import Channel, ConsentRecord, ReminderConsent, ReminderSend, Trigger


def set_consent(*, user, trigger, channel, allowed, source="preferences"):
    """Record one choice; idempotent (the last choice wins)."""
    ReminderConsent.objects.update_or_create(
        user=user, trigger=trigger, channel=channel, defaults={"allowed": allowed, "source": source}
    )


def record_consent(*, user, allowed, wording, source, asked=None, now=None):
    """Record a customer's answer to a consent question: the choices it set, and the evidence.

    `asked` is the set of (trigger, channel) pairs the question was about (every pair unless
    said: registration and the preferences page ask about all; an unsubscribe link about one
    type) and `allowed` the pairs ticked; every other pair asked about is recorded as refused,
    so an unticked box is never read as the no-row default (allowed). One transaction writes
    the choices and a `ConsentRecord` with the time, the exact `wording` shown and the answers.
    An unknown pair, or one allowed but not asked, is a programming error and raises
    `ValueError` before anything is written.
    """
    pairs = [(trigger, channel) for trigger in Trigger.values for channel in Channel.values]
    asked = set(pairs) if asked is None else set(asked)
    unknown = (set(allowed) | asked) - set(pairs)
    if unknown:
        raise ValueError(f"Unknown reminder type or channel: {sorted(unknown)}")
    if not set(allowed) <= asked:
        raise ValueError(f"Allowed but not asked: {sorted(set(allowed) - asked)}")
    answers = {}
    for trigger, channel in pairs:
        if (trigger, channel) in asked:
            answers.setdefault(trigger, {})[channel] = (trigger, channel) in allowed
    with transaction.atomic():
        for trigger, channels in answers.items():
            for channel, is_allowed in channels.items():
                set_consent(user=user, trigger=trigger, channel=channel, allowed=is_allowed, source=source)
        return ConsentRecord.objects.create(
            user=user, source=source, recorded_at=now or timezone.now(), wording=wording, choices=answers
        )


def save_preferences(*, user, allowed, wording):
    """The preferences page's answer: every (trigger, channel) choice at once (`allowed`, a set of
    pairs), recorded with the page's `wording` as a `ConsentRecord`, one per save."""
    return record_consent(user=user, allowed=allowed, wording=wording, source=ConsentRecord.Source.PREFERENCES)


def unsubscribe(*, user_id, trigger, wording):
    """The unsubscribe link: this reminder type stops on every channel, recorded with `wording`
    (what the customer was shown) as a `ConsentRecord`. Idempotent: a type already stopped on
    every channel changes nothing and records nothing (a second click, a mail program's retry).

    A link kept after its customer's account was erased changes nothing (there is nothing to stop).
    Returns the record, or None when nothing changed.
    """
    users = ReminderSend._meta.get_field("user").related_model.objects
    with transaction.atomic():
        # The customer's row is the lock: two clicks at once record one withdrawal.
        user = users.select_for_update().filter(pk=user_id).first()
        if user is None:
            return None
        refused = set(
            ReminderConsent.objects.filter(user=user, trigger=trigger, allowed=False).values_list("channel", flat=True)
        )
        if refused >= set(Channel.values):
            return None
        return record_consent(
            user=user,
            allowed=set(),
            wording=wording,
            source=ConsentRecord.Source.UNSUBSCRIBE,
            asked={(trigger, channel) for channel in Channel.values},
        )
