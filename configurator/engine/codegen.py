"""The rule analysis of one family written out as Python code, compiled once per family version.

availability.analyse interprets the bit index (index.py): per rule it unpacks a tuple of masks
and tables and branches on what they hold. For a given family all of that is known when the
schema is compiled, so here it is written out once as straight-line source, rule after rule in
schema order: the masks become constants, the choice keys a rule can disable are worked out in
advance, and each (option, key) list of messages is a local variable. The generated
`analyse(values)` returns exactly what availability.analyse(compiled, values) returns (the
engine tests hold the two to that), except that `disabled` may also list options with no
disabled keys (as empty dicts), which build_availability reads as none.

Safety: the source is built only from the index's own structures. The one kind of value
written into it is an int (`_int`, which refuses anything else); every string, Decimal, table
and function (option codes, choice keys, messages) reaches the code through the namespace it
is executed in, under a generated name (`_k12`). Nothing a merchandiser or shopper typed is
ever part of the source text.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from .availability import _constraint_positions, _grid_value, _multi_hits, _multi_side, multi_disabled
from .family import CONSTRAINT, CompiledFamily
from .intervals import first_free, last_free

Analyser = Callable[[Mapping[str, Any]], tuple[list[int], dict[str, dict[str, list[str]]], dict[str, Any]]]

# families with more checkable rules than this keep the interpreted analysis (the source, and
# the time to compile it, grow with the rules; real families have a few hundred)
GENERATED_RULES_LIMIT = 3000
# numeric options with at most this many grid values get tables by value (a constraint's
# breaking positions by the other option's value; the values by grid position)
GRID_TABLE_LIMIT = 1024
# multi options with at most this many choices get tables of each rule's culprit mask by the
# ticked set (2**choices entries); larger ones call availability._multi_hits
MULTI_TABLE_CHOICES = 8
_MISSING = object()
_SYMBOLS = {
    operator.lt: "<",
    operator.le: "<=",
    operator.gt: ">",
    operator.ge: ">=",
    operator.eq: "==",
    operator.ne: "!=",
}


def _int(value: Any) -> str:
    """The source text of an int, the only kind of value written into generated source. Big
    masks are written in hex (never limited by int_max_str_digits)."""
    if type(value) is not int:
        raise TypeError(f"only ints are written into generated source, not {type(value).__name__}")
    return repr(value) if -1024 < value < 1024 else hex(value)


def build_analyser(compiled: CompiledFamily) -> Analyser | None:
    """The generated analysis of a compiled family, or None for one past
    GENERATED_RULES_LIMIT (evaluate then interprets the index)."""
    if len(compiled.checked_rules) > GENERATED_RULES_LIMIT:
        return None
    writer = _Writer(compiled)
    text = writer.source()
    code = compile(text, f"<configurator analyse {compiled.family!r} v{compiled.version!r}>", "exec")
    namespace = dict(writer.namespace)
    namespace["__builtins__"] = {}
    exec(code, namespace)  # noqa: S102 - source made of ints and generated names only (module docstring)
    return namespace["analyse"]


def generated_source(compiled: CompiledFamily) -> str:
    """The generated function's source text, for reading and tests."""
    return _Writer(compiled).source()


def _limits(
    hits: list[tuple[int, Any]], option: Any, values_by_k: tuple | None, last: int
) -> tuple[list[int], Any, Any]:
    """availability._numeric_limits for one option with hits (already in rule order), the grid
    values read from a table where the option has one."""
    ranges = [pair for _, positions in hits for pair in positions]
    low, high = first_free(ranges, last), last_free(ranges, last)
    if values_by_k is None:
        return [rule_index for rule_index, _ in hits], _grid_value(option, low), _grid_value(option, high)
    return (
        [rule_index for rule_index, _ in hits],
        None if low is None else values_by_k[low],
        None if high is None else values_by_k[high],
    )


def _constraint_pair(
    values: Mapping[str, Any], rule_index: int, left: str, right: str | None, factor: Any, offset: Any, entry: tuple
) -> tuple[int, Any] | None:
    """(rule index, the positions availability._constraint_positions gives) or None."""
    positions = _constraint_positions(values, left, right, factor, offset, entry)
    return None if positions is None else (rule_index, positions)


def _slot_keys(breaking: int, candidates: int, base: int, keys: tuple, keys_of_mask: tuple | None) -> tuple | None:
    """The keys a breaking slot mask disables (as availability._check_rules), None for no hit."""
    if not breaking or breaking == candidates:
        return None
    breaking >>= base
    if keys_of_mask is not None:
        return keys_of_mask[breaking]
    found = []
    position = 0
    while breaking:
        if breaking & 1 and keys[position] is not None:
            found.append(keys[position])
        breaking >>= 1
        position += 1
    return tuple(found)


class _Writer:
    """Writes one family's `analyse(values)`: its lines, and the namespace its names refer to.

    Locals of the generated function: v<i> the value of option i, s<i> a multi option's ticked
    choices as local bits, d<i> a slot option's disabled keys, l<n> one (option, key)'s list of
    messages (None until a rule first disables the key), b<i> / a<n> the configuration (see
    _configuration), p<n> / q<n> whether a rule's premise / conclusion fails on its n-th
    option, c whether the conclusion fails, po / co the premise / conclusion owner."""

    def __init__(self, compiled: CompiledFamily) -> None:
        self.compiled = compiled
        self.index = compiled.index
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {}
        self.code_index = {code: i for i, code in enumerate(self.index.codes)}
        self.read: set[int] = set()  # options whose value the code reads
        self.selected: set[int] = set()  # multi options whose s<i> the code reads
        self.lists: dict[tuple[int, str], int] = {}
        self.key_names: dict[tuple[int, str], str] = {}
        self.dicts: set[int] = set()
        self.multi_fallback = False
        self.messages = [self.constant(message) for message in self.index.messages]

    # -- writing

    def constant(self, value: Any) -> str:
        """A generated name for a value the code reads (from its namespace, never its text)."""
        name = f"_k{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def add(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)

    def value(self, option_index: int) -> str:
        self.read.add(option_index)
        return f"v{_int(option_index)}"

    def hit(self, depth: int, option_index: int, keys: tuple[str, ...], message: str) -> None:
        """Lines adding `message` to each key's list of option `option_index`; the first time,
        the list is made and put in the option's dict, so keys keep the order rules first
        disable them in (as availability._disabled gives)."""
        self.dicts.add(option_index)
        for key in keys:
            slot = (option_index, key)
            number = self.lists.get(slot)
            if number is None:
                number = self.lists[slot] = len(self.lists)
                self.key_names[slot] = self.constant(key)
            self.add(depth, f"if l{number} is None:")
            self.add(depth + 1, f"l{number} = d{_int(option_index)}[{self.key_names[slot]}] = [{message}]")
            self.add(depth, "else:")
            self.add(depth + 1, f"l{number}.append({message})")

    # -- the function

    def source(self) -> str:
        index = self.index
        quick_rules = {entry[0]: (entry[6], (entry[4], entry[5])) for entry in index.quick_rules}
        other_rules = {entry[0]: (entry, None) for entry in index.other_rules}
        constraints = {entry[0]: entry for entry in index.constraints}
        self._configuration()
        for rule in self.compiled.checked_rules:
            if rule.kind == CONSTRAINT:
                self._constraint(constraints[rule.index])
            else:
                entry, quick = quick_rules.get(rule.index) or other_rules[rule.index]
                self._rule(entry, quick)
        body, self.lines = self.lines, []
        self._start()
        self.lines.extend(body)
        self._finish()
        return "\n".join(_filled(self.lines)) + "\n"

    def _start(self) -> None:
        index = self.index
        self.add(0, "def analyse(values):")
        ordered = sorted(self.read)
        if len(ordered) == 1:
            self.add(1, f"v{_int(ordered[0])} = values[{self.constant(index.codes[ordered[0]])}]")
        elif ordered:
            getter = self.constant(operator.itemgetter(*(index.codes[i] for i in ordered)))
            self.add(1, f"{', '.join(f'v{_int(i)}' for i in ordered)} = {getter}(values)")
        for option_index in sorted(self.selected):
            local = self.constant(index.multi_bits[option_index][1].__getitem__)
            self.add(1, f"s{_int(option_index)} = _sum(_map({local}, v{_int(option_index)}))")
        self.add(1, "broken = []")
        self.add(1, "numeric_hits = {}")
        self.add(1, "multi_hits = {}")
        if self.multi_fallback:
            self.add(1, "multi_selected = {}")
        for option_index in sorted(self.dicts):
            self.add(1, f"d{_int(option_index)} = {{}}")
        names = [f"l{number}" for number in range(len(self.lists))]
        for start in range(0, len(names), 32):
            self.add(1, f"{' = '.join(names[start : start + 32])} = None")

    def _finish(self) -> None:
        index = self.index
        self.namespace.update(
            _index=index,
            _compiled=self.compiled,
            _multi_hits=_multi_hits,
            _multi_disabled=multi_disabled,
            _limits=_limits,
            _constraint_pair=_constraint_pair,
            _MISSING=_MISSING,
            _sum=sum,
            _map=map,
        )
        pairs = ", ".join(f"{self.constant(index.codes[i])}: d{_int(i)}" for i in sorted(self.dicts))
        self.add(1, f"disabled = {{{pairs}}}")
        self.add(1, "if multi_hits:")
        self.add(2, "_multi_disabled(_index, multi_hits, disabled)")
        # availability._numeric_limits, per numeric option in option order
        self.add(1, "numeric = {}")
        for option_index, grid in index.grids.items():
            option = self.compiled.options[option_index]
            code = self.constant(option.code)
            values_by_k = (
                tuple(_grid_value(option, k) for k in range(grid.last + 1)) if grid.last < GRID_TABLE_LIMIT else None
            )
            limits = f"_limits(h, {self.constant(option)}, {self.constant(values_by_k)}, {_int(grid.last)})"
            unnarrowed = f"[], {self.constant(option.min)}, {self.constant(_grid_value(option, grid.last))}"
            self.add(1, f"h = numeric_hits.get({_int(option_index)})")
            self.add(1, f"numeric[{code}] = {limits} if h else ({unnarrowed})")
        self.add(1, "return broken, disabled, numeric")

    def _configuration(self) -> None:
        """The configuration, per option instead of as one integer of index.py's bits: b<i>, a
        slot option's value as a local slot bit (bit k: its k-th slot), and a<n>, true when
        the n-th pseudo atom is false. (Constraint bits are left out: no rule mask holds them,
        and constraints are checked where they stand in rule order.) A rule side's mask F then
        reads, per option it names, "fails on this option" as `b<i> & <F's slots of i>` or
        `a<n> or a<m>` (see _side)."""
        index, code_index = self.index, self.code_index
        self.slot_base: dict[int, int] = {}
        for code, bitmap in index.slot_options:
            option_index = code_index[code]
            base = min(bitmap.values()).bit_length() - 1
            self.slot_base[option_index] = base
            local = {value: bit >> base for value, bit in bitmap.items()}
            self.add(1, f"b{_int(option_index)} = {self.constant(local)}[{self.value(option_index)}]")
        self.pseudo_flags: dict[int, str] = {}  # bit position -> a<n>
        for number, (bit, code, holds) in enumerate(index.pseudo_atoms):
            self.pseudo_flags[bit.bit_length() - 1] = f"a{_int(number)}"
            self.add(1, f"a{_int(number)} = not {self.constant(holds)}({self.value(code_index[code])})")

    def _side(self, mask: int) -> list[tuple[int, str]]:
        """A rule side's failing bits as (option, test of "the side fails on this option"), in
        option order: the slots of a slot option the side rejects, or the option's pseudo atoms."""
        slots: dict[int, int] = {}
        atoms: dict[int, list[str]] = {}
        owner = self.index.owner
        position = 0
        while mask:
            if mask & 1:
                option_index = owner[position]
                if option_index in self.slot_base:
                    local = 1 << (position - self.slot_base[option_index])
                    slots[option_index] = slots.get(option_index, 0) | local
                else:
                    atoms.setdefault(option_index, []).append(self.pseudo_flags[position])
            mask >>= 1
            position += 1
        parts = []
        for option_index in sorted(slots.keys() | atoms.keys()):
            if option_index in slots:
                parts.append((option_index, f"b{_int(option_index)} & {_int(slots[option_index])}"))
            else:
                parts.append((option_index, " or ".join(atoms[option_index])))
        return parts

    def _fails(self, depth: int, parts: list[tuple[int, str]], prefix: str) -> tuple[str, dict[int, str]]:
        """(a test of "the side fails", per option the name or test of "fails on it"); a side
        naming several options gets its per-option answers in locals <prefix>0, <prefix>1, ..."""
        if not parts:
            return "False", {}
        if len(parts) == 1:
            option_index, test = parts[0]
            return test, {option_index: f"({test})"}
        flags = {}
        for number, (option_index, test) in enumerate(parts):
            name = f"{prefix}{_int(number)}"
            self.add(depth, f"{name} = {test}")
            flags[option_index] = name
        return " or ".join(flags.values()), flags

    @staticmethod
    def _only(option_index: int, flags: dict[int, str]) -> str:
        """Given that the side fails: the test that it fails on this option alone."""
        others = [flag for other, flag in flags.items() if other != option_index]
        return "True" if not others else f"not ({' or '.join(others)})"

    # -- requires, excludes and available_when rules

    def _rule(self, entry: tuple[Any, ...], quick: tuple[int, tuple[str, ...]] | None) -> None:
        _, excludes, f_premise, f_conclusion, static, *_ = entry
        depth = 1
        if quick is not None and f_premise:
            # availability._settle_quick_rules: the premise, on one slot option, fails
            option_index, keys = quick
            ((_, premise_fails),) = self._side(f_premise)
            self.add(1, f"if {premise_fails}:")
            if keys:
                conclusion_fails, _ = self._fails(2, self._side(f_conclusion), "q")
                self.add(2, f"if not ({conclusion_fails}):" if excludes else f"if {conclusion_fails}:")
                self.hit(3, option_index, keys, self.messages[entry[0]])
            self.add(1, "else:")
            depth = 2
        premise_holds = quick is not None or f_premise == 0
        if static is not None:
            self._static_rule(depth, entry, premise_holds)
        else:
            self._general_rule(depth, entry, premise_holds)

    def _static_rule(self, depth: int, entry: tuple[Any, ...], premise_holds: bool) -> None:
        """availability._check_rules' static case: every hit's keys are in `static`."""
        rule_index, excludes, f_premise, f_conclusion, static, *_ = entry
        premise_keys, premise_items, conclusion_keys, conclusion_items = static
        message = self.messages[rule_index]
        if not premise_holds:
            premise_fails, flags = self._fails(depth, self._side(f_premise), "p")
            self.add(depth, f"if {premise_fails}:")
            if premise_keys:
                conclusion_fails, _ = self._fails(depth + 1, self._side(f_conclusion), "q")
                self.add(depth + 1, f"if not ({conclusion_fails}):" if excludes else f"if {conclusion_fails}:")
                self._contained_hit(depth + 2, premise_keys, flags, message)
            self.add(depth, "else:")
            depth += 1
        conclusion_fails, flags = self._fails(depth, self._side(f_conclusion), "q")
        broken = f"broken.append({_int(rule_index)})"
        if excludes:
            self.add(depth, f"if not ({conclusion_fails}):")
            self.add(depth + 1, broken)
            for option_index, keys in premise_items + conclusion_items:
                self.hit(depth + 1, option_index, keys, message)
            if conclusion_keys:
                self.add(depth, "else:")
                self._contained_hit(depth + 1, conclusion_keys, flags, message)
        else:
            self.add(depth, f"if {conclusion_fails}:")
            self.add(depth + 1, broken)
            for option_index, keys in premise_items:
                self.hit(depth + 1, option_index, keys, message)
            self._contained_hit(depth + 1, conclusion_keys, flags, message)
            if conclusion_items:
                self.add(depth, "else:")
                for option_index, keys in conclusion_items:
                    self.hit(depth + 1, option_index, keys, message)

    def _contained_hit(
        self, depth: int, keys_by_option: dict[int, tuple[str, ...]], flags: dict[int, str], message: str
    ) -> None:
        """Given that the side fails: the hit of the one option it fails on, if it fails on one
        only and that option has keys (availability: the owner of the lowest failing bit,
        `missing & not_own[owner] == 0`, then `keys.get(owner)`)."""
        test = "if"
        for option_index, keys in keys_by_option.items():
            if not keys:
                continue
            only = self._only(option_index, flags)
            if only == "True":
                self.hit(depth, option_index, keys, message)
                return
            self.add(depth, f"{test} {only}:")
            self.hit(depth + 1, option_index, keys, message)
            test = "elif"

    def _owner_chain(self, flags: dict[int, str], fallback: int) -> str:
        """Given that the side fails: the one option it fails on, else `fallback`."""
        if len(flags) == 1:
            return _int(next(iter(flags)))
        parts = [f"{_int(option_index)} if {self._only(option_index, flags)} else" for option_index in flags]
        return f"({' '.join(parts)} {_int(fallback)})"

    # -- constraint rules

    def _constraint(self, entry: tuple[Any, ...]) -> None:
        """A constraint rule: broken when `left <op> right * factor + offset` is false; then the
        grid positions of each option it names that break it (availability._constraint_hits),
        from a table by the other option's value (they depend on nothing else)."""
        rule_index, _, left, holds, right, factor, offset, entries = entry
        left_value = self.value(self.code_index[left])
        if right is None:
            right_value = self.constant(offset)
        else:
            right_value = f"({self.value(self.code_index[right])} * {self.constant(factor)} + {self.constant(offset)})"
        symbol = _SYMBOLS.get(holds)
        test = (
            f"{left_value} {symbol} {right_value}" if symbol else f"{self.constant(holds)}({left_value}, {right_value})"
        )
        self.add(1, f"if not ({test}):")
        self.add(2, f"broken.append({_int(rule_index)})")
        for option_entry in entries:
            option_index, on_left, on_right = option_entry[:3]
            arguments = (rule_index, left, right, factor, offset, option_entry)
            depends = right if not on_right and right is not None else left if not on_left else None
            add = f"numeric_hits.setdefault({_int(option_index)}, []).append"
            if depends is None:  # the option is on both sides, or on the left against a constant
                pair = _constraint_pair({}, *arguments)
                if pair is not None:
                    self.add(1, f"{add}({self.constant(pair)})")
                continue
            other = self.compiled.by_code[depends]
            grid = self.index.grids[other.index]
            call = f"_constraint_pair(values, {', '.join(self.constant(argument) for argument in arguments)})"
            if grid.last < GRID_TABLE_LIMIT:
                table = {}
                for k in range(grid.last + 1):
                    value = _grid_value(other, k)
                    table[value] = _constraint_pair({depends: value}, *arguments)
                self.add(1, f"p = {self.constant(table)}.get({self.value(other.index)}, _MISSING)")
                self.add(1, "if p is _MISSING:")
                self.add(2, f"p = {call}")
            else:
                self.add(1, f"p = {call}")
            self.add(1, "if p is not None:")
            self.add(2, f"{add}(p)")

    def _general_rule(self, depth: int, entry: tuple[Any, ...], premise_holds: bool) -> None:
        """availability._check_rules' general case. po / co: the premise / conclusion owner
        (-1: the side holds; else the one option it fails on; -3: the premise fails on several,
        so the rule does nothing; -2: the conclusion fails on several)."""
        rule_index, excludes, f_premise, f_conclusion, _, slots, multis, numerics = entry
        broken = f"broken.append({_int(rule_index)})"
        premise_options: list[int] = []
        if not premise_holds:
            premise_fails, flags = self._fails(depth, self._side(f_premise), "p")
            premise_options = list(flags)
            self.add(depth, f"po = {self._owner_chain(flags, -3)} if {premise_fails} else -1")
            if len(premise_options) > 1:
                self.add(depth, "if po != -3:")
                depth += 1
        conclusion_fails, flags = self._fails(depth, self._side(f_conclusion), "q")
        conclusion_options = list(flags)
        self.add(depth, f"c = {conclusion_fails}")
        chain = self._owner_chain(flags, -2) if flags else "-2"
        if excludes:
            self.add(depth, f"co = {chain} if c else -1")
            self.add(depth, "if not c:" if premise_holds else "if not c and po == -1:")
            self.add(depth + 1, broken)
            if len(conclusion_options) > 1:
                self.add(depth, "if co != -2:")
                depth += 1
        else:
            self.add(depth, "if c:")
            self.add(depth + 1, f"co = {chain}")
            self.add(depth + 1, broken if premise_holds else "if po == -1:")
            if not premise_holds:
                self.add(depth + 2, broken)
            self.add(depth, "else:")
            self.add(depth + 1, "co = -1")

        def premise_test(option_index: int) -> str | None:
            """`po is -1 or this option`; None when that always holds."""
            if premise_holds:
                return None
            if option_index in premise_options:
                return None if len(premise_options) == 1 else f"po == -1 or po == {_int(option_index)}"
            return "po == -1"

        def conclusion_test(option_index: int) -> str | None:
            """`co is -1 or this option`; None when that always holds."""
            if option_index in conclusion_options:
                return None if len(conclusion_options) == 1 else f"co == -1 or co == {_int(option_index)}"
            return "co == -1"

        message = self.messages[rule_index]
        for option_index, candidates, premise_ok, conclusion_ok, base, keys, keys_of_mask in slots:
            same = premise_ok & conclusion_ok if excludes else premise_ok & ~conclusion_ok
            other = 0 if excludes else premise_ok
            keys_same = _slot_keys(same, candidates, base, keys, keys_of_mask)
            keys_other = _slot_keys(other, candidates, base, keys, keys_of_mask)
            self._branches(
                depth,
                premise_test(option_index),
                conclusion_test(option_index),
                None if keys_same is None else lambda d, o=option_index, k=keys_same: self.hit(d, o, k, message),
                None if keys_other is None else lambda d, o=option_index, k=keys_other: self.hit(d, o, k, message),
            )
        for multi in multis:
            self._multi(depth, rule_index, excludes, multi, premise_test, conclusion_test, premise_holds)
        for option_index, effective in numerics:
            writes = []
            for rest_conclusion in (True, False):
                positions = effective[True, rest_conclusion]
                if positions is None:
                    writes.append(None)
                    continue
                add = f"numeric_hits.setdefault({_int(option_index)}, []).append"
                pair = self.constant((rule_index, positions))
                writes.append(lambda d, text=f"{add}({pair})": self.add(d, text))
            self._branches(depth, premise_test(option_index), conclusion_test(option_index), *writes)

    def _multi(
        self,
        depth: int,
        rule_index: int,
        excludes: bool,
        multi: tuple[Any, ...],
        premise_test: Callable[[int], str | None],
        conclusion_test: Callable[[int], str | None],
        premise_holds: bool,
    ) -> None:
        """availability._multi_hits for one multi option of a rule: the culprit mask (choices
        whose ticking breaks the rule, unticking them not) read from two tables by the ticked
        set, one for each answer to "does the rest of the conclusion hold"."""
        option_index, premise_masks, conclusion_masks = multi
        codes = self.index.multi_bits[option_index][0]
        if len(codes) > MULTI_TABLE_CHOICES:
            self.multi_fallback = True
            po = "-1" if premise_holds else "po"
            arguments = f"{_int(rule_index)}, {excludes!r}, {self.constant((multi,))}, {po}, co"
            self.add(depth, f"_multi_hits(_compiled, values, {arguments}, multi_selected, multi_hits)")
            return
        full = (1 << len(codes)) - 1
        tables = []
        for rest_conclusion in (True, False):
            table = []
            for selected in range(full + 1):
                add_p, remove_p = _multi_side(premise_masks, selected, full)
                add_c, remove_c = _multi_side(conclusion_masks, selected, full) if rest_conclusion else (0, 0)
                if excludes:
                    with_it, without_it = add_p & add_c, remove_p & remove_c
                else:
                    with_it, without_it = add_p & ~add_c, remove_p & ~remove_c
                table.append(with_it & ~without_it & full)
            tables.append(tuple(table) if any(table) else None)
        selected = f"s{_int(option_index)}"
        add = f"multi_hits.setdefault({_int(option_index)}, []).append(({_int(rule_index)}, x))"
        writes = [
            None
            if table is None
            else lambda d, table=table: (
                self.selected.add(option_index),
                self.add(d, f"x = {self.constant(table)}[{selected}]"),
                self.add(d, "if x:"),
                self.add(d + 1, add),
            )
            for table in tables
        ]
        self._branches(depth, premise_test(option_index), conclusion_test(option_index), *writes)

    def _branches(
        self,
        depth: int,
        premise_test: str | None,
        conclusion_test: str | None,
        when_same: Callable[[int], Any] | None,
        when_other: Callable[[int], Any] | None,
    ) -> None:
        """`if premise_test: if conclusion_test: when_same else: when_other`, leaving out the
        parts that do nothing (a test None: always true)."""
        if conclusion_test is None:
            when_other = None
        if when_same is None and when_other is None:
            return
        if premise_test is not None:
            self.add(depth, f"if {premise_test}:")
            depth += 1
        if conclusion_test is None:
            when_same(depth)
        elif when_same is not None:
            self.add(depth, f"if {conclusion_test}:")
            when_same(depth + 1)
            if when_other is not None:
                self.add(depth, "else:")
                when_other(depth + 1)
        else:
            self.add(depth, f"if not ({conclusion_test}):")
            when_other(depth + 1)


def _filled(lines: list[str]) -> list[str]:
    """The lines with `pass` in every block left empty (a branch whose hits all came to
    nothing, such as a rule disabling only "nothing chosen")."""
    out = []
    for number, line in enumerate(lines):
        out.append(line)
        if line.endswith(":"):
            depth = len(line) - len(line.lstrip(" "))
            following = lines[number + 1] if number + 1 < len(lines) else ""
            if len(following) - len(following.lstrip(" ")) <= depth:
                out.append(" " * (depth + 4) + "pass")
    return out
