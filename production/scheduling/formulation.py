"""The CP-SAT model of a flexible job shop with calendars, capacities, release and due dates.

One start variable per free operation, and one optional fixed-size interval per alternative
sharing that start, exactly one present. Per machine, a NoOverlap (capacity 1) or a Cumulative
(capacity > 1) holds those intervals, fixed intervals for the machine's closures (demand: the
whole capacity) and fixed intervals for operations that do not move. Operations that do not move
(frozen ones, or all but a window's when improving a plan piece by piece) are constants: they
block their machine and bound the starts of their successors and the ends of their predecessors.

Closures could also be holes in the start domains; on the 2,500-operation factory benchmark
that made CP-SAT's model loading 30 times slower, so they are intervals, clipped to the span the
model can use.
"""

from collections.abc import Mapping

from ortools.sat.python import cp_model

from .graph import Layout
from .model import Assignment, Id


class PlanModel:
    """A CpModel for one layout, its objective terms, and the way back to assignments.

    Operations in `fixed` (positions; frozen operations always are) stay where they are. The
    others start no earlier than `floor` and end by `horizon`. With `previous`, `moved_count`
    counts the free operations that leave their previous machine or start.
    """

    def __init__(
        self,
        layout: Layout,
        horizon: int,
        *,
        previous: Mapping[Id, Assignment] | None = None,
        fixed: Mapping[int, Assignment] | None = None,
        floor: int | None = None,
    ):
        self.layout = layout
        self.model = cp_model.CpModel()
        self.horizon = horizon
        self.floor = layout.problem.horizon_start if floor is None else floor
        self.fixed = {op: Assignment(f.machine_id, f.start, f.end) for op, f in layout.frozen.items()}
        self.fixed.update(fixed or {})
        self.start: dict[int, cp_model.IntVar] = {}
        self.end: dict[int, cp_model.IntVar] = {}
        self.present: dict[int, list] = {}
        self.completion: dict[int, cp_model.IntVar] = {}
        self.tardy: dict[int, cp_model.IntVar] = {}
        self.kept: dict[int, cp_model.IntVar] = {}
        self.intervals: dict[Id, list] = {machine_id: [] for machine_id in layout.machines}
        self.previous = previous or {}
        self._operations()
        self._machines()
        self._precedence()
        self._jobs()
        fixed_end = max((a.end for a in self.fixed.values()), default=layout.problem.horizon_start)
        self.makespan = self.model.new_int_var(fixed_end, max(fixed_end, horizon), "makespan")
        for op in self.end:
            if not any(succ in self.end for succ in layout.successors[op]):
                self.model.add(self.makespan >= self.end[op])
        self.weighted_tardiness = sum(layout.jobs[j].weight * var for j, var in self.tardy.items())
        self.moved_count = self._stability() if previous else 0

    def _operations(self) -> None:
        layout, model = self.layout, self.model
        for op, operation in enumerate(layout.operations):
            if op in self.fixed:
                continue
            earliest = max(layout.earliest_start(op), self.floor)
            latest_end = self.horizon
            for pred in layout.predecessors[op]:
                if pred in self.fixed:
                    earliest = max(earliest, self.fixed[pred].end)
            for succ in layout.successors[op]:
                if succ in self.fixed:
                    latest_end = min(latest_end, self.fixed[succ].start)
            shortest = min(alt.length for alt in operation.alternatives)
            start = model.new_int_var(earliest, max(earliest, latest_end - shortest), f"start{op}")
            end = model.new_int_var(earliest, max(earliest, latest_end), f"end{op}")
            if len(operation.alternatives) == 1:
                alt = operation.alternatives[0]
                interval = model.new_fixed_size_interval_var(start, alt.length, f"run{op}")
                model.add(end == start + alt.length)
                self.intervals[alt.machine_id].append(interval)
                self.present[op] = [True]
            else:
                literals = []
                for k, alt in enumerate(operation.alternatives):
                    on = model.new_bool_var(f"on{op}_{k}")
                    interval = model.new_optional_fixed_size_interval_var(start, alt.length, on, f"run{op}_{k}")
                    self.intervals[alt.machine_id].append(interval)
                    literals.append(on)
                model.add_exactly_one(literals)
                lengths = [alt.length for alt in operation.alternatives]
                model.add(end == start + sum(length * on for length, on in zip(lengths, literals, strict=True)))
                self.present[op] = literals
            self.start[op] = start
            self.end[op] = end

    def _machines(self) -> None:
        layout, model = self.layout, self.model
        still: dict[Id, list[tuple[int, int]]] = {m: [] for m in layout.machines}
        for a in self.fixed.values():
            if a.end > self.floor and a.start < self.horizon:
                still[a.machine_id].append((a.start, a.end))
        for machine_id, machine in layout.machines.items():
            operations = self.intervals[machine_id]
            if not operations:
                continue
            closures = [
                (max(s, self.floor), min(e, self.horizon))
                for s, e in layout.closures[machine_id]
                if e > self.floor and s < self.horizon
            ]
            # Frozen work may overrun into a closure; only its part outside closures takes room,
            # so that the fixed intervals never conflict among themselves.
            parts = [part for span in still[machine_id] for part in _outside(span, closures)]
            fixed = [model.new_fixed_size_interval_var(s, e - s, f"busy{machine_id}") for s, e in parts]
            closed = [model.new_fixed_size_interval_var(s, e - s, f"closed{machine_id}") for s, e in closures]
            if machine.capacity == 1:
                model.add_no_overlap(operations + fixed + closed)
            else:
                demands = [1] * (len(operations) + len(fixed)) + [machine.capacity] * len(closed)
                model.add_cumulative(operations + fixed + closed, demands, machine.capacity)

    def _precedence(self) -> None:
        for op in self.start:
            for pred in self.layout.predecessors[op]:
                if pred in self.end:
                    self.model.add(self.start[op] >= self.end[pred])

    def _jobs(self) -> None:
        layout, model = self.layout, self.model
        first = 0
        for j, job in enumerate(layout.jobs):
            positions = range(first, first + len(job.operations))
            first += len(job.operations)
            if job.due is None or job.weight == 0 or not any(op in self.end for op in positions):
                continue
            fixed_end = max((self.fixed[op].end for op in positions if op in self.fixed), default=0)
            completion = model.new_int_var(fixed_end, max(fixed_end, self.horizon), f"completion{j}")
            for op in positions:
                if op in self.end and not any(succ in self.end for succ in layout.successors[op]):
                    model.add(completion >= self.end[op])
            least = max(0, fixed_end - job.due)
            tardy = model.new_int_var(least, max(least, self.horizon - job.due), f"tardy{j}")
            model.add(tardy >= completion - job.due)
            self.completion[j] = completion
            self.tardy[j] = tardy

    def _stability(self):
        """Moved free operations, as an expression: `kept[op]` is true only if op keeps its
        previous machine and start; operations whose previous machine is no longer eligible count
        as moved whatever happens.
        """
        layout, model = self.layout, self.model
        moved_anyway = 0
        for op in self.start:
            before = self.previous.get(layout.operations[op].id)
            if before is None:
                continue
            machines = [alt.machine_id for alt in layout.operations[op].alternatives]
            if before.machine_id not in machines:
                moved_anyway += 1
                continue
            kept = model.new_bool_var(f"kept{op}")
            model.add(self.start[op] == before.start).only_enforce_if(kept)
            on = self.present[op][machines.index(before.machine_id)]
            if on is not True:
                model.add_implication(kept, on)
            self.kept[op] = kept
        return moved_anyway + sum(1 - kept for kept in self.kept.values())

    def hint(self, assignments: Mapping[Id, Assignment]) -> None:
        """Hint every variable from a complete plan, so CP-SAT starts from a full solution."""
        layout, model = self.layout, self.model
        model.clear_hints()
        ends: dict[int, int] = {}
        for op, operation in enumerate(layout.operations):
            a = assignments[operation.id]
            ends[op] = a.end
            if op not in self.start:
                continue
            model.add_hint(self.start[op], a.start)
            model.add_hint(self.end[op], a.end)
            for alt, on in zip(operation.alternatives, self.present[op], strict=True):
                if on is not True:
                    model.add_hint(on, alt.machine_id == a.machine_id)
            if op in self.kept:
                before = self.previous[operation.id]
                model.add_hint(self.kept[op], (a.machine_id, a.start) == (before.machine_id, before.start))
        first = 0
        for j, job in enumerate(layout.jobs):
            positions = range(first, first + len(job.operations))
            first += len(job.operations)
            if j in self.completion:
                done = max(ends[op] for op in positions)
                model.add_hint(self.completion[j], done)
                model.add_hint(self.tardy[j], max(0, done - job.due))
        free_ends = [ends[op] for op in self.end]
        fixed_end = max((a.end for a in self.fixed.values()), default=layout.problem.horizon_start)
        model.add_hint(self.makespan, max([fixed_end, *free_ends]))

    def read(self, solver: cp_model.CpSolver) -> dict[Id, Assignment]:
        """The plan in the solver's current solution, fixed operations included, in problem order."""
        assignments = {}
        for op, operation in enumerate(self.layout.operations):
            if op in self.fixed:
                assignments[operation.id] = self.fixed[op]
                continue
            start = solver.value(self.start[op])
            k = next(k for k, on in enumerate(self.present[op]) if on is True or solver.boolean_value(on))
            alt = operation.alternatives[k]
            assignments[operation.id] = Assignment(alt.machine_id, start, start + alt.length)
        return assignments


def _outside(span: tuple[int, int], closures: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of `span` that no closure covers."""
    parts = [span]
    for c_start, c_end in closures:
        parts = [piece for s, e in parts for piece in ((s, min(e, c_start)), (max(s, c_end), e)) if piece[1] > piece[0]]
    return parts
