from ..audit import TicketEvent


def record(ticket, kind, *, before="", after="", actor=None, actor_kind, note="", at=None):
    """One line of the audit trail; called inside the transaction that made the change."""
    fields = {"created": at} if at else {}
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        before=str(before)[:120],
        after=str(after)[:120],
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_kind=actor_kind,
        note=note[:255],
        **fields,
    )
