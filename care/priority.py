"""A ticket's priority from its topic, the complaint's severity and the customer's tier: pure Python.

The topic sets the floor (a payment question starts higher than a general one). A complaint
raises it by its severity: a scratch by nothing, a fault by one step, something unusable or
unsafe by two. A customer whose tier earns priority in the workshop (tier weight above 1)
is answered one step sooner too. Nothing goes above urgent.
"""

LOW, NORMAL, HIGH, URGENT = 1, 2, 3, 4
LABELS = {LOW: "Low", NORMAL: "Normal", HIGH: "High", URGENT: "Urgent"}

# Severity of a complaint, as the customer tells it; each names how many steps it raises.
NONE, MINOR, MAJOR, SEVERE = "", "minor", "major", "severe"
SEVERITY_STEPS = {NONE: 0, MINOR: 0, MAJOR: 1, SEVERE: 2}


def ticket_priority(*, topic_priority: int, is_complaint: bool, severity: str = NONE, tier_weight: int = 1) -> int:
    """The priority (LOW..URGENT) a new ticket gets."""
    if topic_priority not in LABELS:
        raise ValueError(f"unknown priority {topic_priority!r}")
    if severity not in SEVERITY_STEPS:
        raise ValueError(f"unknown severity {severity!r}")
    priority = topic_priority
    if is_complaint:
        priority += SEVERITY_STEPS[severity]
    if tier_weight > 1:
        priority += 1
    return min(priority, URGENT)


def escalated(priority: int) -> int:
    """One step up, for a ticket sent to the experts (urgent stays urgent)."""
    return min(priority + 1, URGENT)
