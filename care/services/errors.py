class TicketRefused(Exception):
    """A request the ticket cannot take (a reply to a closed ticket, an order that is not theirs).

    Its text is meant for the person who asked and is shown to them as it is.
    """


class StaleTicket(TicketRefused):
    """The ticket changed since the page was drawn (a double submit, two staff at once): nothing done."""
