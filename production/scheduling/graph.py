"""An indexed view of a validated problem: operations by position, precedence both ways, calendars.

Models and heuristics work on integer positions so that their results never depend on how the
caller's ids hash or sort; positions follow the order jobs and operations were given in.
"""

from dataclasses import dataclass

from .calendars import merge_windows
from .model import FrozenAssignment, Id, Job, Machine, Operation, Problem, Window


@dataclass(frozen=True)
class Layout:
    problem: Problem
    operations: tuple[Operation, ...]
    jobs: tuple[Job, ...]
    job_of: tuple[int, ...]
    machines: dict[Id, Machine]
    predecessors: tuple[tuple[int, ...], ...]
    successors: tuple[tuple[int, ...], ...]
    frozen: dict[int, FrozenAssignment]
    closures: dict[Id, tuple[Window, ...]]

    def earliest_start(self, op: int) -> int:
        """No unfrozen operation starts before its job's release or the horizon start."""
        return max(self.jobs[self.job_of[op]].release, self.problem.horizon_start)


def topological_order(predecessors: list[list[int]] | tuple[tuple[int, ...], ...]) -> list[int]:
    """Positions in an order that respects precedence, ties by position (Kahn's algorithm).

    When the graph has a cycle the result is shorter than the graph: the missing positions are
    those on or after a cycle.
    """
    count = len(predecessors)
    successors: list[list[int]] = [[] for _ in range(count)]
    waiting = [len(preds) for preds in predecessors]
    for op, preds in enumerate(predecessors):
        for pred in preds:
            successors[pred].append(op)
    ready = [op for op in range(count) if waiting[op] == 0]
    order = []
    cursor = 0
    while cursor < len(ready):
        op = ready[cursor]
        cursor += 1
        order.append(op)
        for succ in successors[op]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                ready.append(succ)
    return order


def lay_out(problem: Problem) -> Layout:
    """Index a problem that `validate` accepted."""
    operations = []
    job_of = []
    for j, job in enumerate(problem.jobs):
        for op in job.operations:
            operations.append(op)
            job_of.append(j)
    position = {op.id: i for i, op in enumerate(operations)}
    predecessors = tuple(tuple(position[p] for p in op.predecessors) for op in operations)
    successors: list[list[int]] = [[] for _ in operations]
    for op, preds in enumerate(predecessors):
        for pred in preds:
            successors[pred].append(op)
    machines = {machine.id: machine for machine in problem.machines}
    return Layout(
        problem=problem,
        operations=tuple(operations),
        jobs=problem.jobs,
        job_of=tuple(job_of),
        machines=machines,
        predecessors=predecessors,
        successors=tuple(tuple(s) for s in successors),
        frozen={position[f.operation_id]: f for f in problem.frozen},
        closures={machine.id: tuple(merge_windows(machine.unavailable)) for machine in problem.machines},
    )
