"""The bit-level index behind the fast evaluator (built once per compiled family).

Layout: every choice and boolean option owns a few consecutive bits, one per possible value
("slots"; a choice option has one extra slot for "nothing chosen"). Every distinct atom on a
multi, numeric or text option gets one "pseudo" bit, and so does every constraint rule. A
configuration is one integer with, per slot option, the bit of its current value, and, per
pseudo bit, the bit set when that atom (or constraint) is FALSE.

For each side (premise, conclusion) of a requires/excludes/available_when rule we keep F, the
bits that make the side false: for a slot option, the slots its atoms on that side reject; for
every other atom, its pseudo bit. Then `config & F` is zero exactly when the side holds, its
bits name the failing options, and "the side holds except possibly for option o" is
`config & F & ~own(o) == 0`. Which choices of o break the rule is then a couple of ANDs on the
slot masks (see availability.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .atoms import COMPARE, atom_test
from .family import (
    BOOLEAN,
    CHOICE,
    CONSTRAINT,
    EXCLUDES,
    MULTI,
    NUMERIC_KINDS,
    Atom,
    CompiledFamily,
    Option,
)
from .intervals import (
    EMPTY,
    FLIPPED,
    FULL,
    Grid,
    IntervalSet,
    compared,
    complement,
    intersect,
    k_ranges,
    narrows,
    point,
)
from .results import Problem

# options with up to this many slots get a table from slot mask to choice keys
MASK_TABLE_SLOTS = 10
# owner[] marker for bits that belong to a constraint rule rather than an option
CONSTRAINT_OWNER = -3


@dataclass(frozen=True, slots=True)
class Index:
    # per slot option: (code, {value: bit})
    slot_options: tuple[tuple[str, dict[Any, int]], ...]
    # per pseudo atom: (bit, option code, predicate on the value)
    pseudo_atoms: tuple[tuple[int, str, Callable[[Any], bool]], ...]
    # per constraint rule: (rule index, bit, left, comparison, right option or None, factor, offset,
    # per named option: (option index, on left, on right, slope, slope * step, op on k, min, last k))
    constraints: tuple[tuple[Any, ...], ...]
    # bit position -> option index (or CONSTRAINT_OWNER)
    owner: tuple[int, ...]
    # option index -> every bit NOT owned by the option
    not_own: tuple[int, ...]
    # per requires/excludes/available_when rule: (rule index, is_excludes, F_premise, F_conclusion,
    # static, slot entries, multi entries, numeric entries).
    # static: set when the rule names only slot options and no option on both sides: then
    # every choice it can disable is known in advance (see availability.analyse); static =
    # ({premise option: keys}, ((premise option, keys), ...), {conclusion option: keys},
    # ((conclusion option, keys), ...)).
    # slot entry: (option index, candidate bits, candidates meeting the premise part,
    # candidates meeting the conclusion part, first bit position, keys by local position,
    # keys by local slot mask or None)
    logic: tuple[tuple[Any, ...], ...]
    # the rules whose premise names one slot option p that the conclusion does not name (most
    # rules): (rule index, is_excludes, F_premise, F_conclusion, p, keys of p's choices that
    # meet the premise (empty if all or none do), the rule's `logic` entry)
    quick_rules: tuple[tuple[Any, ...], ...]
    # the `logic` entries of all other rules
    other_rules: tuple[tuple[Any, ...], ...]
    # option index -> ((bit, key), ...) for the selectable slots (no "nothing chosen" slot)
    slot_keys: dict[int, tuple[tuple[int, str], ...]]
    # option index -> the bits of the candidate values (what a shopper could pick)
    candidates: dict[int, int]
    # multi option index -> (choice codes by local bit, {code: local bit})
    multi_bits: dict[int, tuple[tuple[str, ...], dict[str, int]]]
    grids: dict[int, Grid]
    # option index -> code
    codes: tuple[str, ...]
    # rule index -> message
    messages: tuple[str, ...]
    # whether no two checkable rules share a message (then reasons need no de-duplication)
    distinct_messages: bool
    # rule index -> the Problem reported when it is broken (immutable, so shared)
    rule_problems: tuple[Problem | None, ...]
    # rule index -> ((option code, test), ...) for the `when` of default and derive rules
    when_tests: tuple[tuple[tuple[str, Callable[[Any], bool]], ...], ...]
    # per option: (option, the keys OptionAvailability.disabled uses, or None for numbers/text)
    option_keys: tuple[tuple[Option, tuple[str, ...] | None], ...]


def slot_mask(option: Option, atom: Atom, bitmap: dict[Any, int], every: int) -> int:
    op = atom.op
    if op == "is":
        return bitmap[atom.value]
    if op == "is_not":
        return every & ~bitmap[atom.value]
    if op in ("in", "not_in"):
        mask = 0
        for value in atom.values:
            mask |= bitmap[value]
        return mask if op == "in" else every & ~mask
    if op == "filled":
        return every & ~bitmap[option.blank]
    if op == "empty":
        return bitmap[option.blank]
    raise ValueError(f"op {op!r} on a slot option")  # compile_schema never lets one through


def _multi_mask(atom: Atom, local: dict[str, int]) -> tuple[str, int]:
    """(op, mask of the choices the atom talks about), as local bits of the multi option."""
    if atom.op in ("includes", "not_includes"):
        return atom.op, local[atom.value]
    if atom.op == "includes_any":
        codes = atom.values
    elif atom.op in ("is", "is_not"):
        codes = atom.value
    else:
        codes = ()
    return atom.op, sum(local[code] for code in codes)


def numeric_set(option: Option, atoms: list[Atom]) -> IntervalSet:
    allowed = FULL
    for atom in atoms:
        if atom.op == "filled":
            part = complement(point(option.blank))
        elif atom.op == "empty":
            part = point(option.blank)
        else:
            part = compared(atom.op, atom.value)
        allowed = intersect(allowed, part)
    return allowed


def _constraint_entries(compiled: CompiledFamily, rule: Any, grids: dict[int, Grid]) -> tuple[tuple[Any, ...], ...]:
    """Per option the constraint names: left - right = slope * value + (the rest), so on grid
    position k the constraint reads (slope * step) * k <op> -(rest + slope * min)."""
    entries = []
    for code in rule.fields:
        option = compiled.by_code[code]
        on_left, on_right = rule.left == code, rule.right_option == code
        slope = Decimal(1 if on_left else 0) - (rule.factor if on_right else 0)
        if slope == 0:
            continue  # the option cancels out: every value of it does the same
        op = rule.op if slope > 0 else FLIPPED[rule.op]
        entries.append(
            (
                option.index,
                on_left,
                on_right,
                slope,
                slope * option.step,
                op,
                Decimal(option.min),
                grids[option.index].last,
            )
        )
    return tuple(entries)


def _static_hits(rule: Any, slot_entries: list, slot_keys: dict, other_kinds: bool, by_code: dict):
    premise_options = {by_code[atom.option].index for atom in rule.premise}
    conclusion_options = {by_code[atom.option].index for atom in rule.conclusion}
    if other_kinds or premise_options & conclusion_options:
        return None
    if len(slot_entries) != len(premise_options | conclusion_options):
        return None  # a text option is named: it has no slots
    excludes = rule.kind == EXCLUDES
    premise, conclusion = {}, {}
    for option_index, cand, premise_ok, conclusion_ok, *_ in slot_entries:
        if option_index in premise_options:
            breaking = premise_ok
            target = premise
        else:
            breaking = conclusion_ok if excludes else cand & ~conclusion_ok
            target = conclusion
        if breaking and breaking != cand:
            target[option_index] = tuple(key for bit, key in slot_keys[option_index] if breaking & bit)
    return premise, tuple(premise.items()), conclusion, tuple(conclusion.items())


def build_index(compiled: CompiledFamily) -> Index:
    options = compiled.options
    position = 0
    owner: list[int] = []
    bitmaps: dict[int, dict[Any, int]] = {}
    every_slot: dict[int, int] = {}
    slot_keys: dict[int, tuple[tuple[int, str], ...]] = {}
    local_keys: dict[int, tuple[str | None, ...]] = {}
    mask_keys: dict[int, tuple[tuple[str, ...], ...] | None] = {}
    slot_base: dict[int, int] = {}
    candidates: dict[int, int] = {}
    multi_bits: dict[int, tuple[tuple[str, ...], dict[str, int]]] = {}
    grids: dict[int, Grid] = {}
    for option in options:
        if option.kind == CHOICE:
            values: list[Any] = [choice.code for choice in option.choices] + [None]
            keys = [choice.code for choice in option.choices]
        elif option.kind == BOOLEAN:
            values, keys = [False, True], ["false", "true"]
        else:
            if option.kind == MULTI:
                codes = tuple(choice.code for choice in option.choices)
                multi_bits[option.index] = (codes, {code: 1 << k for k, code in enumerate(codes)})
            elif option.kind in NUMERIC_KINDS:
                grids[option.index] = Grid.of(option)
            continue
        bitmap = {value: 1 << (position + k) for k, value in enumerate(values)}
        bitmaps[option.index] = bitmap
        every_slot[option.index] = sum(bitmap.values())
        slot_keys[option.index] = tuple((bitmap[value], key) for value, key in zip(values, keys, strict=False))
        local_keys[option.index] = tuple(keys) + (None,) * (len(values) - len(keys))
        # keys for every combination of this option's slots, when there are few enough slots
        mask_keys[option.index] = (
            tuple(
                tuple(key for k, key in enumerate(local_keys[option.index]) if mask >> k & 1 and key is not None)
                for mask in range(1 << len(values))
            )
            if len(values) <= MASK_TABLE_SLOTS
            else None
        )
        slot_base[option.index] = position
        candidates[option.index] = sum(bitmap[value] for value in values if value is not None or not option.required)
        owner.extend([option.index] * len(values))
        position += len(values)

    by_code = compiled.by_code
    pseudo: dict[Atom, int] = {}
    pseudo_atoms: list[tuple[int, str, Callable[[Any], bool]]] = []
    for rule in compiled.checked_rules:
        for atom in rule.premise + rule.conclusion:
            option = by_code[atom.option]
            if option.index in bitmaps or atom in pseudo:
                continue
            pseudo[atom] = 1 << position
            pseudo_atoms.append((1 << position, atom.option, atom_test(atom, option)))
            owner.append(option.index)
            position += 1
    constraints = []
    for rule in compiled.checked_rules:
        if rule.kind == CONSTRAINT:
            constraints.append(
                (
                    rule.index,
                    1 << position,
                    rule.left,
                    COMPARE[rule.op],
                    rule.right_option,
                    rule.factor,
                    rule.offset,
                    _constraint_entries(compiled, rule, grids),
                )
            )
            owner.append(CONSTRAINT_OWNER)
            position += 1

    everything = (1 << position) - 1
    own = [0] * len(options)
    for bit_position, option_index in enumerate(owner):
        if option_index >= 0:
            own[option_index] |= 1 << bit_position

    logic = []
    quicks = []
    for rule in compiled.checked_rules:
        if rule.kind == CONSTRAINT:
            continue
        sides = []
        for atoms in (rule.premise, rule.conclusion):
            groups: dict[int, int] = {}
            forbidden = 0
            for atom in atoms:
                option = by_code[atom.option]
                if option.index in bitmaps:
                    mask = slot_mask(option, atom, bitmaps[option.index], every_slot[option.index])
                    groups[option.index] = groups.get(option.index, every_slot[option.index]) & mask
                else:
                    forbidden |= pseudo[atom]
            for option_index, group in groups.items():
                forbidden |= every_slot[option_index] & ~group
            sides.append(forbidden)
        f_premise, f_conclusion = sides
        slot_entries, multi_entries, numeric_entries = [], [], []
        for code in rule.fields:
            option = by_code[code]
            premise_atoms = [atom for atom in rule.premise if atom.option == code]
            conclusion_atoms = [atom for atom in rule.conclusion if atom.option == code]
            if option.index in bitmaps:
                cand = candidates[option.index]
                slot_entries.append(
                    (
                        option.index,
                        cand,
                        cand & ~f_premise,
                        cand & ~f_conclusion,
                        slot_base[option.index],
                        local_keys[option.index],
                        mask_keys[option.index],
                    )
                )
            elif option.kind == MULTI:
                local = multi_bits[option.index][1]
                multi_entries.append(
                    (
                        option.index,
                        tuple(_multi_mask(atom, local) for atom in premise_atoms),
                        tuple(_multi_mask(atom, local) for atom in conclusion_atoms),
                    )
                )
            elif option.kind in NUMERIC_KINDS:
                grid = grids[option.index]
                allowed_premise = numeric_set(option, premise_atoms)
                allowed_conclusion = numeric_set(option, conclusion_atoms)
                effective = {}
                for rest_premise in (False, True):
                    for rest_conclusion in (False, True):
                        holds_premise = allowed_premise if rest_premise else EMPTY
                        holds_conclusion = allowed_conclusion if rest_conclusion else EMPTY
                        if rule.kind == EXCLUDES:
                            breaks = intersect(holds_premise, holds_conclusion)
                        else:
                            breaks = intersect(holds_premise, complement(holds_conclusion))
                        positions = k_ranges(grid, breaks)
                        effective[rest_premise, rest_conclusion] = positions if narrows(positions, grid.last) else None
                numeric_entries.append((option.index, effective))
        premise_options = {atom.option for atom in rule.premise}
        quick = None
        if len(premise_options) == 1:
            (code,) = premise_options
            option = by_code[code]
            if option.index in bitmaps and code not in {atom.option for atom in rule.conclusion}:
                cand = candidates[option.index]
                meets = cand & ~f_premise
                keys = tuple(key for bit, key in slot_keys[option.index] if meets & bit) if meets != cand else ()
                quick = (option.index, keys)
        quicks.append(quick)
        logic.append(
            (
                rule.index,
                rule.kind == EXCLUDES,
                f_premise,
                f_conclusion,
                _static_hits(rule, slot_entries, slot_keys, bool(multi_entries or numeric_entries), by_code),
                tuple(slot_entries),
                tuple(multi_entries),
                tuple(numeric_entries),
            )
        )
    quick_rules, other_rules = [], []
    for entry, quick in zip(logic, quicks, strict=True):
        if quick is None:
            other_rules.append(entry)
        else:
            quick_rules.append((*entry[:4], *quick, entry))
    return Index(
        quick_rules=tuple(quick_rules),
        other_rules=tuple(other_rules),
        slot_options=tuple((options[i].code, bitmap) for i, bitmap in bitmaps.items()),
        pseudo_atoms=tuple(pseudo_atoms),
        constraints=tuple(constraints),
        owner=tuple(owner),
        not_own=tuple(everything & ~mask for mask in own),
        logic=tuple(logic),
        slot_keys=slot_keys,
        candidates=candidates,
        multi_bits=multi_bits,
        grids=grids,
        codes=tuple(option.code for option in options),
        messages=tuple(rule.message for rule in compiled.rules),
        distinct_messages=len({rule.message for rule in compiled.checked_rules}) == len(compiled.checked_rules),
        rule_problems=tuple(
            Problem(rule.fields[0], rule.id, rule.kind, rule.message, rule.fields) if rule.fields else None
            for rule in compiled.rules
        ),
        when_tests=tuple(
            tuple((atom.option, atom_test(atom, by_code[atom.option])) for atom in rule.when) for rule in compiled.rules
        ),
        option_keys=tuple(
            (
                option,
                ("false", "true")
                if option.kind == BOOLEAN
                else tuple(choice.code for choice in option.choices)
                if option.kind in (CHOICE, MULTI)
                else None,
            )
            for option in options
        ),
    )
