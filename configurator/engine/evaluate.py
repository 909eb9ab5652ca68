"""evaluate: parse, resolve, check every rule and work out what the shopper may pick next.

The rule checks and availability run on the bit index (index.py): one integer holds the
configuration, each rule side is one mask, so "is this rule broken" and "which choices of
option o would break it, the rest staying as it is" are a handful of integer operations per
rule instead of a re-check per candidate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .availability import analyse
from .family import CompiledFamily
from .outcome import assemble, build_availability
from .resolve import prepare
from .results import Evaluation


def evaluate(compiled: CompiledFamily, raw_values: Mapping[str, Any]) -> Evaluation:
    """Evaluate a configuration: normalised values, problems, availability, canonical key.

    Guarantees: deterministic (same input, same output and error order, whatever the key
    order of `raw_values`); never raises on shopper input (every bad value becomes a Problem);
    keys that are not option codes, such as "price", are reported and otherwise ignored.
    """
    prepared = prepare(compiled, raw_values)
    analyser = compiled.analyser  # the family's rule analysis as generated code (codegen.py)
    if analyser is not None:
        broken, disabled, numeric = analyser(prepared.values)
    else:
        broken, disabled, numeric = analyse(compiled, prepared.values)
    availability = build_availability(compiled, prepared, disabled, numeric)
    return assemble(compiled, prepared, broken, availability)
