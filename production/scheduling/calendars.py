"""Calendars as the engine sees them: sorted, disjoint closed spans of minutes."""

from bisect import bisect_right
from collections.abc import Iterable

from .model import Window


def merge_windows(windows: Iterable[Window]) -> list[Window]:
    """Sort spans and merge those that overlap or touch; empty spans are dropped."""
    merged: list[list[int]] = []
    for start, end in sorted(w for w in windows if w[1] > w[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def closures_from_openings(openings: Iterable[Window], start: int, end: int) -> tuple[Window, ...]:
    """The closed spans of [start, end) given when a work center is open (its shifts).

    This is how shift patterns, breaks and holidays become `Machine.unavailable`: list the open
    spans, and everything else in the horizon is closed.
    """
    closed = []
    cursor = start
    for open_start, open_end in merge_windows(openings):
        if open_end <= cursor:
            continue
        if open_start >= end:
            break
        if open_start > cursor:
            closed.append((cursor, open_start))
        cursor = max(cursor, open_end)
    if cursor < end:
        closed.append((cursor, end))
    return tuple(closed)


def first_fit(starts: list[int], ends: list[int], earliest: int, length: int) -> int:
    """The earliest start >= `earliest` of a span of `length` minutes that overlaps no busy span.

    The busy spans are given as two lists, starts and ends, of sorted disjoint spans.
    """
    i = bisect_right(ends, earliest)
    start = earliest
    while i < len(starts):
        if start + length <= starts[i]:
            return start
        start = max(start, ends[i])
        i += 1
    return start
