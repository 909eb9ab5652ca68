"""Value classes, the rule: who is premium, major, ordinary, restricted or potential from their
12-month figures, and how concentrated the contribution is (the 80/20 and 4/80 figures).

Pure Python, no Django: the nightly run (analytics.reclassify) feeds it every customer's figures
and writes what it says; the tests feed it a known distribution.

The rule, in order
1. Never bought (no paid order, in 12 months or before): potential.
2. Contributed less than nothing over 12 months: restricted.
3. From `abuse_min_orders` orders in 12 months, a refund rate (refunds / revenue as paid, in per
   cent) or a complaint rate (complaints per 100 orders) strictly above its limit: restricted.
   Below that many orders a single refund or complaint says too little, so the limits wait.
4. Bought before but not in the last 12 months: ordinary (nothing to rank them by).
5. The others, the ranked customers, by contribution, the largest first: the customers ranked
   above one make less than `premium_percent` of them → premium (so ceil(n × premium%) seats),
   less than `major_percent` → major, else ordinary. Premium and major need a contribution above
   zero: a customer who brought nothing is never in the top.

Ties at a cut: customers with the same contribution always share a class. When a group of equal
contributions straddles a cut, the whole group goes up, so a class may hold a few more customers
than its seats; the order of user ids never decides anything.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

PREMIUM, MAJOR, ORDINARY, RESTRICTED, POTENTIAL = "premium", "major", "ordinary", "restricted", "potential"
CLASSES = (PREMIUM, MAJOR, ORDINARY, RESTRICTED, POTENTIAL)  # loyalty.models.ValueClass's codes, best first
ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Rules:
    premium_percent: Decimal = Decimal(4)
    major_percent: Decimal = Decimal(20)
    refund_rate_limit: Decimal = Decimal(50)
    complaint_rate_limit: Decimal = Decimal(50)
    abuse_min_orders: int = 2


@dataclass(frozen=True)
class Figures:
    """One customer's 12 months."""

    user_id: int
    contribution: Decimal = ZERO
    orders: int = 0  # paid orders in 12 months
    paid: Decimal = ZERO  # revenue as paid (after discounts and points), excl. tax
    refunds: Decimal = ZERO  # excl. tax
    complaints: int = 0  # complaint tickets opened in 12 months
    bought_before: bool = False  # a paid order before the 12 months

    @property
    def refund_rate(self):
        """Per cent of the revenue refunded; None without revenue (nothing to refund)."""
        if self.paid <= 0:
            return None if self.refunds <= 0 else HUNDRED
        return self.refunds * HUNDRED / self.paid

    @property
    def complaint_rate(self):
        """Complaints per 100 orders; None without orders."""
        return None if not self.orders else Decimal(self.complaints) * HUNDRED / self.orders


@dataclass(frozen=True)
class Verdict:
    user_id: int
    value_class: str
    reason: str
    contribution: Decimal
    orders: int


def seats(count, percent):
    """How many of `count` ranked customers are within the top `percent`: those with fewer than
    `percent` % of the customers ranked above them."""
    return min(count, math.ceil(Decimal(count) * Decimal(percent) / HUNDRED))


def _restriction(figures, rules):
    if figures.contribution < 0:
        return f"contributed {figures.contribution:.2f} in 12 months"
    if figures.orders < rules.abuse_min_orders:
        return ""
    refund_rate = figures.refund_rate
    if refund_rate is not None and refund_rate > rules.refund_rate_limit:
        return f"refunds {refund_rate:.1f}% of revenue (limit {rules.refund_rate_limit}%)"
    complaint_rate = figures.complaint_rate
    if complaint_rate is not None and complaint_rate > rules.complaint_rate_limit:
        return (
            f"{figures.complaints} complaint(s) in {figures.orders} orders, {complaint_rate:.1f} per 100 "
            f"(limit {rules.complaint_rate_limit})"
        )
    return ""


def classify(figures, rules):
    """[Verdict] for every customer of `figures` (any order), in the order given."""
    verdicts = {}
    ranked = []
    for one in figures:
        if not one.orders and not one.bought_before:
            verdicts[one.user_id] = Verdict(one.user_id, POTENTIAL, "never bought", one.contribution, 0)
            continue
        restricted = _restriction(one, rules)
        if restricted:
            verdicts[one.user_id] = Verdict(one.user_id, RESTRICTED, restricted, one.contribution, one.orders)
        elif not one.orders:
            verdicts[one.user_id] = Verdict(one.user_id, ORDINARY, "no order in 12 months", one.contribution, 0)
        else:
            ranked.append(one)
    ranked.sort(key=lambda one: one.contribution, reverse=True)
    premium_seats, major_seats = seats(len(ranked), rules.premium_percent), seats(len(ranked), rules.major_percent)
    for position, one in enumerate(ranked):
        verdicts[one.user_id] = Verdict(
            one.user_id, _by_rank(ranked, position, premium_seats, major_seats), "", one.contribution, one.orders
        )
    return [verdicts[one.user_id] for one in figures]


def _by_rank(ranked, position, premium_seats, major_seats):
    contribution = ranked[position].contribution
    if contribution <= 0:
        return ORDINARY
    # Within the seats, or tied with the last customer seated: the whole tie goes up.
    if position < premium_seats or (premium_seats and contribution == ranked[premium_seats - 1].contribution):
        return PREMIUM
    if position < major_seats or (major_seats and contribution == ranked[major_seats - 1].contribution):
        return MAJOR
    return ORDINARY


@dataclass(frozen=True)
class Concentration:
    """How much of the contribution the best customers make.

    `customers`: the buying customers (an order in 12 months); `total`: their contribution.
    `top_20_share` and `top_4_share`: the share of `total` the top 20 % and top 4 % of them make
    (the 80/20 and 4/80 figures), None when the total is not above zero (no share to speak of).
    The shares can pass 100 %: customers who cost more than they bring take the rest away.
    `curve`: [(share of customers, share of contribution)], both 0..1, from (0, 0), the best first,
    at most `points` + 1 points.
    """

    customers: int
    total: Decimal
    top_20_share: Decimal | None
    top_4_share: Decimal | None
    curve: list


def concentration(contributions, *, points=100):
    """`contributions`: the buying customers' 12-month contributions, any order."""
    ordered = sorted(contributions, reverse=True)
    count, total = len(ordered), sum(ordered, ZERO)
    if not count or total <= 0:
        return Concentration(count, total, None, None, [])
    running, cumulative = ZERO, []
    for amount in ordered:
        running += amount
        cumulative.append(running)

    def share_of_top(percent):
        top = seats(count, percent)
        return (cumulative[top - 1] / total).quantize(Decimal("0.0001")) if top else ZERO

    step = max(1, math.ceil(count / points))
    marks = sorted({*range(step, count, step), count})
    curve = [(0.0, 0.0)] + [(position / count, float(cumulative[position - 1] / total)) for position in marks]
    return Concentration(count, total, share_of_top(20), share_of_top(4), curve)
