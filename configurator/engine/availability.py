"""The fast analysis behind evaluate(): broken rules and availability in one pass over the
bit index (index.py).

For a rule and an option o it names, "the rest" of a side holds when the side's failing bits
all belong to o (config & F & ~own(o) == 0). Then the choices of o that break the rule are
those meeting the premise part on o and, for requires, failing the conclusion part (for
excludes, meeting it): W_rest and mask_o_premise and not (T_rest and mask_o_conclusion).
A rule that every value of o breaks does not tell o's choices apart and disables none of them
(same as the naive evaluator).
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .family import DECIMAL, CompiledFamily
from .intervals import first_free, last_free, narrows
from .parse import normalise_decimal
from .rulecheck import configuration_bits


def _multi_side(masks: tuple[tuple[str, int], ...], selected: int, full: int) -> tuple[int, int]:
    """For a multi option with `selected` ticked: the choices c for which this side's atoms on
    the option all hold with c added, and with c removed."""
    add = remove = full
    for op, mask in masks:
        if op == "includes":
            if selected & mask:
                remove &= full & ~mask
            else:
                add &= mask
                remove = 0
        elif op == "not_includes":
            if selected & mask:
                add = 0
                remove &= mask
            else:
                add &= full & ~mask
        elif op == "includes_any":
            common = selected & mask
            if not common:
                add &= mask
                remove = 0
            elif common.bit_count() == 1:
                remove &= full & ~common
        elif op in ("is", "is_not"):
            if selected == mask:
                add_is, remove_is = selected, full & ~selected
            else:
                missing, extra = mask & ~selected, selected & ~mask
                add_is = missing if not extra and missing.bit_count() == 1 else 0
                remove_is = extra if not missing and extra.bit_count() == 1 else 0
            if op == "is":
                add &= add_is
                remove &= remove_is
            else:
                add &= full & ~add_is
                remove &= full & ~remove_is
        elif op in ("filled", "empty"):
            count = selected.bit_count()
            remove_filled = full if count >= 2 else (full & ~selected if count == 1 else 0)
            if op == "filled":
                remove &= remove_filled
            else:
                add = 0
                remove &= full & ~remove_filled
    return add, remove


def analyse(
    compiled: CompiledFamily, values: Mapping[str, Any]
) -> tuple[list[int], dict[str, dict[str, list[str]]], dict[str, tuple[list[int], Any, Any]]]:
    """Broken rules (ascending indices) and availability facts (see
    outcome.build_availability), from the bit index."""
    index = compiled.index
    config, broken = configuration_bits(compiled, values)
    # (option index, rule index, keys of the choices it disables)
    slot_hits: list[tuple[int, int, tuple[str, ...]]] = []
    multi_hits: dict[int, list[tuple[int, int]]] = {}
    numeric_hits: dict[int, list[tuple[int, Any]]] = {}
    remaining = _settle_quick_rules(index, config, slot_hits)
    _check_rules(compiled, values, config, remaining, broken, slot_hits, multi_hits, numeric_hits)
    _constraint_hits(index, values, numeric_hits)
    broken.sort()
    return broken, _disabled(index, slot_hits, multi_hits), _numeric_limits(compiled, numeric_hits)


def _settle_quick_rules(index: Any, config: int, slot_hits: list[tuple[int, int, tuple[str, ...]]]) -> list:
    """Most rules have a premise on one slot option p that the conclusion does not name. While
    that premise fails, only p's premise-meeting choices can break the rule, and they do iff
    the conclusion is met (excludes) / not met (requires). This settles those and returns the
    `logic` entries of every other rule (and every rule whose premise holds) for _check_rules,
    so hits are sorted back into rule order at the end."""
    add_slot_hit = slot_hits.append
    remaining = []
    for rule_index, excludes, f_premise, f_conclusion, option_index, keys, entry in index.quick_rules:
        if config & f_premise:
            if keys and (not config & f_conclusion) == excludes:
                add_slot_hit((option_index, rule_index, keys))
        else:
            remaining.append(entry)
    remaining += index.other_rules
    return remaining


def _check_rules(
    compiled: CompiledFamily,
    values: Mapping[str, Any],
    config: int,
    rules: list,
    broken: list[int],
    slot_hits: list[tuple[int, int, tuple[str, ...]]],
    multi_hits: dict[int, list[tuple[int, int]]],
    numeric_hits: dict[int, list[tuple[int, Any]]],
) -> None:
    """For each of the rules (`logic` entries): whether it is broken (added to `broken`) and
    which values of each option it names would break it, the rest staying as it is (added to
    the hits). One loop with the static and the slot cases inline, on purpose: it runs for most
    rules on every evaluate, and a call per rule for either measured 3-5% slower on
    benchmarks/configurator_engine.py."""
    index = compiled.index
    owner = index.owner
    not_own = index.not_own
    add_slot_hit = slot_hits.append
    multi_selected: dict[int, int] = {}
    for rule_index, excludes, f_premise, f_conclusion, static, slots, multis, numerics in rules:
        missing = config & f_premise
        if static is not None:
            # slot options only, none on both sides: which choices break the rule depends
            # only on which side fails where, so the keys were worked out at compile time
            met = not config & f_conclusion
            if missing:
                premise_owner = owner[(missing & -missing).bit_length() - 1]
                if not missing & not_own[premise_owner] and met == excludes:
                    keys = static[0].get(premise_owner)
                    if keys:
                        add_slot_hit((premise_owner, rule_index, keys))
                continue
            if met:
                if excludes:
                    broken.append(rule_index)
                    for option_index, keys in static[1]:
                        add_slot_hit((option_index, rule_index, keys))
                for option_index, keys in static[3]:
                    add_slot_hit((option_index, rule_index, keys))
                continue
            missing = config & f_conclusion
            conclusion_owner = owner[(missing & -missing).bit_length() - 1]
            several = missing & not_own[conclusion_owner]
            if not excludes:
                broken.append(rule_index)
                for option_index, keys in static[1]:
                    add_slot_hit((option_index, rule_index, keys))
            elif several:
                continue
            if not several:
                keys = static[2].get(conclusion_owner)
                if keys:
                    add_slot_hit((conclusion_owner, rule_index, keys))
            continue
        # premise_owner / conclusion_owner: -1 if the side holds, the one option it fails on,
        # or (conclusion only) -2 if it fails on several. A premise failing on several options
        # can be fixed by no single change, so the rule neither fires nor disables anything.
        if missing:
            premise_owner = owner[(missing & -missing).bit_length() - 1]
            if missing & not_own[premise_owner]:
                continue
        else:
            premise_owner = -1
        missing = config & f_conclusion
        if missing:
            conclusion_owner = owner[(missing & -missing).bit_length() - 1]
            if missing & not_own[conclusion_owner]:
                if excludes:
                    continue
                conclusion_owner = -2
            if premise_owner == -1 and not excludes:
                broken.append(rule_index)
        else:
            conclusion_owner = -1
            if premise_owner == -1 and excludes:
                broken.append(rule_index)

        for option_index, candidates, premise_ok, conclusion_ok, base, keys, keys_of_mask in slots:
            if premise_owner != -1 and premise_owner != option_index:
                continue
            if conclusion_owner == -1 or conclusion_owner == option_index:
                breaking = premise_ok & conclusion_ok if excludes else premise_ok & ~conclusion_ok
            else:
                breaking = 0 if excludes else premise_ok
            if breaking and breaking != candidates:
                breaking >>= base
                if keys_of_mask is not None:
                    add_slot_hit((option_index, rule_index, keys_of_mask[breaking]))
                    continue
                found = []
                position = 0
                while breaking:
                    if breaking & 1 and keys[position] is not None:
                        found.append(keys[position])
                    breaking >>= 1
                    position += 1
                add_slot_hit((option_index, rule_index, tuple(found)))
        if multis:
            _multi_hits(
                compiled,
                values,
                rule_index,
                excludes,
                multis,
                premise_owner,
                conclusion_owner,
                multi_selected,
                multi_hits,
            )
        if numerics:
            for option_index, effective in numerics:
                if premise_owner != -1 and premise_owner != option_index:
                    continue
                breaking = effective[True, conclusion_owner == -1 or conclusion_owner == option_index]
                if breaking is not None:
                    numeric_hits.setdefault(option_index, []).append((rule_index, breaking))


def _multi_hits(
    compiled: CompiledFamily,
    values: Mapping[str, Any],
    rule_index: int,
    excludes: bool,
    multis: tuple[tuple[Any, ...], ...],
    premise_owner: int,
    conclusion_owner: int,
    multi_selected: dict[int, int],
    multi_hits: dict[int, list[tuple[int, int]]],
) -> None:
    """The choices of each multi option the rule names whose ticking breaks the rule while
    leaving them unticked does not (their local bits, the "culprit" mask)."""
    multi_bits = compiled.index.multi_bits
    for option_index, premise_masks, conclusion_masks in multis:
        if premise_owner != -1 and premise_owner != option_index:
            continue
        codes, local = multi_bits[option_index]
        full = (1 << len(codes)) - 1
        selected = multi_selected.get(option_index)
        if selected is None:
            selected = sum(local[code] for code in values[compiled.options[option_index].code])
            multi_selected[option_index] = selected
        add_p, remove_p = _multi_side(premise_masks, selected, full)
        if conclusion_owner == -1 or conclusion_owner == option_index:
            add_c, remove_c = _multi_side(conclusion_masks, selected, full)
        else:
            add_c = remove_c = 0
        if excludes:
            with_it, without_it = add_p & add_c, remove_p & remove_c
        else:
            with_it, without_it = add_p & ~add_c, remove_p & ~remove_c
        culprit = with_it & ~without_it & full
        if culprit:
            multi_hits.setdefault(option_index, []).append((rule_index, culprit))


def _constraint_hits(index: Any, values: Mapping[str, Any], numeric_hits: dict[int, list[tuple[int, Any]]]) -> None:
    """Per constraint rule and option it names, the grid positions of the option that break it,
    the other option staying as it is (added to the numeric hits)."""
    for rule_index, _, left, _, right, factor, offset, entries in index.constraints:
        for entry in entries:
            positions = _constraint_positions(values, left, right, factor, offset, entry)
            if positions is not None:
                numeric_hits.setdefault(entry[0], []).append((rule_index, positions))


def _disabled(
    index: Any, slot_hits: list[tuple[int, int, tuple[str, ...]]], multi_hits: dict[int, list[tuple[int, int]]]
) -> dict[str, dict[str, list[str]]]:
    """Option code -> choice key -> messages of the rules disabling it, in rule order, from the
    hits of slot and multi options."""
    slot_hits.sort(key=_second)  # stable: one rule's hits stay in option order
    disabled: dict[str, dict[str, list[str]]] = {}
    codes_by_index = index.codes
    messages = index.messages
    for option_index, rule_index, keys in slot_hits:
        code = codes_by_index[option_index]
        per_key = disabled.get(code)
        if per_key is None:
            per_key = disabled[code] = {}
        message = messages[rule_index]
        for key in keys:
            found = per_key.get(key)
            if found is None:
                per_key[key] = [message]
            else:
                found.append(message)
    multi_disabled(index, multi_hits, disabled)
    return disabled


def multi_disabled(
    index: Any, multi_hits: dict[int, list[tuple[int, int]]], disabled: dict[str, dict[str, list[str]]]
) -> None:
    """The disabled keys of every multi option with hits, into `disabled`: per choice (in
    choice order), the messages of the rules whose culprit mask holds it, in rule order."""
    messages = index.messages
    for option_index, hits in multi_hits.items():
        hits.sort(key=_first)
        per_key: dict[str, list[str]] = {}
        for position, code in enumerate(index.multi_bits[option_index][0]):
            for rule_index, culprit in hits:
                if culprit >> position & 1:
                    per_key.setdefault(code, []).append(messages[rule_index])
        disabled[index.codes[option_index]] = per_key


def _numeric_limits(
    compiled: CompiledFamily, numeric_hits: dict[int, list[tuple[int, Any]]]
) -> dict[str, tuple[list[int], Any, Any]]:
    """Option code -> (the rules narrowing it, ascending; lowest and highest value no rule
    forbids) for every numeric option, from the grid positions the rules forbid."""
    numeric: dict[str, tuple[list[int], Any, Any]] = {}
    options = compiled.options
    for option_index, grid in compiled.index.grids.items():
        option = options[option_index]
        hits = numeric_hits.get(option_index)
        if hits:
            hits.sort(key=_first)
            ranges = [pair for _, positions in hits for pair in positions]
            numeric[option.code] = (
                [rule_index for rule_index, _ in hits],
                _grid_value(option, first_free(ranges, grid.last)),
                _grid_value(option, last_free(ranges, grid.last)),
            )
        else:
            numeric[option.code] = ([], option.min, _grid_value(option, grid.last))
    return numeric


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


_second = operator.itemgetter(1)


def _grid_value(option: Any, k: int | None) -> Any:
    if k is None:
        return None
    value = option.min + k * option.step
    return normalise_decimal(option, value) if option.kind == DECIMAL else value


def _constraint_positions(
    values: Mapping[str, Any], left: str, right: str | None, factor: Decimal, offset: Decimal, entry: tuple[Any, ...]
) -> tuple[tuple[int, int], ...] | None:
    """The grid positions of one option that break a constraint, the other option staying as
    it is; None unless that narrows the option without emptying it. Exact Decimal arithmetic:
    the boundary is floor/ceil of a quotient, computed from divide-integer and remainder."""
    _, on_left, on_right, slope, scale, op, minimum, last = entry
    rest = -offset if on_right else -(offset if right is None else values[right] * factor + offset)
    if not on_left:
        rest += values[left]
    target = -(rest + slope * minimum)
    quotient = target // scale
    exact = target == quotient * scale
    floor = int(quotient)
    if not exact and (target < 0) != (scale < 0):
        floor -= 1
    ceil = floor if exact else floor + 1
    if op == "lt" or op == "lte" or op == "gt" or op == "gte":
        if op == "lt":
            low, high = ceil, last
        elif op == "lte":
            low, high = floor + 1, last
        elif op == "gt":
            low, high = 0, floor
        else:
            low, high = 0, ceil - 1
        low = max(low, 0)
        high = min(high, last)
        # narrows: forbids some positions but not all of 0..last
        return ((low, high),) if low <= high and (low > 0 or high < last) else None
    ranges = ((0, floor - 1), (floor + 1, last)) if op == "eq" and exact else ((0, last),) if op == "eq" else ()
    if op == "ne" and exact:
        ranges = ((floor, floor),)
    clipped = tuple((max(0, a), min(last, b)) for a, b in ranges if max(0, a) <= min(last, b))
    return clipped if narrows(clipped, last) else None
