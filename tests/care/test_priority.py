import pytest

from care import priority


@pytest.mark.parametrize(
    ("topic", "complaint", "severity", "weight", "expected"),
    [
        (priority.NORMAL, False, "", 1, priority.NORMAL),
        (priority.NORMAL, False, "severe", 1, priority.NORMAL),  # severity counts only for complaints
        (priority.NORMAL, True, "minor", 1, priority.NORMAL),
        (priority.NORMAL, True, "major", 1, priority.HIGH),
        (priority.NORMAL, True, "severe", 1, priority.URGENT),
        (priority.NORMAL, False, "", 3, priority.HIGH),  # a tier with priority in the workshop
        (priority.HIGH, True, "severe", 3, priority.URGENT),  # capped
        (priority.LOW, False, "", 1, priority.LOW),
    ],
)
def test_priority_from_topic_severity_and_tier(topic, complaint, severity, weight, expected):
    assert (
        priority.ticket_priority(topic_priority=topic, is_complaint=complaint, severity=severity, tier_weight=weight)
        == expected
    )


def test_unknown_values_are_refused():
    with pytest.raises(ValueError, match="severity"):
        priority.ticket_priority(topic_priority=priority.NORMAL, is_complaint=True, severity="apocalyptic")
    with pytest.raises(ValueError, match="priority"):
        priority.ticket_priority(topic_priority=9, is_complaint=False)
