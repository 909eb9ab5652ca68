"""Which rules a configuration breaks, on the bit index (index.py), without availability."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .family import CompiledFamily


def configuration_bits(compiled: CompiledFamily, values: Mapping[str, Any]) -> tuple[int, list[int]]:
    """The configuration as one integer (see index.py) and the broken constraint rules."""
    index = compiled.index
    config = 0
    for code, bitmap in index.slot_options:
        config |= bitmap[values[code]]
    for bit, code, holds in index.pseudo_atoms:
        if not holds(values[code]):
            config |= bit
    broken = []
    for rule_index, bit, left, holds, right, factor, offset, _ in index.constraints:
        if not holds(values[left], offset if right is None else values[right] * factor + offset):
            config |= bit
            broken.append(rule_index)
    return config, broken


def broken_rules(compiled: CompiledFamily, values: Mapping[str, Any]) -> list[int]:
    """Indices of the broken rules, ascending; no availability (repair's inner loop)."""
    config, broken = configuration_bits(compiled, values)
    for rule_index, excludes, f_premise, f_conclusion, *_ in compiled.index.logic:
        if not config & f_premise and bool(config & f_conclusion) != excludes:
            broken.append(rule_index)
    broken.sort()
    return broken
