"""RFM scoring and the value segments, as plain data: the nightly SQL and the per-customer path
both come from here, so they cannot disagree. No Django.

Scores are 1..5 against fixed thresholds staff can read (not quintiles that move every night):
recency in days since the last purchase, frequency as the number of purchases, monetary as
the spend over the last 12 months.
"""

from dataclasses import dataclass
from decimal import Decimal

# (score, the value must be at least/at most this). Checked top to bottom; the last is the floor.
RECENCY_DAYS = ((5, 30), (4, 90), (3, 180), (2, 365))  # at most N days ago, else 1
FREQUENCY = ((5, 10), (4, 5), (3, 3), (2, 2))  # at least N purchases, else 1
MONETARY = ((5, Decimal("3000")), (4, Decimal("1200")), (3, Decimal("400")), (2, Decimal("100")))  # at least £

NEW_CUSTOMER_DAYS = 60


@dataclass(frozen=True)
class Scores:
    recency: int
    frequency: int
    monetary: int

    @property
    def code(self):
        return f"{self.recency}{self.frequency}{self.monetary}"


def recency_score(days):
    for score, limit in RECENCY_DAYS:
        if days <= limit:
            return score
    return 1


def frequency_score(count):
    for score, limit in FREQUENCY:
        if count >= limit:
            return score
    return 1


def monetary_score(amount):
    for score, limit in MONETARY:
        if amount >= limit:
            return score
    return 1


def segment(*, orders, days_since_last, days_since_first, spend_12m):
    """The value segment of one customer (the same rule as `segment_sql`)."""
    if orders == 0:
        return "potential", None
    s = Scores(recency_score(days_since_last), frequency_score(orders), monetary_score(spend_12m))
    if orders == 1 and days_since_first <= NEW_CUSTOMER_DAYS:
        return "new", s
    if s.recency >= 4 and s.frequency >= 4 and s.monetary >= 4:
        return "champions", s
    if s.recency >= 3 and s.frequency >= 3 and s.monetary >= 3:
        return "loyal", s
    if s.recency <= 2 and (s.frequency >= 2 or s.monetary >= 3):
        return "at_risk", s
    return "ordinary", s


def _case(column, thresholds, compare):
    whens = " ".join(f"WHEN {column} {compare} {limit} THEN {score}" for score, limit in thresholds)
    return f"(CASE {whens} ELSE 1 END)"


def score_sql(*, recency_days, frequency, monetary):
    """SQL expressions for the three scores, given SQL expressions for the raw values."""
    return (
        _case(recency_days, RECENCY_DAYS, "<="),
        _case(frequency, FREQUENCY, ">="),
        _case(monetary, MONETARY, ">="),
    )


def segment_sql(*, orders, recency_days, first_days, spend, r, f, m):
    """The same rule as `segment`, as one SQL CASE over column expressions."""
    return (
        "(CASE "
        f"WHEN {orders} = 0 THEN 'potential' "
        f"WHEN {orders} = 1 AND {first_days} <= {NEW_CUSTOMER_DAYS} THEN 'new' "
        f"WHEN {r} >= 4 AND {f} >= 4 AND {m} >= 4 THEN 'champions' "
        f"WHEN {r} >= 3 AND {f} >= 3 AND {m} >= 3 THEN 'loyal' "
        f"WHEN {r} <= 2 AND ({f} >= 2 OR {m} >= 3) THEN 'at_risk' "
        "ELSE 'ordinary' END)"
    )
