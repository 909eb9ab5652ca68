"""An independent check of a plan against its problem, sharing no code with the planners' placement.

Used by the tests on every plan, and usable by the planner board before it accepts a plan that
someone edited by hand.
"""

from collections import defaultdict

from .model import Problem, Schedule, build_schedule


def verify(problem: Problem, schedule: Schedule) -> list[str]:
    """Every way `schedule` breaks `problem`, one sentence each; an empty list means feasible.

    Checked: each operation is assigned once, on an eligible machine for exactly its setup plus
    duration; frozen operations are exactly where they were frozen; no operation starts before
    its release or the horizon start, or ends after the horizon end; predecessors end before
    successors start; no operation overlaps a closure of its machine; no machine runs more
    operations at once than its capacity; and the schedule's figures match its assignments.
    """
    problems = []
    machines = {m.id: m for m in problem.machines}
    operations = {op.id: (job, op) for job in problem.jobs for op in job.operations}
    frozen = {f.operation_id: f for f in problem.frozen}
    assigned = schedule.assignments

    for op_id in assigned.keys() - operations.keys():
        problems.append(f"operation {op_id!r} is assigned but is not in the problem")
    for op_id, (job, op) in operations.items():
        where = f"operation {op_id!r} of job {job.id!r}"
        if op_id not in assigned:
            problems.append(f"{where} is not assigned")
            continue
        a = assigned[op_id]
        if op_id in frozen:
            f = frozen[op_id]
            if (a.machine_id, a.start, a.end) != (f.machine_id, f.start, f.end):
                problems.append(f"{where} was frozen on {f.machine_id!r} [{f.start}, {f.end}) but moved")
            continue
        lengths = {alt.machine_id: alt.length for alt in op.alternatives}
        if a.machine_id not in lengths:
            problems.append(f"{where} runs on {a.machine_id!r}, which is not eligible")
        elif a.end - a.start != lengths[a.machine_id]:
            problems.append(f"{where} lasts {a.end - a.start} min on {a.machine_id!r}, not {lengths[a.machine_id]}")
        if a.start < max(job.release, problem.horizon_start):
            problems.append(f"{where} starts at {a.start}, before its release or the horizon start")
        if problem.horizon_end is not None and a.end > problem.horizon_end:
            problems.append(f"{where} ends at {a.end}, after the horizon end {problem.horizon_end}")
        for pred in op.predecessors:
            if pred in assigned and assigned[pred].end > a.start:
                problems.append(f"{where} starts at {a.start} before its predecessor {pred!r} ends")
        machine = machines.get(a.machine_id)
        for start, end in machine.unavailable if machine else ():
            if a.start < end and start < a.end:
                problems.append(f"{where} overlaps the closure [{start}, {end}) of machine {a.machine_id!r}")

    problems.extend(_capacity_problems(machines, assigned))
    if not problems:
        problems.extend(_figure_problems(problem, schedule))
    return problems


def _capacity_problems(machines, assigned) -> list[str]:
    events = defaultdict(list)
    for op_id, a in assigned.items():
        events[a.machine_id].append((a.start, 1, op_id))
        events[a.machine_id].append((a.end, -1, op_id))
    problems = []
    for machine_id, items in events.items():
        capacity = machines[machine_id].capacity if machine_id in machines else 1
        running = 0
        for time, delta, _ in sorted(items, key=lambda e: (e[0], e[1])):
            running += delta
            if running > capacity:
                problems.append(f"machine {machine_id!r} runs {running} operations at {time} (capacity {capacity})")
                break
    return problems


def _figure_problems(problem: Problem, schedule: Schedule) -> list[str]:
    truth = build_schedule(problem, schedule.assignments, status=schedule.status, method=schedule.method)
    problems = []
    for name in ("makespan", "weighted_tardiness", "completion", "tardiness"):
        if getattr(truth, name) != getattr(schedule, name):
            problems.append(f"the schedule's {name} does not match its assignments")
    return problems
