"""Customer care's data. Each idea has its own module; Django finds the models here."""

from .audit import EventKind, TicketEvent
from .canned import CannedReply
from .claims.models import Claim, ClaimEvent, ClaimKind, ClaimStep, Decision
from .remake import Remake, RemakeKind
from .thread import Author, TicketAttachment, TicketMessage
from .ticket import ACTIVE_STATES, TRANSITIONS, Channel, Severity, State, Ticket
from .topic import Topic

__all__ = [
    "ACTIVE_STATES",
    "TRANSITIONS",
    "Author",
    "CannedReply",
    "Channel",
    "Claim",
    "ClaimEvent",
    "ClaimKind",
    "ClaimStep",
    "Decision",
    "EventKind",
    "Remake",
    "RemakeKind",
    "Severity",
    "State",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "TicketMessage",
    "Topic",
]
