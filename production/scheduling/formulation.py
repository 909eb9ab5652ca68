"""The CP-SAT model of a flexible job shop with calendars, capacities, release and due dates.

One start variable per unfrozen operation, and one optional fixed-size interval per alternative
sharing that start, exactly one present. Per machine, a NoOverlap (capacity 1) or a Cumulative
(capacity > 1) over those intervals plus fixed intervals for its closures and its frozen work.
Frozen operations are constants: they block their machine and bound their successors' starts.
"""

from collections.abc import Mapping

from ortools.sat.python import cp_model

from .calendars import merge_windows
from .graph import Layout
from .model import Assignment, Id


class PlanModel:
    """A CpModel for one layout, its objective terms, and the way back to assignments."""

    def __init__(self, layout: Layout, previous: Mapping[Id, Assignment] | None = None):
        self.layout = layout
        self.model = cp_model.CpModel()
        self.horizon = layout.horizon()
        self.start: dict[int, cp_model.IntVar] = {}
        self.start_range: dict[int, tuple[int, int]] = {}
        self.end: dict[int, cp_model.IntVar] = {}
        self.present: dict[int, list] = {}
        self.completion: dict[int, cp_model.IntVar] = {}
        self.tardy: dict[int, cp_model.IntVar] = {}
        self.kept: dict[int, cp_model.IntVar] = {}
        self._operations()
        self._machines()
        self._precedence()
        self._jobs()
        self.makespan = self.model.new_int_var(self._frozen_end(), self.horizon, "makespan")
        for op in self.end:
            if not layout.successors[op]:
                self.model.add(self.makespan >= self.end[op])
        self.weighted_tardiness = sum(layout.jobs[j].weight * var for j, var in self.tardy.items())
        self.moved_count = 0
        self.previous = previous or {}
        if previous:
            self._stability(previous)

    def _frozen_end(self) -> int:
        ends = [frozen.end for frozen in self.layout.frozen.values()]
        return max(ends, default=self.layout.problem.horizon_start)

    def _operations(self) -> None:
        layout, model = self.layout, self.model
        self.intervals: dict[Id, list] = {machine_id: [] for machine_id in layout.machines}
        for op, operation in enumerate(layout.operations):
            if op in layout.frozen:
                continue
            earliest = layout.earliest_start(op)
            for pred in layout.predecessors[op]:
                if pred in layout.frozen:
                    earliest = max(earliest, layout.frozen[pred].end)
            shortest = min(alt.length for alt in operation.alternatives)
            latest = max(earliest, self.horizon - shortest)
            start = model.new_int_var(earliest, latest, f"start{op}")
            self.start_range[op] = (earliest, latest)
            end = model.new_int_var(earliest + shortest, max(earliest + shortest, self.horizon), f"end{op}")
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
        floor = layout.problem.horizon_start
        frozen_by_machine: dict[Id, list[tuple[int, int]]] = {m: [] for m in layout.machines}
        for frozen in layout.frozen.values():
            frozen_by_machine[frozen.machine_id].append((frozen.start, frozen.end))
        for machine_id, machine in layout.machines.items():
            # Spans before the horizon start or after its end cannot meet an unfrozen operation.
            closures = [(max(s, floor), min(e, self.horizon)) for s, e in layout.closures[machine_id] if e > floor]
            closures = [(s, e) for s, e in closures if e > s]
            frozen = frozen_by_machine[machine_id]
            operations = self.intervals[machine_id]
            if not operations:
                continue
            if machine.capacity == 1:
                blocked = merge_windows(closures + frozen)
                fixed = [model.new_fixed_size_interval_var(s, e - s, f"closed{machine_id}") for s, e in blocked]
                model.add_no_overlap(operations + fixed)
                continue
            # Frozen work may overrun into a closure; only its part outside closures takes a unit,
            # so the fixed profile never exceeds the capacity by itself.
            frozen_parts = [part for span in frozen for part in _outside(span, closures)]
            fixed = [model.new_fixed_size_interval_var(s, e - s, f"closed{machine_id}") for s, e in closures]
            busy = [model.new_fixed_size_interval_var(s, e - s, f"frozen{machine_id}") for s, e in frozen_parts]
            model.add_cumulative(
                operations + fixed + busy,
                [1] * len(operations) + [machine.capacity] * len(fixed) + [1] * len(busy),
                machine.capacity,
            )

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
            if job.due is None or job.weight == 0:
                continue
            frozen_end = max((layout.frozen[op].end for op in positions if op in layout.frozen), default=0)
            completion = model.new_int_var(frozen_end, max(frozen_end, self.horizon), f"completion{j}")
            for op in positions:
                if op in self.end and not layout.successors[op]:
                    model.add(completion >= self.end[op])
            tardy = model.new_int_var(max(0, frozen_end - job.due), max(0, self.horizon - job.due), f"tardy{j}")
            model.add(tardy >= completion - job.due)
            self.completion[j] = completion
            self.tardy[j] = tardy

    def _stability(self, previous: Mapping[Id, Assignment]) -> None:
        """`kept[op]` is true only if op keeps its previous machine and start; the rest count as moved."""
        layout, model = self.layout, self.model
        moved_constant = 0
        for op in self.start:
            before = previous.get(layout.operations[op].id)
            if before is None:
                continue
            machines = [alt.machine_id for alt in layout.operations[op].alternatives]
            earliest, latest = self.start_range[op]
            if before.machine_id not in machines or not earliest <= before.start <= latest:
                moved_constant += 1
                continue
            kept = model.new_bool_var(f"kept{op}")
            model.add(self.start[op] == before.start).only_enforce_if(kept)
            on = self.present[op][machines.index(before.machine_id)]
            if on is not True:
                model.add_implication(kept, on)
            self.kept[op] = kept
        self.moved_count = moved_constant + sum(1 - kept for kept in self.kept.values())

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
        model.add_hint(self.makespan, max(ends.values(), default=self._frozen_end()))

    def read(self, solver: cp_model.CpSolver) -> dict[Id, Assignment]:
        """The plan in the solver's current solution, frozen operations included, in problem order."""
        assignments = {}
        for op, operation in enumerate(self.layout.operations):
            if op in self.layout.frozen:
                frozen = self.layout.frozen[op]
                assignments[operation.id] = Assignment(frozen.machine_id, frozen.start, frozen.end)
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
