"""Bounded best-first search for a nearby valid configuration (used by repair and checks).

A state is the set of explicit values (what the shopper chose, or what the search chose for
them); values are resolved from it exactly as evaluate() does. From a state with a problem we
only try changes that fix the FIRST problem (a missing required value in option order, else
the first broken rule in schema order, else the first unmet goal): each option the problem
names, set to each value that makes that one problem go away, nearest first.

States leave the heap in order of, first, the shopper's values changed plus twice the
problems still left (a greedy estimate of the changes still to come, which keeps the search
heading for a valid state when many rules are broken); then, on ties: how many of the
shopper's own values changed; how many options changed at all (values the shopper never chose
give way first); how many changes were on a rule's trigger side rather than its consequence
side (requires/excludes: `when` vs `then`; available_when: its conditions vs the restricted
option; constraint: right vs left); and a penalty larger for options shown earlier (so a
later, more detailed option gives way first). Candidate values come nearest first.
A state's problems are counted when it leaves the heap; one with more problems than
estimated goes back with its real priority. The estimate is not exact (one change can fix
two problems; fixing one can take two changes), so the answer is a near one, not provably the
one with the fewest changes; the search stops after judging `limit` states.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import count
from typing import Any

from .atoms import all_hold, atom_holds, rule_violated
from .family import BOOLEAN, CHOICE, MULTI, NUMERIC_KINDS, TEXT, Atom, CompiledFamily, Option
from .parse import UNSET, missing_problem, parse_value
from .resolve import resolve
from .rulecheck import broken_rules

NUMERIC_SCAN = 5000  # grid points tried either side of the current value


class _Unset:
    __slots__ = ()

    def __repr__(self) -> str:
        return "BACK_TO_DEFAULT"


# a move that drops the explicit value, so the option goes back to its default or derived value
BACK_TO_DEFAULT: Any = _Unset()


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def state_key(state: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(sorted((code, _key(value)) for code, value in state.items()))


@dataclass
class _Node:
    state: dict[str, Any]
    reasons: dict[str, str]
    triggers: int = 0
    # filled in when the node is first taken from the heap
    problems: list[tuple[str, Any]] | None = None
    values: dict[str, Any] | None = None


@dataclass
class Outcome:
    state: dict[str, Any]
    values: dict[str, Any]
    reasons: dict[str, str]
    # problems left: ("missing", code) / ("rule", rule index) / ("goal", n); empty when found
    problems: list[tuple[str, Any]]
    explored: int


def text_candidates(compiled: CompiledFamily, option: Option) -> list[str]:
    """Texts worth trying for a text option: blank, its default, values rules compare it with,
    and a filler; only those the option accepts."""
    found = ["", option.default]
    for rule in compiled.rules:
        for atom in rule.when + rule.then:
            if atom.option == option.code and atom.op in ("is", "is_not"):
                found.append(atom.value)
    found.append("A" * max(1, option.min_length))
    accepted = []
    for text in dict.fromkeys(found):
        value, problem = parse_value(option, text)
        # blank is reached by BACK_TO_DEFAULT: a form cannot send it explicitly
        if problem is None and value is not UNSET:
            accepted.append(value)
    return list(dict.fromkeys(accepted))


def candidates(
    compiled: CompiledFamily, option: Option, values: dict[str, Any], accept: Callable[[dict[str, Any]], bool]
) -> Iterator[Any]:
    """Values for `option` other than its current one, nearest first, for which accept(values
    with the option set to it) holds. `values` is restored before each yield."""
    code = option.code
    current = values[code]
    kind = option.kind
    if kind == CHOICE:
        # "nothing chosen" is reached by BACK_TO_DEFAULT: a form cannot send it explicitly
        pool: list[Any] = [choice.code for choice in option.choices]
    elif kind == BOOLEAN:
        pool = [not current]
    elif kind == MULTI:
        selected = set(current)
        pool = [sorted(selected - {code_}) for code_ in sorted(selected)]
        if option.max_selected is None or len(selected) < option.max_selected:
            pool += [sorted(selected | {choice.code}) for choice in option.choices if choice.code not in selected]
        pool.append(list(option.default))
        pool = [items for items in pool if len(items) >= option.min_selected]
    elif kind == TEXT:
        pool = text_candidates(compiled, option)
    elif kind in NUMERIC_KINDS:
        # nearest values that keep every rule on the option happy first, then nearest that
        # fix just this problem, then the default
        rules = compiled.rules_naming[code]

        def settles_all(trial: dict[str, Any]) -> bool:
            return accept(trial) and not any(rule_violated(compiled, rule, trial) for rule in rules)

        pool = list(_numeric_pool(option, current, values, settles_all))
        pool += list(_numeric_pool(option, current, values, accept))
        pool.append(option.default)
    else:  # pragma: no cover
        pool = []
    seen = []
    for value in pool:
        if value == current or value in seen:
            continue
        seen.append(value)
        values[code] = value
        ok = accept(values)
        values[code] = current
        if ok:
            yield value


def _numeric_pool(option: Option, current: Any, values: dict[str, Any], accept) -> Iterator[Any]:
    """The nearest accepted grid value below the current one, then the nearest above."""
    code = option.code
    steps_below = int((current - option.min) // option.step)
    steps_above = int((option.max - current) // option.step)
    for direction, reach in ((-1, steps_below), (1, steps_above)):
        for k in range(1, min(reach, NUMERIC_SCAN) + 1):
            value = current + direction * k * option.step
            values[code] = value
            ok = accept(values)
            values[code] = current
            if ok:
                yield value
                break


class Search:
    def __init__(
        self,
        compiled: CompiledFamily,
        kept: Mapping[str, Any],
        goals: tuple[tuple[Atom, ...], ...] = (),
        limit: int = 300,
        ignore: frozenset[int] = frozenset(),
    ):
        self.compiled = compiled
        self.kept = dict(kept)
        self.goals = goals
        self.ignore = ignore
        self.limit = limit
        self.total = len(compiled.options)

    def _priority(self, state: Mapping[str, Any], triggers: int, problems_left: int) -> tuple[int, ...]:
        """Changes so far plus problems left (a guess for a state not yet looked at: its
        parent's count less the one fixed), then the tie-breaks in the module docstring."""
        by_code = self.compiled.by_code
        own = moved = penalty = 0
        for code, value in self.kept.items():
            if state.get(code, _MISSING) != value:
                own += 1
                penalty += self.total - by_code[code].index
        for code in state:
            if code not in self.kept:
                moved += 1
                penalty += self.total - by_code[code].index
        return own + 2 * problems_left, own, own + moved, triggers, penalty

    def problems(self, state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, Any]]]:
        """(state without values a derive rule overrides, resolved values, problems)."""
        compiled = self.compiled
        values, _, conflicts = resolve(compiled, state)
        if conflicts:
            state = {code: value for code, value in state.items() if code not in dict(conflicts)}
        found: list[tuple[str, Any]] = []
        for option in compiled.options:
            if option.code not in state and missing_problem(option, values[option.code]) is not None:
                found.append(("missing", option.code))
        found.extend(("rule", index) for index in broken_rules(compiled, values) if index not in self.ignore)
        for number, atoms in enumerate(self.goals):
            if not all_hold(compiled, atoms, values):
                found.append(("goal", number))
        return state, values, found

    def _moves(self, problem: tuple[str, Any], values: dict[str, Any]) -> Iterator[tuple[str, Any, str, bool]]:
        """(option, new value, reason, on the trigger side) for the given problem."""
        compiled = self.compiled
        by_code = compiled.by_code
        kind, ref = problem
        if kind == "missing":
            option = by_code[ref]
            reason = missing_problem(option, values[ref]).message

            def accept(trial: dict[str, Any], option: Option = option) -> bool:
                return missing_problem(option, trial[option.code]) is None

            for value in candidates(compiled, option, values, accept):
                yield ref, value, reason, False
            return
        if kind == "rule":
            rule = compiled.rules[ref]
            reason = rule.message
            order = list(rule.consequence) + [code for code in rule.fields if code not in rule.consequence]
            trigger_side = set(rule.fields) - set(rule.consequence)

            def accept_for(code: str, rule=rule) -> Callable[[dict[str, Any]], bool]:
                return lambda trial: not rule_violated(compiled, rule, trial)

        else:
            atoms = self.goals[ref]
            reason = "goal"
            order = list(dict.fromkeys(atom.option for atom in atoms if not _holds(compiled, atom, values)))
            trigger_side = set()

            def accept_for(code: str, atoms=atoms) -> Callable[[dict[str, Any]], bool]:
                mine = [atom for atom in atoms if atom.option == code]
                return lambda trial: all(_holds(compiled, atom, trial) for atom in mine)

        for code in order:
            derive = self._derived(code, values)
            if derive is None:
                for value in candidates(compiled, by_code[code], values, accept_for(code)):
                    yield code, value, reason, code in trigger_side
                yield code, BACK_TO_DEFAULT, reason, code in trigger_side
                continue
            # a derived option changes only through the options its derive rule reads

            def stop(trial: dict[str, Any], derive=derive) -> bool:
                return not all_hold(compiled, derive.when, trial)

            for trigger in dict.fromkeys(atom.option for atom in derive.when):
                if self._derived(trigger, values) is None:
                    for value in candidates(compiled, by_code[trigger], values, stop):
                        yield trigger, value, reason, True

    def _derived(self, code: str, values: dict[str, Any]):
        for rule in self.compiled.derive_rules[code]:
            if all_hold(self.compiled, rule.when, values):
                return rule
        return None

    def run(self, start: Mapping[str, Any]) -> Outcome:
        """Best-first: cheapest (changes + problems left) first. A state is judged when it
        leaves the heap; if it has more problems than guessed it goes back with its real
        priority, so among the states looked at, valid ones with fewer changes come first."""
        serial = count()
        first = _Node(dict(start), {})
        heap = [(self._priority(first.state, 0, 0), next(serial), first)]
        pushed = {state_key(first.state)}
        best: Outcome | None = None
        explored = 0
        while heap and explored < self.limit:
            priority, _, node = heapq.heappop(heap)
            if node.problems is None:
                explored += 1
                node.state, node.values, node.problems = self.problems(node.state)
                real = self._priority(node.state, node.triggers, len(node.problems))
                if best is None or _badness(node.problems) < _badness(best.problems):
                    best = Outcome(node.state, node.values, node.reasons, node.problems, explored)
                if real > priority:
                    heapq.heappush(heap, (real, next(serial), node))
                    continue
            if not node.problems:
                return Outcome(node.state, node.values, node.reasons, [], explored)
            left = len(node.problems) - 1
            for code, value, reason, on_trigger in self._moves(node.problems[0], node.values):
                child = dict(node.state)
                if value is BACK_TO_DEFAULT:
                    if child.pop(code, BACK_TO_DEFAULT) is BACK_TO_DEFAULT:
                        continue
                else:
                    child[code] = value
                key = state_key(child)
                if key in pushed:
                    continue
                pushed.add(key)
                triggers = node.triggers + on_trigger
                grown = _Node(child, {**node.reasons, code: reason}, triggers)
                heapq.heappush(heap, (self._priority(child, triggers, left), next(serial), grown))
        if best is None:  # pragma: no cover - the first state is always judged
            state, values, found = self.problems(dict(start))
            best = Outcome(state, values, {}, found, explored)
        best.explored = explored
        return best


def _badness(problems: list[tuple[str, Any]]) -> tuple[int, int]:
    """Closest so far: goals met first (so checks can name the rules in the way), then fewer
    problems."""
    return sum(kind == "goal" for kind, _ in problems), len(problems)


def _holds(compiled: CompiledFamily, atom: Atom, values: Mapping[str, Any]) -> bool:
    return atom_holds(atom, values[atom.option], compiled.by_code[atom.option].blank)


class _Missing:
    pass


_MISSING = _Missing()
