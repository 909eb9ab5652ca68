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
from dataclasses import dataclass, field
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
    TEXT,
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
    # option code -> static default, in option order (resolve starts from a copy)
    defaults: dict[str, Any]
    # codes whose values are lists (multi options): resolve copies them, never sharing a default
    list_codes: tuple[str, ...]
    # the options whose value, when it comes from defaults, can be a problem (parse.missing_problem):
    # required choices, texts with a minimum length, multis with a minimum of ticks
    may_be_missing: tuple[Option, ...]


def slot_mask(option: Option, atom: Atom, bitmap: dict[Any, int], every: int) -> int:
    """The slots of a choice or boolean option (bits in `bitmap`, all of them `every`) whose
    value meets the atom."""
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
    """The values of a numeric option that meet all the atoms (on that option), as intervals."""
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


def _static_hits(layout: _Layout, rule: Any, slot_entries: list, other_kinds: bool):
    """For a rule naming only slot options, none on both sides: the keys it disables on each
    option when only that option fails the premise, and when only it fails (requires) or meets
    (excludes) the conclusion, as (premise dict, premise items, conclusion dict, conclusion
    items); they depend on nothing else, so availability skips the per-choice work. None for
    any other rule."""
    by_code, slot_keys = layout.by_code, layout.slot_keys
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


@dataclass
class _Layout:
    """Where build_index has put every option's values and every rule atom so far: the working
    state its tables are read from (bits are handed out in order: slots, pseudo atoms, constraints)."""

    by_code: dict[str, Option]
    # bit position -> option index (or CONSTRAINT_OWNER); its length is the next free bit
    owner: list[int] = field(default_factory=list)
    # per slot option (choice, boolean), by option index: {value: bit}, all its slots, its
    # selectable slots as ((bit, key), ...), its keys by local position (None for "nothing
    # chosen"), its keys by local slot mask (or None), its first bit, its candidate bits
    bitmaps: dict[int, dict[Any, int]] = field(default_factory=dict)
    every_slot: dict[int, int] = field(default_factory=dict)
    slot_keys: dict[int, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    local_keys: dict[int, tuple[str | None, ...]] = field(default_factory=dict)
    mask_keys: dict[int, tuple[tuple[str, ...], ...] | None] = field(default_factory=dict)
    slot_base: dict[int, int] = field(default_factory=dict)
    candidates: dict[int, int] = field(default_factory=dict)
    # atom on a multi, numeric or text option -> its pseudo bit
    pseudo: dict[Atom, int] = field(default_factory=dict)
    multi_bits: dict[int, tuple[tuple[str, ...], dict[str, int]]] = field(default_factory=dict)
    grids: dict[int, Grid] = field(default_factory=dict)

    def take(self, count: int, owner: int) -> int:
        """Hand out the next `count` bits to `owner`; the position of the first."""
        first = len(self.owner)
        self.owner.extend([owner] * count)
        return first


def build_index(compiled: CompiledFamily) -> Index:
    """The index evaluate() runs on, built once per compiled family: the bit layout, each
    checkable rule's masks, and the per-rule and per-option tables the evaluator looks up
    instead of recomputing them per configuration."""
    options = compiled.options
    by_code = compiled.by_code
    layout = _Layout(by_code, multi_bits=_multi_bits(options), grids=_grids(options))
    for option in options:
        _lay_out_slots(layout, option)
    pseudo_atoms = _lay_out_pseudo_atoms(layout, compiled.checked_rules)
    constraints = _lay_out_constraints(layout, compiled)
    logic, quick_rules, other_rules = _rule_logic(layout, compiled.checked_rules)
    return Index(
        quick_rules=quick_rules,
        other_rules=other_rules,
        slot_options=tuple((options[i].code, bitmap) for i, bitmap in layout.bitmaps.items()),
        pseudo_atoms=pseudo_atoms,
        constraints=constraints,
        owner=tuple(layout.owner),
        not_own=_not_own(layout.owner, len(options)),
        logic=logic,
        slot_keys=layout.slot_keys,
        candidates=layout.candidates,
        multi_bits=layout.multi_bits,
        grids=layout.grids,
        codes=tuple(option.code for option in options),
        messages=tuple(rule.message for rule in compiled.rules),
        distinct_messages=len({rule.message for rule in compiled.checked_rules}) == len(compiled.checked_rules),
        rule_problems=_rule_problems(compiled),
        when_tests=_when_tests(compiled),
        option_keys=_option_keys(options),
        defaults={option.code: option.default for option in options},
        list_codes=tuple(option.code for option in options if option.kind == MULTI or type(option.default) is list),
        may_be_missing=tuple(option for option in options if _may_be_missing(option)),
    )


def _may_be_missing(option: Option) -> bool:
    """Whether parse.missing_problem can find a problem with a default value of this option."""
    return (
        (option.kind == CHOICE and option.required)
        or (option.kind == TEXT and option.min_length > 0)
        or (option.kind == MULTI and option.min_selected > 0)
    )


def _multi_bits(options: tuple[Option, ...]) -> dict[int, tuple[tuple[str, ...], dict[str, int]]]:
    """Per multi option, a local bit per choice: availability works out which choices to add or
    remove on these (a multi option has no slots, its ticked set is not one value among few)."""
    found = {}
    for option in options:
        if option.kind == MULTI:
            codes = tuple(choice.code for choice in option.choices)
            found[option.index] = (codes, {code: 1 << k for k, code in enumerate(codes)})
    return found


def _grids(options: tuple[Option, ...]) -> dict[int, Grid]:
    """Per numeric option, its grid of allowed values: availability reports a numeric option's
    limits as ranges of grid positions."""
    return {option.index: Grid.of(option) for option in options if option.kind in NUMERIC_KINDS}


def _slot_values(option: Option) -> tuple[list[Any], list[str]] | None:
    """The values a choice or boolean option's slots stand for, in slot order, and the keys its
    choices are reported by (a choice option's last slot, "nothing chosen", has none); None for
    options of other kinds, which get no slots."""
    if option.kind == CHOICE:
        return [choice.code for choice in option.choices] + [None], [choice.code for choice in option.choices]
    if option.kind == BOOLEAN:
        return [False, True], ["false", "true"]
    return None


def _lay_out_slots(layout: _Layout, option: Option) -> None:
    """Give a choice or boolean option one bit per value, and record how to read them back: the
    keys by bit, the candidates a shopper could pick (no "nothing chosen" if it is required)."""
    found = _slot_values(option)
    if found is None:
        return
    values, keys = found
    base = layout.take(len(values), option.index)
    bitmap = {value: 1 << (base + k) for k, value in enumerate(values)}
    index = option.index
    layout.bitmaps[index] = bitmap
    layout.every_slot[index] = sum(bitmap.values())
    layout.slot_keys[index] = tuple((bitmap[value], key) for value, key in zip(values, keys, strict=False))
    local_keys = tuple(keys) + (None,) * (len(values) - len(keys))
    layout.local_keys[index] = local_keys
    layout.mask_keys[index] = _keys_by_mask(local_keys)
    layout.slot_base[index] = base
    layout.candidates[index] = sum(bitmap[value] for value in values if value is not None or not option.required)


def _keys_by_mask(local_keys: tuple[str | None, ...]) -> tuple[tuple[str, ...], ...] | None:
    """For an option of few slots, the choice keys of every combination of its slots, by local
    slot mask: availability then turns the slots a rule disables into keys with one look-up
    instead of a loop over the bits. None past MASK_TABLE_SLOTS slots (the table doubles per slot)."""
    if len(local_keys) > MASK_TABLE_SLOTS:
        return None
    return tuple(
        tuple(key for k, key in enumerate(local_keys) if mask >> k & 1 and key is not None)
        for mask in range(1 << len(local_keys))
    )


def _lay_out_pseudo_atoms(
    layout: _Layout, rules: tuple[Any, ...]
) -> tuple[tuple[int, str, Callable[[Any], bool]], ...]:
    """Give every distinct atom the rules test on a multi, numeric or text option one "pseudo"
    bit, set in a configuration when the atom is false: such values have no slots, so the atom's
    truth is what the rule masks can see. Returns (bit, option code, test) per atom."""
    pseudo_atoms = []
    for rule in rules:
        for atom in rule.premise + rule.conclusion:
            option = layout.by_code[atom.option]
            if option.index in layout.bitmaps or atom in layout.pseudo:
                continue
            bit = 1 << layout.take(1, option.index)
            layout.pseudo[atom] = bit
            pseudo_atoms.append((bit, atom.option, atom_test(atom, option)))
    return tuple(pseudo_atoms)


def _lay_out_constraints(layout: _Layout, compiled: CompiledFamily) -> tuple[tuple[Any, ...], ...]:
    """Give every constraint rule one bit, set when the constraint is broken, so the rules'
    failing bits are all in the one integer; with each, what checking it and narrowing its
    options' ranges needs (see Index.constraints)."""
    constraints = []
    for rule in compiled.checked_rules:
        if rule.kind == CONSTRAINT:
            bit = 1 << layout.take(1, CONSTRAINT_OWNER)
            constraints.append(
                (
                    rule.index,
                    bit,
                    rule.left,
                    COMPARE[rule.op],
                    rule.right_option,
                    rule.factor,
                    rule.offset,
                    _constraint_entries(compiled, rule, layout.grids),
                )
            )
    return tuple(constraints)


def _not_own(owner: list[int], option_count: int) -> tuple[int, ...]:
    """Per option, every bit it does not own: `config & F & not_own[o] == 0` reads "the side
    holds, except possibly for option o" (see the module docstring)."""
    everything = (1 << len(owner)) - 1
    own = [0] * option_count
    for bit_position, option_index in enumerate(owner):
        if option_index >= 0:
            own[option_index] |= 1 << bit_position
    return tuple(everything & ~mask for mask in own)


def _rule_logic(
    layout: _Layout, rules: tuple[Any, ...]
) -> tuple[tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...]]:
    """Every requires/excludes/available_when rule's `logic` entry, in rule order, then the same
    entries sorted into the quick rules (premise on one slot option, see Index.quick_rules) and
    the others, the two lists availability's two loops go through."""
    logic = []
    quick_rules, other_rules = [], []
    for rule in rules:
        if rule.kind == CONSTRAINT:
            continue
        f_premise = _failing_bits(layout, rule.premise)
        f_conclusion = _failing_bits(layout, rule.conclusion)
        slot_entries, multi_entries, numeric_entries = _option_entries(layout, rule, f_premise, f_conclusion)
        static = _static_hits(layout, rule, slot_entries, bool(multi_entries or numeric_entries))
        entry = (
            rule.index,
            rule.kind == EXCLUDES,
            f_premise,
            f_conclusion,
            static,
            tuple(slot_entries),
            tuple(multi_entries),
            tuple(numeric_entries),
        )
        logic.append(entry)
        quick = _single_slot_premise(layout, rule, f_premise)
        if quick is None:
            other_rules.append(entry)
        else:
            quick_rules.append((*entry[:4], *quick, entry))
    return tuple(logic), tuple(quick_rules), tuple(other_rules)


def _failing_bits(layout: _Layout, atoms: tuple[Atom, ...]) -> int:
    """F for one side of a rule, the bits that make the side false: per slot option the slots
    its atoms on this side reject (atoms on one option hold together), per other atom its pseudo
    bit. `config & F == 0` is then "the side holds"."""
    groups: dict[int, int] = {}
    forbidden = 0
    for atom in atoms:
        option = layout.by_code[atom.option]
        if option.index in layout.bitmaps:
            every = layout.every_slot[option.index]
            mask = slot_mask(option, atom, layout.bitmaps[option.index], every)
            groups[option.index] = groups.get(option.index, every) & mask
        else:
            forbidden |= layout.pseudo[atom]
    for option_index, group in groups.items():
        forbidden |= layout.every_slot[option_index] & ~group
    return forbidden


def _option_entries(
    layout: _Layout, rule: Any, f_premise: int, f_conclusion: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Per option the rule names, by kind (slot, multi, numeric; text options get none), what
    availability needs to say which of its values break the rule, the rest staying as it is."""
    slot_entries, multi_entries, numeric_entries = [], [], []
    for code in rule.fields:
        option = layout.by_code[code]
        if option.index in layout.bitmaps:
            cand = layout.candidates[option.index]
            slot_entries.append(
                (
                    option.index,
                    cand,
                    cand & ~f_premise,
                    cand & ~f_conclusion,
                    layout.slot_base[option.index],
                    layout.local_keys[option.index],
                    layout.mask_keys[option.index],
                )
            )
            continue
        premise_atoms = [atom for atom in rule.premise if atom.option == code]
        conclusion_atoms = [atom for atom in rule.conclusion if atom.option == code]
        if option.kind == MULTI:
            local = layout.multi_bits[option.index][1]
            multi_entries.append(
                (
                    option.index,
                    tuple(_multi_mask(atom, local) for atom in premise_atoms),
                    tuple(_multi_mask(atom, local) for atom in conclusion_atoms),
                )
            )
        elif option.kind in NUMERIC_KINDS:
            grid = layout.grids[option.index]
            numeric_entries.append(
                (option.index, _breaking_positions(rule, option, grid, premise_atoms, conclusion_atoms))
            )
    return slot_entries, multi_entries, numeric_entries


def _breaking_positions(
    rule: Any, option: Option, grid: Grid, premise_atoms: list[Atom], conclusion_atoms: list[Atom]
) -> dict[tuple[bool, bool], tuple[tuple[int, int], ...] | None]:
    """For a numeric option, the grid positions that break the rule, for each answer to "does
    the rest of the premise hold" and "does the rest of the conclusion hold"; None where that
    does not narrow the option. Worked out here on intervals, so evaluate only looks it up."""
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
    return effective


def _single_slot_premise(layout: _Layout, rule: Any, f_premise: int) -> tuple[int, tuple[str, ...]] | None:
    """For a rule whose premise names one slot option p that the conclusion does not (most
    rules): p and the keys of its choices that meet the premise (empty if all or none do).
    While such a premise fails, availability settles the rule with two ANDs; None otherwise."""
    premise_options = {atom.option for atom in rule.premise}
    if len(premise_options) != 1:
        return None
    (code,) = premise_options
    option = layout.by_code[code]
    if option.index not in layout.bitmaps or code in {atom.option for atom in rule.conclusion}:
        return None
    cand = layout.candidates[option.index]
    meets = cand & ~f_premise
    keys = tuple(key for bit, key in layout.slot_keys[option.index] if meets & bit) if meets != cand else ()
    return option.index, keys


def _rule_problems(compiled: CompiledFamily) -> tuple[Problem | None, ...]:
    """Per rule, the Problem evaluate reports when it is broken: immutable, so built once and
    shared by every evaluation (None for a rule naming no option)."""
    return tuple(
        Problem(rule.fields[0], rule.id, rule.kind, rule.message, rule.fields) if rule.fields else None
        for rule in compiled.rules
    )


def _when_tests(compiled: CompiledFamily) -> tuple[tuple[tuple[str, Callable[[Any], bool]], ...], ...]:
    """Per rule, its `when` atoms as (option code, test on the value): resolving default and
    derive rules calls these instead of interpreting the atoms each time."""
    by_code = compiled.by_code
    return tuple(
        tuple((atom.option, atom_test(atom, by_code[atom.option])) for atom in rule.when) for rule in compiled.rules
    )


def _option_keys(options: tuple[Option, ...]) -> tuple[tuple[Option, tuple[str, ...] | None], ...]:
    """Per option, the keys its availability lists choices under ("false"/"true" for a boolean),
    or None for numeric and text options, which report limits instead."""
    return tuple(
        (
            option,
            ("false", "true")
            if option.kind == BOOLEAN
            else tuple(choice.code for choice in option.choices)
            if option.kind in (CHOICE, MULTI)
            else None,
        )
        for option in options
    )
