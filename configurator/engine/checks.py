"""check_schema: problems staff should fix before a family version is published.

Beyond compile_schema's reference checks it looks for:
- circles among default/derive rules (X from Y from X);
- a rule that never applies: its conditions contradict each other (found statically for
  choice, boolean and numeric conditions), or no valid configuration meets them;
- a rule that can never be satisfied once it applies, or two rules that contradict each other
  when both apply (each alone allows their triggers together, both together do not; tried
  for rules where one's consequence is an option the other names);
- two default/derive rules for one option that can apply together (the first one listed wins);
- an all-defaults configuration that is not valid.

"No valid configuration" is decided by the bounded search in search.py (`limit`
configurations per question), seeded with the triggering conditions and started from the
defaults. It finds configurations a few changes away quickly, so in families of tens of rules
its answers are reliable; but it is not a proof. A contradiction among three or more rules
with unrelated consequences can go unnoticed, and in dense families (hundreds of interacting
rules) a rule reachable only through a long chain of changes can be reported as never
applying or contradicting: every such message says how many configurations were tried, and
a larger `limit` settles it. Text patterns are not analysed (a text condition is tried with
the blank, the default, values rules compare it with and a filler).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .compile import compile_schema
from .evaluate import evaluate
from .family import (
    AVAILABLE_WHEN,
    BOOLEAN,
    CHOICE,
    CONSTRAINT,
    DEFAULT,
    DERIVE,
    EXCLUDES,
    NUMERIC_KINDS,
    REQUIRES,
    Atom,
    CompiledFamily,
    Rule,
)
from .index import numeric_set, slot_mask
from .intervals import Grid
from .results import SchemaError
from .search import Search

CHECK_LIMIT = 200  # configurations explored per question


def check_schema(schema: Mapping[str, Any], *, limit: int = CHECK_LIMIT) -> list[str]:
    """Every problem compile_schema finds, else the deeper ones listed in this module's
    docstring, each naming the rules by id and message. An empty list means none was found
    within the search bound, not a proof that none exists."""
    try:
        compiled = compile_schema(schema)
    except SchemaError as error:
        return list(error.problems)
    problems = _circles(compiled)
    defaults = evaluate(compiled, {})
    problems += [
        f"The all-defaults configuration is not valid: {_describe(compiled, error)}" for error in defaults.errors
    ]
    unreachable: set[int] = set()
    for rule in compiled.rules:
        trigger = _trigger(compiled, rule)
        if not trigger:
            continue
        problem = _never_applies_or_contradicts(compiled, rule, trigger, limit)
        if problem is not None:
            problems.append(problem)
            unreachable.add(rule.index)
    problems += _pairs(compiled, unreachable, limit)
    return problems


def _never_applies_or_contradicts(
    compiled: CompiledFamily, rule: Rule, trigger: tuple[Atom, ...], limit: int
) -> str | None:
    """Why the rule does nothing in any valid configuration: its conditions contradict each
    other or no valid configuration meets them (it never applies), or once it applies it cannot
    be satisfied, alone or with the rules named. None if the search finds a valid configuration
    where it applies."""
    impossible = _statically_impossible(compiled, trigger)
    if impossible:
        return f"{_name(rule)} never applies: {impossible}."
    outcome = Search(compiled, {}, goals=(trigger,), limit=limit).run({})
    if not outcome.problems:
        return None
    if rule.kind == REQUIRES:
        # ask for the requirement too, to name the rules standing in its way
        met = Search(compiled, {}, goals=(trigger + rule.conclusion,), limit=limit).run({})
        others = [compiled.rules[ref] for kind, ref in met.problems if kind == "rule" and ref != rule.index]
        if others and not any(kind == "goal" for kind, _ in met.problems):
            names = ", ".join(_name(other) for other in others)
            return (
                f"{_name(rule)} contradicts {names}: when it applies they cannot all be satisfied "
                f"({met.explored} configurations tried)."
            )
    tried = f"({outcome.explored} configurations tried)"
    unmet = any(kind == "goal" for kind, _ in outcome.problems)
    others = [compiled.rules[ref] for kind, ref in outcome.problems if kind == "rule" and ref != rule.index]
    if rule.kind == AVAILABLE_WHEN and (unmet or not others):
        choices = ", ".join(str(choice) for choice in rule.choices)
        return (
            f"{_name(rule)} never applies: “{rule.option}” {choices} can never be chosen in a valid "
            f"configuration {tried}."
        )
    if unmet:
        return f"{_name(rule)} never applies: no valid configuration meets its conditions {tried}."
    if not others:
        return f"{_name(rule)} can never be satisfied once it applies {tried}."
    names = ", ".join(_name(other) for other in others)
    return f"{_name(rule)} contradicts {names}: when it applies they cannot all be satisfied {tried}."


def _name(rule: Rule) -> str:
    return f"Rule {rule.id} (“{rule.message}”)"


def _describe(compiled: CompiledFamily, error: Any) -> str:
    if error.rule_id is not None:
        rule = next(rule for rule in compiled.rules if rule.id == error.rule_id)
        return f"{_name(rule)} is broken"
    return error.message


def _trigger(compiled: CompiledFamily, rule: Rule) -> tuple[Atom, ...]:
    """The conditions under which the rule does something."""
    if rule.kind in (REQUIRES, EXCLUDES, AVAILABLE_WHEN):
        return rule.premise
    if rule.kind == DEFAULT:
        return (*rule.when, Atom(rule.option, "is", value=_atom_value(rule.value)))
    if rule.kind == DERIVE:
        return rule.when
    return ()


def _atom_value(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _statically_impossible(compiled: CompiledFamily, atoms: tuple[Atom, ...]) -> str | None:
    """Why the atoms can never all hold, judging each option's atoms on their own."""
    by_code = compiled.by_code
    index = compiled.index
    for code in dict.fromkeys(atom.option for atom in atoms):
        option = by_code[code]
        mine = [atom for atom in atoms if atom.option == code]
        if option.kind in (CHOICE, BOOLEAN):
            bitmap = dict(index.slot_options)[code]
            every = sum(bitmap.values())
            mask = index.candidates[option.index]
            for atom in mine:
                mask &= slot_mask(option, atom, bitmap, every)
            if not mask:
                return f"no value of “{option.name}” meets its conditions"
        elif option.kind in NUMERIC_KINDS:
            allowed = numeric_set(option, mine)
            if not Grid.of(option).touches(allowed):
                return f"no allowed value of “{option.name}” meets its conditions"
    return None


def _circles(compiled: CompiledFamily) -> list[str]:
    """Default/derive rules that read, directly or not, the option they set."""
    setting = [rule for rule in compiled.rules if rule.kind in (DEFAULT, DERIVE)]
    reads: dict[str, set[str]] = {}
    for rule in setting:
        reads.setdefault(rule.option, set()).update(atom.option for atom in rule.when)
    problems = []
    reported: set[frozenset[str]] = set()
    for start in reads:
        # depth-first walk for a path back to `start`
        stack = [(start, (start,))]
        found = None
        while stack and found is None:
            code, path = stack.pop()
            for nxt in sorted(reads.get(code, ())):
                if nxt == start:
                    found = path
                    break
                if nxt in reads and nxt not in path:
                    stack.append((nxt, (*path, nxt)))
        if found is None or frozenset(found) in reported:
            continue
        reported.add(frozenset(found))
        members = set(found)
        rules = [rule for rule in setting if rule.option in members and any(a.option in members for a in rule.when)]
        chain = " from ".join((*found, start))
        names = " and ".join(_name(rule) for rule in rules)
        verb = "goes" if len(rules) == 1 else "go"
        problems.append(f"{names} {verb} round in a circle: {chain}. Which value wins then depends on rule order.")
    return problems


def _worth_pairing(first: Rule, second: Rule, setting: bool) -> bool:
    """Two default/derive rules setting one option to different values, or two checked rules
    where one's consequence is an option the other names."""
    if setting:
        return first.option == second.option and first.value != second.value
    if first.kind in (DEFAULT, DERIVE) or second.kind in (DEFAULT, DERIVE):
        return False
    return bool(set(first.consequence) & set(second.fields) or set(second.consequence) & set(first.fields))


def _pairs(compiled: CompiledFamily, unreachable: set[int], limit: int) -> list[str]:
    """Rules whose consequences touch the same option (or default/derive rules setting the
    same option), tried together."""
    problems = []
    rules = [rule for rule in compiled.rules if rule.index not in unreachable and rule.kind != CONSTRAINT]
    for position, first in enumerate(rules):
        for second in rules[position + 1 :]:
            setting = first.kind in (DEFAULT, DERIVE) and second.kind == first.kind
            if not _worth_pairing(first, second, setting):
                continue
            goal = _trigger(compiled, first) + _trigger(compiled, second)
            if setting:
                goal = first.when + second.when
            if not goal or _statically_impossible(compiled, goal):
                continue
            ignore = frozenset({first.index, second.index})
            loose = Search(compiled, {}, goals=(goal,), limit=limit, ignore=ignore).run({})
            if loose.problems:
                continue  # the two never apply together anyway
            if setting:
                problems.append(
                    f"{_name(first)} and {_name(second)} both apply to some configurations; "
                    f"the first listed sets “{first.option}”."
                )
                continue
            strict = Search(compiled, {}, goals=(goal,), limit=limit).run(loose.state)
            if not strict.problems:
                continue
            # Each rule alone must allow the combination: "excludes drawers with an ice maker"
            # and "an ice maker needs the kit" can never both apply, but that is the first
            # rule doing its job, not a contradiction.
            alone = [
                Search(compiled, {}, goals=(goal,), limit=limit, ignore=frozenset({other.index})).run(loose.state)
                for other in (first, second)
            ]
            if not any(outcome.problems for outcome in alone):
                problems.append(
                    f"{_name(first)} and {_name(second)} contradict each other: "
                    f"when both apply they can never both be satisfied ({strict.explored} configurations tried)."
                )
    return problems
