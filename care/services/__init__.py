"""Care's writes. Each public function is one transaction and records what it changed in TicketEvent.

Views, tasks, the demo and the console call these; nothing else writes tickets.
"""

from .articles import draft_case_article, thank_case_customer
from .errors import StaleTicket, TicketRefused
from .opening import open_ticket
from .remakes import start_remake
from .replies import mark_seen, reply
from .workflow import assign, change_state, escalate

__all__ = [
    "StaleTicket",
    "TicketRefused",
    "assign",
    "change_state",
    "draft_case_article",
    "escalate",
    "mark_seen",
    "open_ticket",
    "reply",
    "start_remake",
    "thank_case_customer",
]
