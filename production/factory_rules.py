"""What makes a factory's data plannable, over plain values: shifts that do not overlap, a
calendar with open time, a routing without a cycle, rules that name the family's options.

Pure Python, no ORM: the factory pages' services read rows, ask these, and refuse with the
sentence returned, so the same reasons are tested here without a database.
"""

import itertools
from datetime import time

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def overlapping_shifts(shifts) -> list[str]:
    """Each pair of shifts (weekday, start, end) on the same day that overlap, in words."""
    problems = []
    by_day = {}
    for weekday, start, end in shifts:
        by_day.setdefault(weekday, []).append((start, end))
    for weekday in sorted(by_day):
        spans = sorted(by_day[weekday])
        for (a_start, a_end), (b_start, b_end) in itertools.pairwise(spans):
            if b_start < a_end:
                problems.append(
                    f"{WEEKDAYS[weekday]}'s shifts {a_start:%H:%M}–{a_end:%H:%M} and "
                    f"{b_start:%H:%M}–{b_end:%H:%M} overlap."
                )
    return problems


def overlapping_spans(spans) -> list[tuple]:
    """Pairs of (start, end) spans that overlap (touching is fine), in start order."""
    ordered = sorted(spans)
    return [(a, b) for a, b in itertools.pairwise(ordered) if b[0] < a[1]]


def weekly_open_minutes(shifts, breaks) -> int:
    """Minutes a calendar is open in a week: its shifts less the daily breaks that fall in them."""
    total = 0
    for _weekday, start, end in shifts:
        s, e = _minutes(start), _minutes(end)
        open_minutes = max(0, e - s)
        for b_start, b_end in breaks:
            open_minutes -= max(0, min(e, _minutes(b_end)) - max(s, _minutes(b_start)))
        total += max(0, open_minutes)
    return total


def precedence_cycle(after: dict[str, list[str]]) -> list[str]:
    """A cycle in `after` (step code -> codes it comes after) as the codes around it, first
    repeated at the end ("a → b → a"); [] when there is none. Deterministic: codes in sorted order."""
    state = {}
    path = []

    def visit(code):
        state[code] = "open"
        path.append(code)
        for before in sorted(after.get(code, ())):
            if state.get(before) == "open":
                return [*path[path.index(before) :], before]
            if before not in state:
                found = visit(before)
                if found:
                    return found
        path.pop()
        state[code] = "done"
        return []

    for code in sorted(after):
        if code not in state:
            found = visit(code)
            if found:
                return found
    return []


NUMERIC_KINDS = ("integer", "decimal", "quantity")


def rule_problems(step_name: str, rules, options: dict | None) -> list[str]:
    """Why the step's rules cannot be applied to the family's options (code -> option dict of the
    published schema: kind, choices); [] when they can. `options` None: the family has no
    published version, so only the rules' shape is checked."""
    problems = []
    for number, rule in enumerate(rules, start=1):
        where = f"{step_name}, rule {number}"
        code = rule.get("option", "")
        if not code:
            problems.append(f"{where}: name an option.")
            continue
        if "equals" in rule and rule.get("per_unit"):
            problems.append(f"{where}: a rule either matches a value or counts per unit, not both.")
            continue
        if "equals" not in rule and not rule.get("per_unit"):
            problems.append(f"{where}: give the value it matches, or the minutes per unit.")
            continue
        if options is None:
            continue
        option = options.get(code)
        if option is None:
            problems.append(f"{where}: the family has no option “{code}”.")
            continue
        kind = option.get("kind")
        if "equals" not in rule:
            if kind not in NUMERIC_KINDS:
                problems.append(f"{where}: “{code}” is not a number, so it cannot count per unit.")
            continue
        value = str(rule["equals"]).lower()
        if kind in ("choice", "multi"):
            codes = [str(choice.get("code")) for choice in option.get("choices", [])]
            if value not in [c.lower() for c in codes]:
                problems.append(f"{where}: “{rule['equals']}” is not a choice of “{code}” ({', '.join(codes)}).")
        elif kind == "boolean" and value not in ("true", "false"):
            problems.append(f"{where}: “{code}” is yes or no; match true or false.")
        elif kind in NUMERIC_KINDS:
            try:
                float(value)
            except ValueError:
                problems.append(f"{where}: “{code}” is a number; “{rule['equals']}” is not.")
    return problems
