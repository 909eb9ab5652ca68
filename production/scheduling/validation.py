"""Planning errors caught before any solving, each in words a planner can act on."""

from collections import Counter, defaultdict

from .calendars import first_fit, merge_windows
from .graph import topological_order
from .model import Id, Problem


class PlanningError(ValueError):
    """The problem cannot be planned as given. The message names the job, operation or machine.

    The same ids are kept as attributes (None when not concerned) so a caller can point at the row.
    """

    def __init__(self, message: str, *, job_id: Id = None, operation_id: Id = None, machine_id: Id = None):
        super().__init__(message)
        self.job_id = job_id
        self.operation_id = operation_id
        self.machine_id = machine_id


def validate(problem: Problem) -> None:
    """Raise PlanningError for the first defect found; return None when the problem can be planned.

    Checked: duplicate ids; machines with no capacity or malformed closures; operations with no
    alternative, an unknown machine, or a non-positive duration; precedence on unknown or foreign
    operations, or cyclic; frozen assignments that are malformed, overlap beyond a machine's
    capacity, or follow an unfrozen predecessor; and, when the horizon has an end, operations for
    which no eligible machine is open long enough before it ends.
    """
    _check_machines(problem)
    _check_jobs(problem)
    _check_frozen(problem)
    _check_room_in_horizon(problem)


def _duplicate(ids) -> Id | None:
    repeated = [key for key, count in Counter(ids).items() if count > 1]
    return repeated[0] if repeated else None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_machines(problem: Problem) -> None:
    if (dup := _duplicate(m.id for m in problem.machines)) is not None:
        raise PlanningError(f"machine {dup!r} is listed twice", machine_id=dup)
    for machine in problem.machines:
        if not _is_int(machine.capacity) or machine.capacity < 1:
            raise PlanningError(
                f"machine {machine.id!r} has capacity {machine.capacity!r}; it must be a whole number >= 1",
                machine_id=machine.id,
            )
        for window in machine.unavailable:
            if len(window) != 2 or not all(_is_int(t) for t in window) or window[1] <= window[0]:
                raise PlanningError(
                    f"machine {machine.id!r} has a closure {window!r} that does not end after it starts",
                    machine_id=machine.id,
                )
    if problem.horizon_end is not None and problem.horizon_end <= problem.horizon_start:
        raise PlanningError(f"the horizon ends at {problem.horizon_end} before it starts at {problem.horizon_start}")


def _check_jobs(problem: Problem) -> None:
    machines = {m.id for m in problem.machines}
    if (dup := _duplicate(j.id for j in problem.jobs)) is not None:
        raise PlanningError(f"job {dup!r} is listed twice", job_id=dup)
    if (dup := _duplicate(op.id for j in problem.jobs for op in j.operations)) is not None:
        raise PlanningError(f"operation {dup!r} is listed twice", operation_id=dup)
    for job in problem.jobs:
        for name in ("release", "weight"):
            value = getattr(job, name)
            if not _is_int(value) or (name == "weight" and value < 0):
                raise PlanningError(f"job {job.id!r} has {name} {value!r}; it must be a whole number", job_id=job.id)
        if job.due is not None and not _is_int(job.due):
            raise PlanningError(f"job {job.id!r} has due {job.due!r}; it must be a whole number", job_id=job.id)
        if not job.operations:
            raise PlanningError(f"job {job.id!r} has no operations", job_id=job.id)
        for op in job.operations:
            _check_operation(job, op, machines)
        _check_acyclic(job)


def _check_operation(job, op, machines) -> None:
    where = f"operation {op.id!r} of job {job.id!r}"
    ids = {"job_id": job.id, "operation_id": op.id}
    if op.job_id != job.id:
        raise PlanningError(f"{where} says it belongs to job {op.job_id!r}", **ids)
    if not op.alternatives:
        raise PlanningError(f"{where} has no eligible machine", **ids)
    for alt in op.alternatives:
        if alt.machine_id not in machines:
            raise PlanningError(
                f"{where} has no existing eligible machine: {alt.machine_id!r} is not a machine",
                machine_id=alt.machine_id,
                **ids,
            )
        if not _is_int(alt.duration) or alt.duration <= 0:
            raise PlanningError(
                f"{where} lasts {alt.duration!r} min on machine {alt.machine_id!r}; durations must be > 0",
                machine_id=alt.machine_id,
                **ids,
            )
        if not _is_int(alt.setup) or alt.setup < 0:
            raise PlanningError(
                f"{where} has setup {alt.setup!r} min on machine {alt.machine_id!r}; setups must be >= 0",
                machine_id=alt.machine_id,
                **ids,
            )
    if len({alt.machine_id for alt in op.alternatives}) != len(op.alternatives):
        raise PlanningError(f"{where} lists the same machine twice among its alternatives", **ids)
    siblings = {other.id for other in job.operations}
    for pred in op.predecessors:
        if pred not in siblings:
            raise PlanningError(f"{where} waits for {pred!r}, which is not an operation of job {job.id!r}", **ids)


def _check_acyclic(job) -> None:
    ids = [op.id for op in job.operations]
    position = {op_id: i for i, op_id in enumerate(ids)}
    predecessors = [[position[p] for p in op.predecessors] for op in job.operations]
    ordered = set(topological_order(predecessors))
    if len(ordered) < len(ids):
        stuck = [ids[i] for i in range(len(ids)) if i not in ordered]
        raise PlanningError(
            f"job {job.id!r} has cyclic precedence among operations {', '.join(map(repr, stuck))}",
            job_id=job.id,
            operation_id=stuck[0],
        )


def _check_frozen(problem: Problem) -> None:
    machines = {m.id: m for m in problem.machines}
    operations = {op.id: op for job in problem.jobs for op in job.operations}
    if (dup := _duplicate(f.operation_id for f in problem.frozen)) is not None:
        raise PlanningError(f"operation {dup!r} is frozen twice", operation_id=dup)
    frozen_ids = {f.operation_id for f in problem.frozen}
    by_machine = defaultdict(list)
    for frozen in problem.frozen:
        op = operations.get(frozen.operation_id)
        if op is None:
            raise PlanningError(
                f"frozen operation {frozen.operation_id!r} is not an operation of any job",
                operation_id=frozen.operation_id,
            )
        ids = {"job_id": op.job_id, "operation_id": op.id}
        if frozen.machine_id not in machines:
            raise PlanningError(
                f"operation {op.id!r} of job {op.job_id!r} is frozen on {frozen.machine_id!r}, which is not a machine",
                **ids,
            )
        if not (_is_int(frozen.start) and _is_int(frozen.end)) or frozen.end <= frozen.start:
            raise PlanningError(
                f"operation {op.id!r} of job {op.job_id!r} is frozen over [{frozen.start}, {frozen.end}), "
                "which does not end after it starts",
                **ids,
            )
        for pred in op.predecessors:
            if pred not in frozen_ids:
                raise PlanningError(
                    f"operation {op.id!r} of job {op.job_id!r} is frozen but its predecessor {pred!r} is not",
                    **ids,
                )
        by_machine[frozen.machine_id].append(frozen)
    for machine_id, items in by_machine.items():
        _check_frozen_overlap(machines[machine_id], items)


def _check_frozen_overlap(machine, items) -> None:
    events = sorted([(f.start, 1, f) for f in items] + [(f.end, -1, f) for f in items], key=lambda e: (e[0], e[1]))
    running = []
    for _, delta, frozen in events:
        if delta < 0:
            running.remove(frozen)
            continue
        running.append(frozen)
        if len(running) > machine.capacity:
            first, second = running[-2].operation_id, running[-1].operation_id
            raise PlanningError(
                f"frozen operations {first!r} and {second!r} overlap on machine {machine.id!r}",
                operation_id=second,
                machine_id=machine.id,
            )


def _check_room_in_horizon(problem: Problem) -> None:
    if problem.horizon_end is None:
        return
    horizon = (problem.horizon_start, problem.horizon_end)
    frozen_ids = {f.operation_id for f in problem.frozen}
    busy = {}
    for machine in problem.machines:
        windows = merge_windows(machine.unavailable)
        busy[machine.id] = ([s for s, _ in windows], [e for _, e in windows])
    for job in problem.jobs:
        earliest = max(job.release, problem.horizon_start)
        for op in job.operations:
            if op.id in frozen_ids:
                continue
            fits = [
                alt
                for alt in op.alternatives
                if first_fit(*busy[alt.machine_id], earliest, alt.length) + alt.length <= problem.horizon_end
            ]
            if fits:
                continue
            closed = [
                alt.machine_id
                for alt in op.alternatives
                if first_fit(*busy[alt.machine_id], problem.horizon_start, 1) >= problem.horizon_end
            ]
            ids = {"job_id": job.id, "operation_id": op.id}
            if len(closed) == len(op.alternatives):
                raise PlanningError(
                    f"machine {closed[0]!r} has no capacity left in the horizon {horizon}: it is closed "
                    f"throughout, and operation {op.id!r} of job {job.id!r} can run nowhere else",
                    machine_id=closed[0],
                    **ids,
                )
            raise PlanningError(
                f"operation {op.id!r} of job {job.id!r} fits in no open time of its machines "
                f"between its release {earliest} and the horizon end {problem.horizon_end}",
                **ids,
            )
