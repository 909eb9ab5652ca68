"""Sets of numbers as unions of intervals, and the on-step grid of a numeric option.

Used to say which values of a numeric option a rule forbids without trying every value.
Bounds are Fractions (exact for Decimal inputs and for the division a constraint like
"depth <= width * 0.33" needs when solved for width); None stands for an infinite bound.
An interval is (low, low_closed, high, high_closed); a set is a tuple of intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

Interval = tuple[Fraction | None, bool, Fraction | None, bool]
IntervalSet = tuple[Interval, ...]

FULL: IntervalSet = ((None, False, None, False),)
EMPTY: IntervalSet = ()
FLIPPED = {"lt": "gt", "lte": "gte", "gt": "lt", "gte": "lte", "eq": "eq", "ne": "ne"}


def _nonempty(low: Fraction | None, low_closed: bool, high: Fraction | None, high_closed: bool) -> bool:
    if low is None or high is None:
        return True
    return low < high or (low == high and low_closed and high_closed)


def point(value: Any) -> IntervalSet:
    number = Fraction(value)
    return ((number, True, number, True),)


def compared(op: str, value: Any) -> IntervalSet:
    """The values v for which `v op value` holds (op: lt, lte, gt, gte, eq/is, ne/is_not)."""
    number = Fraction(value)
    if op == "lt":
        return ((None, False, number, False),)
    if op == "lte":
        return ((None, False, number, True),)
    if op == "gt":
        return ((number, False, None, False),)
    if op == "gte":
        return ((number, True, None, False),)
    if op in ("eq", "is"):
        return point(number)
    return ((None, False, number, False), (number, False, None, False))


def intersect(first: IntervalSet, second: IntervalSet) -> IntervalSet:
    out = []
    for low_a, lc_a, high_a, hc_a in first:
        for low_b, lc_b, high_b, hc_b in second:
            if low_a is None or (low_b is not None and low_b > low_a):
                low, lc = low_b, lc_b
            elif low_b is None or low_a > low_b:
                low, lc = low_a, lc_a
            else:
                low, lc = low_a, lc_a and lc_b
            if high_a is None or (high_b is not None and high_b < high_a):
                high, hc = high_b, hc_b
            elif high_b is None or high_a < high_b:
                high, hc = high_a, hc_a
            else:
                high, hc = high_a, hc_a and hc_b
            if _nonempty(low, lc, high, hc):
                out.append((low, lc, high, hc))
    out.sort(key=lambda iv: (iv[0] is not None, iv[0] or 0, not iv[1]))
    return tuple(out)


def complement(intervals: IntervalSet) -> IntervalSet:
    """Complement of a sorted set of disjoint intervals (what intersect() and compared() make)."""
    out = []
    low: Fraction | None = None
    low_closed = False
    for iv_low, iv_lc, iv_high, iv_hc in intervals:
        if iv_low is not None and _nonempty(low, low_closed, iv_low, not iv_lc):
            out.append((low, low_closed, iv_low, not iv_lc))
        if iv_high is None:
            return tuple(out)
        low, low_closed = iv_high, not iv_hc
    out.append((low, low_closed, None, False))
    return tuple(out)


def contains(interval: Interval, value: Fraction) -> bool:
    low, lc, high, hc = interval
    if low is not None and (value < low or (value == low and not lc)):
        return False
    return not (high is not None and (value > high or (value == high and not hc)))


@dataclass(frozen=True, slots=True)
class Grid:
    """The values min + k*step for k in 0..last: what a numeric option may hold."""

    low: Fraction
    step: Fraction
    last: int

    @classmethod
    def of(cls, option: Any) -> Grid:
        low, step = Fraction(option.min), Fraction(option.step)
        return cls(low, step, math.floor((Fraction(option.max) - low) / step))

    def value(self, k: int) -> Fraction:
        return self.low + k * self.step

    def touches(self, intervals: IntervalSet) -> bool:
        """Whether some grid value lies in the set."""
        for interval in intervals:
            low, closed = interval[0], interval[1]
            if low is None:
                k = 0
            else:
                position = (low - self.low) / self.step
                k = max(0, math.ceil(position) if closed else math.floor(position) + 1)
            if k <= self.last and contains(interval, self.value(k)):
                return True
        return False


KRange = tuple[int, int]


def k_ranges(grid: Grid, intervals: IntervalSet) -> tuple[KRange, ...]:
    """The grid positions (inclusive ranges of k) that lie in the set."""
    out = []
    for interval in intervals:
        low, low_closed, high, high_closed = interval
        if low is None:
            first = 0
        else:
            position = (low - grid.low) / grid.step
            first = max(0, math.ceil(position) if low_closed else math.floor(position) + 1)
        if high is None:
            last = grid.last
        else:
            position = (high - grid.low) / grid.step
            last = min(grid.last, math.floor(position) if high_closed else math.ceil(position) - 1)
        if first <= last:
            out.append((first, last))
    return tuple(out)


def first_free(ranges: list[KRange], last: int) -> int | None:
    """The smallest k in 0..last that no range covers, or None."""
    k = 0
    for low, high in sorted(ranges):
        if low > k:
            break
        if high >= k:
            k = high + 1
    return k if k <= last else None


def last_free(ranges: list[KRange], last: int) -> int | None:
    """The largest k in 0..last that no range covers, or None."""
    k = last
    for low, high in sorted(ranges, key=lambda pair: pair[1], reverse=True):
        if high < k:
            break
        if low <= k:
            k = low - 1
    return k if k >= 0 else None


def narrows(ranges: tuple[KRange, ...] | list[KRange], last: int) -> bool:
    """Whether forbidding these positions removes some of 0..last but not all of them."""
    return bool(ranges) and first_free(list(ranges), last) is not None
