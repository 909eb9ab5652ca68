"""Benchmark the configurator engine: evaluate + quote on a large generated family.

    python benchmarks/configurator_engine.py [--quick] [--seed N]

Builds (seeded) a family of 60 options and 300 rules whose all-defaults configuration is
valid, then times evaluate() (availability of every choice included) followed by quote() for
valid results, on random configurations: half repaired to be valid, half raw (mostly
invalid, some with form strings and bad values). The naive evaluator is timed on a subset
of the same configurations and must return identical evaluations. Progress goes to stderr;
the last line on stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from configurator.engine import compile_schema, evaluate, form_value, naive_evaluate, quote, repair


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _choices(rnd: random.Random, prefix: str, count: int) -> list[dict]:
    return [
        {
            "code": f"{prefix}{k}",
            "name": f"{prefix.title()} {k}",
            "swatch": None,
            "price": str(rnd.choice([0, 0, 15, 40, 90, 150])),
            "cost": str(rnd.choice([0, 5, 20])),
            "lead_days": rnd.choice([0, 0, 0, 1, 2]),
        }
        for k in range(count)
    ]


def generate_options(rnd: random.Random, count: int) -> list[dict]:
    kinds = ["multi"] * 4 + ["boolean"] * 8 + ["integer"] * 4 + ["decimal"] * 2 + ["text"] * 3
    kinds += ["choice"] * (count - 1 - len(kinds))
    rnd.shuffle(kinds)
    kinds.append("quantity")
    options = []
    for position, kind in enumerate(kinds):
        code = f"o{position:02d}"
        option = {"code": code, "name": f"Option {position}", "group": f"Group {position // 8}", "kind": kind}
        if kind == "choice":
            choices = _choices(rnd, "c", rnd.randint(3, 6))
            required = rnd.random() < 0.85
            option.update(required=required, choices=choices, default=choices[0]["code"] if required else None)
        elif kind == "multi":
            option.update(
                choices=_choices(rnd, "m", rnd.randint(3, 6)),
                default=[],
                min_selected=0,
                max_selected=rnd.choice([None, 3]),
            )
        elif kind == "boolean":
            option.update(default=False, price=str(rnd.choice([20, 49, 99])), cost="10", lead_days=rnd.choice([0, 1]))
        elif kind == "integer":
            low, step = rnd.choice([0, 50, 100]), rnd.choice([5, 10])
            high = low + step * rnd.randint(10, 30)
            option.update(
                min=low,
                max=high,
                step=step,
                default=low + step * rnd.randint(0, 5),
                base_value=low,
                price_per_unit="1.50",
                cost_per_unit="0.50",
                unit="cm",
                lead_days=0,
            )
        elif kind == "decimal":
            option.update(
                min="1.0",
                max="5.0",
                step="0.5",
                default="2.5",
                base_value="1.0",
                price_per_unit="10",
                cost_per_unit="2",
            )
        elif kind == "text":
            option.update(
                min_length=0,
                max_length=20,
                pattern="^[A-Za-z0-9 ]*$",
                pattern_help="letters and digits",
                default="",
                price="15",
                cost="2",
                lead_days=1,
            )
        else:
            option.update(min=1, max=100, default=1)
        options.append(option)
    return options


def _atom(rnd: random.Random, option: dict) -> dict:
    kind, code = option["kind"], option["code"]
    if kind == "choice":
        codes = [choice["code"] for choice in option["choices"]]
        op = rnd.choice(["is", "is", "is", "in", "not_in", "is_not"])
        if op in ("in", "not_in"):
            return {"option": code, "op": op, "values": rnd.sample(codes, 2)}
        return {"option": code, "op": op, "value": rnd.choice(codes)}
    if kind == "boolean":
        return {"option": code, "op": "is", "value": rnd.random() < 0.6}
    if kind == "multi":
        return {
            "option": code,
            "op": rnd.choice(["includes", "not_includes"]),
            "value": rnd.choice(option["choices"])["code"],
        }
    if kind == "text":
        return {"option": code, "op": rnd.choice(["filled", "empty"])}
    low, high = Decimal(str(option["min"])), Decimal(str(option["max"]))
    middle = low + (high - low) * Decimal(rnd.randint(3, 7)) / 10
    return {"option": code, "op": rnd.choice(["gt", "gte", "lt", "lte"]), "value": str(middle)}


def generate_rule(rnd: random.Random, rule_id: int, options: list[dict], derived: set[str]) -> dict:
    # most atoms are on choice options, as in real families
    def pick(kinds: tuple[str, ...] | None = None, exclude: set[str] = frozenset()) -> dict:
        pool = [
            o
            for o in options
            if o["code"] not in derived
            and o["code"] not in exclude
            and o["kind"] != "quantity"
            and (kinds is None or o["kind"] in kinds)
        ]
        if kinds is None and rnd.random() < 0.7:
            pool = [o for o in pool if o["kind"] == "choice"] or pool
        return rnd.choice(pool)

    roll = rnd.random()
    if roll < 0.36 or roll < 0.66:
        kind = "requires" if roll < 0.36 else "excludes"
        when_options = [pick() for _ in range(rnd.choice([1, 1, 2]))]
        used = {o["code"] for o in when_options}
        then_options = [pick(exclude=used) for _ in range(rnd.choice([1, 1, 2]))]
        return {
            "id": rule_id,
            "kind": kind,
            "when": [_atom(rnd, o) for o in when_options],
            "then": [_atom(rnd, o) for o in then_options],
            "message": f"Rule {rule_id}: {kind} combination",
        }
    if roll < 0.88:
        option = pick(("choice", "multi"))
        codes = [choice["code"] for choice in option["choices"]][1:]
        condition = pick(exclude={option["code"]})
        return {
            "id": rule_id,
            "kind": "available_when",
            "option": option["code"],
            "choices": rnd.sample(codes, rnd.choice([1, 1, 2])),
            "when": [_atom(rnd, condition)],
            "message": f"Rule {rule_id}: only available with {condition['name']}",
        }
    if roll < 0.93:
        numeric = [o for o in options if o["kind"] in ("integer", "decimal")]
        left, right = rnd.sample(numeric, 2)
        factor = rnd.choice(["0.5", "1", "2"])
        offset = str(rnd.choice([0, 10, 50]))
        return {
            "id": rule_id,
            "kind": "constraint",
            "left": left["code"],
            "op": rnd.choice(["lte", "lt", "gte"]),
            "right": {"option": right["code"], "factor": factor, "offset": offset},
            "message": f"Rule {rule_id}: {left['name']} limited by {right['name']}",
        }
    target = rnd.choice([o for o in options if o["kind"] == "choice" and o["code"] not in derived])
    trigger = pick(("choice",), exclude={target["code"]})
    return {
        "id": rule_id,
        "kind": "default",
        "option": target["code"],
        "value": rnd.choice(target["choices"])["code"],
        "when": [_atom(rnd, trigger)],
        "message": f"Rule {rule_id}: default follows {trigger['name']}",
    }


def generate_family(seed: int = 7, option_count: int = 60, rule_count: int = 300) -> dict:
    """A family whose all-defaults configuration is valid (broken rules are regenerated)."""
    rnd = random.Random(seed)
    options = generate_options(rnd, option_count)
    choice_options = [o for o in options if o["kind"] == "choice"]
    # a few options are derived from earlier ones, like a plug from the destination
    targets = rnd.sample(choice_options[len(choice_options) // 2 :], 4)
    derived = {o["code"] for o in targets}
    rules = []
    next_id = 1
    for target in targets:
        for choice in target["choices"][1:3]:
            trigger = rnd.choice([o for o in choice_options if o["code"] < target["code"] and o["code"] not in derived])
            rules.append(
                {
                    "id": next_id,
                    "kind": "derive",
                    "option": target["code"],
                    "value": choice["code"],
                    "when": [{"option": trigger["code"], "op": "is", "value": rnd.choice(trigger["choices"])["code"]}],
                    "message": f"Rule {next_id}: {target['name']} follows {trigger['name']}",
                }
            )
            next_id += 1
    schema = {
        "family": "bench",
        "version": 1,
        "currency": "GBP",
        "base_price": "1000.00",
        "base_cost": "400.00",
        "base_lead_days": 10,
        "options": options,
        "rules": rules,
        "quantity_breaks": [
            {"min_quantity": 10, "discount_percent": "5"},
            {"min_quantity": 50, "discount_percent": "12.5"},
        ],
    }
    while len(schema["rules"]) < rule_count:
        while len(schema["rules"]) < rule_count:
            schema["rules"].append(generate_rule(rnd, next_id, options, derived))
            next_id += 1
        compiled = compile_schema(schema)
        broken = {error.rule_id for error in evaluate(compiled, {}).errors}
        schema["rules"] = [rule for rule in schema["rules"] if rule["id"] not in broken]
    return schema


def random_raw(rnd: random.Random, schema: dict, compiled) -> dict:
    """A shopper's submission: some options set, some from a form (its strings read as the
    configurator's views read them), a few bad values."""
    raw = {}
    form = rnd.random() < 0.5
    for option in schema["options"]:
        if rnd.random() < 0.4:
            continue
        kind = option["kind"]
        if kind == "choice":
            value = rnd.choice(option["choices"])["code"]
        elif kind == "multi":
            value = sorted(rnd.sample([c["code"] for c in option["choices"]], rnd.randint(0, 2)))
        elif kind == "boolean":
            value = rnd.random() < 0.3
            if form:
                value = "on" if value else "false"
        elif kind == "text":
            value = rnd.choice(["", "Ada", "For Ben 2024", "Hello <3"])
        else:
            low, high, step = (
                Decimal(str(option["min"])),
                Decimal(str(option["max"])),
                Decimal(str(option.get("step", 1))),
            )
            steps = int((high - low) / step)
            value = low + step * rnd.randint(0, steps)
            if rnd.random() < 0.03:
                value += step / 2
            value = int(value) if kind != "decimal" else value
            if form or kind == "decimal":
                value = str(value)
        if form and isinstance(value, str):
            value = form_value(compiled.by_code[option["code"]], [value])
        raw[option["code"]] = value
    if rnd.random() < 0.05:
        raw["price"] = "0.01"
    return raw


def measure(function, samples: list[dict]) -> list[float]:
    timings = []
    for raw in samples:
        started = time.perf_counter_ns()
        function(raw)
        timings.append((time.perf_counter_ns() - started) / 1e6)
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples (a few seconds)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sample_count, naive_count = (200, 12) if args.quick else (1000, 40)

    started = time.perf_counter()
    schema = generate_family(args.seed)
    compiled = compile_schema(schema)
    log(
        f"family: {len(compiled.options)} options, {len(compiled.rules)} rules "
        f"({time.perf_counter() - started:.1f}s to generate and compile)"
    )

    rnd = random.Random(args.seed + 1)
    samples = []
    valid_wanted = sample_count // 2
    started = time.perf_counter()
    while len(samples) < sample_count:
        raw = random_raw(rnd, schema, compiled)
        if len(samples) < valid_wanted:
            fixed = repair(compiled, raw)
            if not fixed.evaluation.is_valid:
                raise SystemExit("repair returned an invalid configuration")
            raw = {code: fixed.values[code] for code in fixed.evaluation.given}
        samples.append(raw)
    rnd.shuffle(samples)
    log(f"samples: {len(samples)} ({valid_wanted} repaired to valid) in {time.perf_counter() - started:.1f}s")

    def fast(raw: dict) -> None:
        evaluation = evaluate(compiled, raw)
        if evaluation.is_valid:
            quote(compiled, evaluation)

    def slow(raw: dict) -> None:
        evaluation = naive_evaluate(compiled, raw)
        if evaluation.is_valid:
            quote(compiled, evaluation)

    measure(fast, samples[:50])  # warm-up
    timings = measure(fast, samples)
    valid = sum(evaluate(compiled, raw).is_valid for raw in samples)
    log(f"evaluate+quote: median {statistics.median(timings):.3f} ms over {len(timings)} ({valid} valid)")

    subset = samples[:: max(1, len(samples) // naive_count)][:naive_count]
    mismatches = sum(evaluate(compiled, raw) != naive_evaluate(compiled, raw) for raw in subset)
    naive_timings = []
    for number, raw in enumerate(subset, 1):
        naive_timings += measure(slow, [raw])
        if number % 5 == 0:
            log(f"naive: {number}/{len(subset)}")
    median_ms = statistics.median(timings)
    naive_median_ms = statistics.median(naive_timings)
    result = {
        "median_ms": round(median_ms, 4),
        "p95_ms": round(percentile(timings, 0.95), 4),
        "naive_median_ms": round(naive_median_ms, 3),
        "ratio": round(naive_median_ms / median_ms, 1),
        "options": len(compiled.options),
        "rules": len(compiled.rules),
        "samples": len(timings),
        "valid_samples": valid,
        "naive_samples": len(naive_timings),
        "naive_mismatches": mismatches,
    }
    log(f"naive median {naive_median_ms:.1f} ms, ratio {result['ratio']}x, mismatches {mismatches}")
    print(json.dumps(result))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
