"""Scheduler benchmark: CP-SAT against the dispatching heuristic, measured in the same run.

    python benchmarks/scheduler.py              # ft10 (60 s), mk01-mk10 (60 s each), factory, re-plan
    python benchmarks/scheduler.py --quick      # ft06, mk01-mk02 (10 s each), factory, re-plan
    python benchmarks/scheduler.py --instances ft10,mk04 --skip-factory
    python benchmarks/scheduler.py --instances la22,abz7,swv11,ta51,ta71 --skip-factory   # other public job shops
    python benchmarks/scheduler.py --instances ta --skip-factory --skip-terminal   # Taillard's ta01-ta10, 60 s each

Stages print a progress line on stderr; the last stdout line is one JSON object with the figures.
Plans use the production default (deterministic mode) unless --free is given. No Django: the
engine is pure Python and OR-Tools. The shop-floor terminal's scan-to-screen (`scan_median_ms`)
needs the whole Django stack, so it is benchmarks/terminal.py's, run in a process of its own and
its figures carried into this line (--skip-terminal leaves it out).
"""

import argparse
import json
import math
import random
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from production import lateness  # noqa: E402
from production.scheduling import (  # noqa: E402  (the path is set just above)
    Alternative,
    Job,
    Machine,
    Operation,
    Problem,
    advance_to,
    closures_from_openings,
    dispatch,
    load_instance,
    replan,
    solve,
    verify,
    with_job,
)
from production.scheduling.heuristic import RULES  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
BEST_KNOWN = {
    "ft06": 55,
    "ft10": 930,
    "mk01": 40,
    "mk02": 26,
    "mk03": 204,
    "mk04": 60,
    "mk05": 172,
    "mk06": 58,
    "mk07": 139,
    "mk08": 523,
    "mk09": 307,
    "mk10": 197,
    # Other public job shops with proved optima, for `--instances` (not in the default run):
    "la22": 927,
    "abz7": 656,
    "swv11": 2983,
    "ta51": 2760,
    "ta71": 5464,
    # Taillard's 15 x 15 job shops (`--instances ta` runs all ten; `ta_mean_gap_percent`):
    "ta01": 1231,
    "ta02": 1244,
    "ta03": 1218,
    "ta04": 1175,
    "ta05": 1224,
    "ta06": 1238,
    "ta07": 1227,
    "ta08": 1217,
    "ta09": 1274,
    "ta10": 1241,
}
TAILLARD_15 = tuple(f"ta{i:02d}" for i in range(1, 11))
DAY = 24 * 60
WEEK = 7 * DAY


def progress(message: str) -> None:
    print(f"[scheduler] {message}", file=sys.stderr, flush=True)


def best_heuristic(problem: Problem, objective: str):
    plans = [dispatch(problem, rule) for rule in RULES]
    key = (lambda s: s.makespan) if objective == "makespan" else (lambda s: s.weighted_tardiness)
    return min(plans, key=key)


# --- the generated factory ----------------------------------------------------------------------

STAGES = (
    # (stage, work centers, eligible per operation, minutes low-high)
    ("cut", ("cut-1", "cut-2", "cut-3"), (1, 3), (10, 40)),
    ("print", ("print-1", "print-2"), (1, 2), (15, 60)),
    ("embroider", ("embroider-1", "embroider-2", "embroider-3"), (1, 3), (20, 70)),
    ("sew", ("sew-1", "sew-2", "sew-3", "sew-4"), (2, 3), (20, 90)),
    ("finish", ("finish-1", "finish-2"), (1, 2), (10, 30)),
    ("pack", ("pack",), (1, 1), (5, 15)),
)
PACK_CAPACITY = 2
SINGLE_SHIFT = ("embroider-2",)


def shift_openings(weeks: int, single_shift: bool) -> list[tuple[int, int]]:
    """Monday to Friday, 06:00-14:00 and 14:00-22:00, each with a 30-minute break; weekends closed."""
    shifts = [(6 * 60, 10 * 60), (10 * 60 + 30, 14 * 60)]
    if not single_shift:
        shifts += [(14 * 60, 18 * 60), (18 * 60 + 30, 22 * 60)]
    return [
        (week * WEEK + day * DAY + start, week * WEEK + day * DAY + end)
        for week in range(weeks)
        for day in range(5)
        for start, end in shifts
    ]


def working_minutes_after(openings: list[tuple[int, int]], start: int, minutes: float) -> int:
    """The time by which `minutes` of open time have passed since `start` (a promise date)."""
    left = minutes
    for open_start, open_end in openings:
        if open_end <= start:
            continue
        begin = max(open_start, start)
        if begin + left <= open_end:
            return math.ceil(begin + left)
        left -= open_end - begin
    raise ValueError("the calendar is too short for this promise")


def factory(*, jobs: int, seed: int, tightness: float, weeks: int = 16) -> Problem:
    """`jobs` work orders of 4-6 operations on 15 work centers, released over the first two weeks.

    Due date: `tightness` x the job's shortest total work, counted in the plant's working minutes
    from its release (two shifts, weekdays), as a promise date would be. Weights: 1, loyalty
    members 2, rush orders 3 (promised in half the time). A quarter of the routings fork after
    cutting and join before packing.
    """
    rng = random.Random(seed)
    machines = []
    for _, centers, _, _ in STAGES:
        for center in centers:
            closed = closures_from_openings(shift_openings(weeks, center in SINGLE_SHIFT), 0, weeks * WEEK)
            capacity = PACK_CAPACITY if center == "pack" else 1
            machines.append(Machine(id=center, name=center, capacity=capacity, unavailable=closed))
    plant_hours = shift_openings(weeks, single_shift=False)
    result = []
    for j in range(jobs):
        middle = rng.sample(STAGES[1:5], rng.randint(2, 4))
        middle.sort(key=STAGES.index)
        stages = [STAGES[0], *middle, STAGES[-1]]
        operations = []
        for k, (stage, centers, (low, high), (short, long)) in enumerate(stages):
            base = rng.randint(short, long)
            eligible = rng.sample(centers, rng.randint(low, high))
            alternatives = tuple(
                Alternative(center, duration=max(1, round(base * (1 + 0.15 * n))), setup=5 if stage == "print" else 0)
                for n, center in enumerate(eligible)
            )
            operations.append((f"wo{j}-{k}-{stage}", alternatives))
        fork = len(operations) >= 5 and rng.random() < 0.25
        ops = []
        for k, (op_id, alternatives) in enumerate(operations):
            if k == 0:
                preds = ()
            elif fork and k in (1, 2):
                preds = (operations[0][0],)
            elif fork and k == 3:
                preds = (operations[1][0], operations[2][0])
            else:
                preds = (operations[k - 1][0],)
            ops.append(Operation(op_id, f"wo{j}", alternatives, preds))
        release = rng.randint(0, 2 * WEEK)
        kind = rng.random()
        weight = 3 if kind < 0.1 else 2 if kind < 0.3 else 1
        work = sum(min(a.length for a in alternatives) for _, alternatives in operations)
        allowance = tightness * work / (2 if weight == 3 else 1)
        due = working_minutes_after(plant_hours, release, allowance)
        result.append(Job(f"wo{j}", tuple(ops), release=release, due=due, weight=weight))
    return Problem(machines=tuple(machines), jobs=tuple(result))


def jssp_stage(name: str, time_limit: float, deterministic: bool) -> dict:
    """Makespan against the best dispatching rule; when the best known makespan was first reached."""
    problem = load_instance(DATA / f"{name}.txt")
    heuristic = best_heuristic(problem, "makespan")
    plan = solve(problem, objective="makespan", time_limit=time_limit, workers=2, deterministic=deterministic)
    violations = len(verify(problem, plan))
    best = BEST_KNOWN[name]
    reached = next((t for t, value in plan.improvements if value <= best), None)
    result = {
        "instance": name,
        "makespan": plan.makespan,
        "best_known": best,
        "found_seconds": reached if reached is not None else None,
        "final_found_seconds": plan.found_seconds,
        "proved_seconds": plan.seconds if plan.proved_optimal else None,
        "lower_bound": plan.lower_bound,
        "seconds": plan.seconds,
        "heuristic_makespan": heuristic.makespan,
        "ratio": round(plan.makespan / heuristic.makespan, 3),
        "gap_percent": round(100 * (plan.makespan - best) / best, 2),
        "reproducible": plan.reproducible,
        "violations": violations,
    }
    reached_text = "not reached" if reached is None else f"reached at {reached}s"
    proved_text = "not proved" if not plan.proved_optimal else f"proved at {plan.seconds}s"
    progress(
        f"{name}: makespan {plan.makespan} (best known {best}, {reached_text}, {proved_text}), "
        f"bound {plan.lower_bound}, heuristic {heuristic.makespan}, {plan.seconds}s"
    )
    return result


def brandimarte_stage(name: str, time_limit: float, deterministic: bool) -> dict:
    problem = load_instance(DATA / f"{name}.fjs")
    heuristic = best_heuristic(problem, "makespan")
    plan = solve(problem, objective="makespan", time_limit=time_limit, workers=2, deterministic=deterministic)
    violations = len(verify(problem, plan))
    best = BEST_KNOWN[name]
    result = {
        "makespan": plan.makespan,
        "best_known": best,
        "gap_percent": round(100 * (plan.makespan - best) / best, 2),
        "lower_bound": plan.lower_bound,
        "status": plan.status,
        "found_seconds": plan.found_seconds,
        "seconds": plan.seconds,
        "heuristic_makespan": heuristic.makespan,
        "ratio": round(plan.makespan / heuristic.makespan, 3),
        "reproducible": plan.reproducible,
        "violations": violations,
    }
    progress(
        f"{name}: makespan {plan.makespan} vs best known {best} (gap {result['gap_percent']}%), "
        f"bound {plan.lower_bound}, {plan.status}, heuristic {heuristic.makespan}, {plan.seconds}s"
    )
    return result


def factory_stage(args) -> tuple[dict, Problem, object]:
    """Weighted tardiness of CP-SAT against EDD on the generated factory, then a re-plan."""
    progress(f"factory: {args.jobs} work orders, seed {args.seed}, due-date tightness {args.tightness}")
    problem = factory(jobs=args.jobs, seed=args.seed, tightness=args.tightness)
    operations = sum(len(job.operations) for job in problem.jobs)
    edd = dispatch(problem, "edd")
    progress(
        f"EDD: weighted tardiness {edd.weighted_tardiness}, {_late(edd)} late, makespan {edd.makespan} "
        f"({edd.seconds:.2f}s)"
    )
    plan = solve(problem, time_limit=args.factory_time, workers=2, deterministic=not args.free)
    violations = verify(problem, plan) + verify(problem, edd)
    progress(
        f"CP-SAT: weighted tardiness {plan.weighted_tardiness}, {_late(plan)} late, makespan {plan.makespan}, "
        f"{plan.method}/{plan.status} in {plan.seconds}s; {len(violations)} violations"
    )
    result = {
        "jobs": len(problem.jobs),
        "operations": operations,
        "work_centers": len(problem.machines),
        "seed": args.seed,
        "tightness": args.tightness,
        "time_limit": args.factory_time,
        "tardiness": plan.weighted_tardiness,
        "late_jobs": _late(plan),
        "makespan": plan.makespan,
        "seconds": plan.seconds,
        "method": plan.method,
        "reproducible": plan.reproducible,
        "heuristic_tardiness": edd.weighted_tardiness,
        "heuristic_late_jobs": _late(edd),
        "heuristic_makespan": edd.makespan,
        "violations": len(violations),
    }
    if edd.weighted_tardiness == 0:
        progress("EDD is never late on this factory: a tardiness ratio would mean nothing, so it is null")
        result["ratio"] = None
    else:
        result["ratio"] = round(plan.weighted_tardiness / edd.weighted_tardiness, 3)
    return result, problem, plan


def replan_stage(args, problem: Problem, plan) -> dict:
    """One new order arrives on Tuesday at 10:00: freeze what has started, add it, re-plan."""
    now = DAY + 10 * 60
    rng = random.Random(args.seed + 1)
    alternatives = [
        (f"new-{k}-{stage}", tuple(Alternative(c, rng.randint(short, long)) for c in rng.sample(centers, low)))
        for k, (stage, centers, (low, _), (short, long)) in enumerate((STAGES[0], STAGES[1], STAGES[3], STAGES[5]))
    ]
    operations = tuple(
        Operation(op_id, "new-order", alts, (alternatives[k - 1][0],) if k else ())
        for k, (op_id, alts) in enumerate(alternatives)
    )
    work = sum(min(a.length for a in alts) for _, alts in alternatives)
    due = working_minutes_after(shift_openings(16, single_shift=False), now, args.tightness * work)
    order = Job("new-order", operations, release=now, due=due, weight=2)
    changed = with_job(advance_to(problem, plan, now), order)
    result = replan(plan, changed, time_limit=args.replan_time, workers=2, deterministic=not args.free)
    violations = verify(changed, result.schedule)
    figures = {
        "replan_seconds": result.schedule.seconds,
        "moved_operations": len(result.moved_operations),
        "replan_frozen_operations": len(changed.frozen),
        "replan_new_order_tardiness": result.schedule.tardiness["new-order"],
        "replan_tardiness": result.schedule.weighted_tardiness,
        "replan_violations": len(violations),
    }
    progress(
        f"re-plan: {figures['replan_seconds']}s, {figures['moved_operations']} operations moved, "
        f"{figures['replan_frozen_operations']} frozen, new order late by {figures['replan_new_order_tardiness']} min; "
        f"{len(violations)} violations"
    )
    return figures


def why_late_stage(args, problem: Problem, plan) -> dict:
    """Why late for every late or at-risk order of the factory's plan; then one what-if: the
    first suggested overtime of the latest order, re-planned on a copy within the planning limit."""
    began = time.perf_counter()
    explained = lateness.explain(problem, plan)
    whylate_s = time.perf_counter() - began
    late = [e for e in explained if e.late]
    progress(f"why late: {len(late)} late and {len(explained) - len(late)} at risk explained in {whylate_s:.2f}s")
    overtime = next((f for e in late for f in e.fixes if f.kind == "overtime"), None)
    figures = {"whylate_s": round(whylate_s, 3), "whylate_orders": len(explained), "whylate_late": len(late)}
    if overtime is None:
        figures.update({"whatif_s": None, "whatif_tardiness": None})
        return figures
    began = time.perf_counter()
    machines = tuple(
        replace(m, unavailable=tuple(lateness.opened(m.unavailable, overtime.spans)))
        if m.id == overtime.machine_id
        else m
        for m in problem.machines
    )
    result = replan(plan, replace(problem, machines=machines), time_limit=args.whatif_time, workers=2,
                    deterministic=not args.free, stability_weight=1)  # fmt: skip
    whatif_s = time.perf_counter() - began
    figures.update(
        {
            "whatif_s": round(whatif_s, 3),
            "whatif_time_limit": args.whatif_time,
            "whatif_overtime_minutes": sum(b - a for a, b in overtime.spans),
            "whatif_tardiness": result.schedule.weighted_tardiness,
            "whatif_late_jobs": _late(result.schedule),
        }
    )
    progress(
        f"what-if: {figures['whatif_overtime_minutes']} min overtime on {overtime.machine_id}: weighted tardiness "
        f"{plan.weighted_tardiness} -> {result.schedule.weighted_tardiness} in {whatif_s:.2f}s"
    )
    return figures


def terminal_stage(quick: bool) -> dict:
    """benchmarks/terminal.py in its own process (it sets up Django and a private database)."""
    progress("terminal: scan-to-screen through Django (benchmarks/terminal.py)")
    command = [sys.executable, str(ROOT / "benchmarks" / "terminal.py"), *(["--quick"] if quick else [])]
    answer = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    lines = answer.stdout.strip().splitlines()
    if answer.returncode != 0 or not lines:
        progress(f"terminal benchmark failed ({answer.returncode}): {answer.stderr.strip()[-300:]}")
        return {"scan_median_ms": None}
    found = json.loads(lines[-1])
    return {
        "scan_median_ms": found["scan_median_ms"],
        "scan_p95_ms": found["scan_p95_ms"],
        "scan_ratio": found["ratio"],
    }


def _late(schedule) -> int:
    return sum(1 for late in schedule.tardiness.values() if late)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="ft06 and mk01-mk02 at 10 s")
    parser.add_argument(
        "--instances", help="comma-separated, e.g. ft10,mk01,mk04; 'ta' for ta01-ta10 (default: by --quick)"
    )
    parser.add_argument("--time-limit", type=float, help="seconds per benchmark instance (60, or 10 with --quick)")
    parser.add_argument("--skip-factory", action="store_true")
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--tightness", type=float, default=4.0, help="due date = tightness x work, in working time")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--factory-time", type=float, default=30.0)
    parser.add_argument("--replan-time", type=float, default=3.0, help="search seconds (the whole re-plan: +1-2 s)")
    parser.add_argument("--whatif-time", type=float, default=5.0, help="a what-if's limit (production's plan limit)")
    parser.add_argument("--skip-terminal", action="store_true", help="leave out the terminal's scan-to-screen")
    parser.add_argument("--free", action="store_true", help="CP-SAT's wall-clock portfolio, not deterministic mode")
    args = parser.parse_args()
    if args.instances:
        names = [n.strip() for n in args.instances.split(",") if n.strip()]
        names = [m for n in names for m in (TAILLARD_15 if n == "ta" else (n,))]
    elif args.quick:
        names = ["ft06", "mk01", "mk02"]
    else:
        names = ["ft10", *(f"mk{i:02d}" for i in range(1, 11))]
    time_limit = args.time_limit or (10.0 if args.quick else 60.0)
    deterministic = not args.free
    figures: dict = {"mode": "deterministic" if deterministic else "free", "time_limit": time_limit}

    for name in names:
        if name not in BEST_KNOWN:
            parser.error(f"unknown instance {name!r}; choose from {', '.join(BEST_KNOWN)}")
    jssp = [n for n in names if not n.startswith("mk")]
    flexible = [n for n in names if n.startswith("mk")]
    for name in jssp:
        progress(f"{name}: job shop, objective makespan, {time_limit:g}s, 2 workers")
        result = jssp_stage(name, time_limit, deterministic)
        figures.update({f"{name}_{key}": value for key, value in result.items() if key != "instance"})
    for name in ("ft10",):
        for key in ("makespan", "found_seconds", "proved_seconds"):
            figures.setdefault(f"{name}_{key}", None)
    taillard = [n for n in jssp if n in TAILLARD_15]
    if taillard:
        # Over the Taillard 15 x 15 instances of this run (all ten with `--instances ta`).
        gaps = [figures[f"{n}_gap_percent"] for n in taillard]
        figures["ta_instances"] = len(taillard)
        figures["ta_mean_gap_percent"] = round(sum(gaps) / len(gaps), 2)
        figures["ta_max_seconds"] = max(figures[f"{n}_seconds"] for n in taillard)
        figures["ta_min_seconds"] = min(figures[f"{n}_seconds"] for n in taillard)
        figures["ta_reproducible"] = all(figures[f"{n}_reproducible"] for n in taillard)
        progress(
            f"Taillard 15 x 15: mean gap {figures['ta_mean_gap_percent']}% over {len(taillard)} "
            f"(target <= 0.4%), runs {figures['ta_min_seconds']}-{figures['ta_max_seconds']}s, "
            f"reproducible: {figures['ta_reproducible']}"
        )
    if flexible:
        figures["brandimarte"] = {}
        for name in flexible:
            progress(f"{name}: flexible job shop, objective makespan, {time_limit:g}s")
            figures["brandimarte"][name] = brandimarte_stage(name, time_limit, deterministic)
        gaps = [r["gap_percent"] for r in figures["brandimarte"].values()]
        figures["brandimarte_mean_gap_percent"] = round(sum(gaps) / len(gaps), 2)

    if not args.skip_factory:
        factory_figures, problem, plan = factory_stage(args)
        figures["factory"] = factory_figures
        for key in ("tardiness", "heuristic_tardiness", "ratio"):
            figures[key] = factory_figures[key]
        figures["ratio_target"] = 0.5
        figures["ratio_met"] = figures["ratio"] is not None and figures["ratio"] <= 0.5
        progress(f"factory ratio {figures['ratio']} (target <= 0.5: {'met' if figures['ratio_met'] else 'MISSED'})")
        figures.update(replan_stage(args, problem, plan))
        figures.update(why_late_stage(args, problem, plan))
    if not args.skip_terminal:
        figures.update(terminal_stage(args.quick))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
