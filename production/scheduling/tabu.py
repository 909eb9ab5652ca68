"""Tabu search for makespan on job shops and flexible job shops without calendars.

CP-SAT with two workers proves small shops quickly, but on shops of a few hundred operations it
spends its time in full-problem subsolvers and stalls: on Brandimarte's mk10 (240 operations,
up to five machines each) around 216 against a best known 197, on Taillard's ta51 (750
operations) 16 % above the optimum. This search works on the disjunctive graph instead: the plan
is one sequence per machine; heads (earliest starts) and tails (longest path after an operation
ends) give the makespan, and only operations on a longest path are worth moving.

- Flexible shops (Mastrolilli and Gambardella's idea): a move takes one critical operation out
  of its machine's sequence and inserts it into any eligible machine's sequence (its own
  included) at a position that provably makes no cycle, ranked by the longest path through the
  moved operation, estimated from the current heads and tails.
- Plain job shops (Nowicki and Smutnicki's N5): on one longest path, swap the first two or the
  last two operations of a block (a run on one machine), estimated as Taillard does.

The best move that is not tabu is made, even if it makes the plan longer; undoing it (the
operation back behind the same neighbour, or a swap swapped back) is tabu for a while, unless it
would beat the best plan. After a long stall the search goes back to the best plan.

The search is pure Python and a function of the seed: it stops after a budget of work (one
unit per move looked at, RETIME_WORK per operation re-timed), not after a number of seconds,
so the same call gives the same plan; a wall-clock deadline guards the caller's time limit, and
a search cut by it says so (`stopped_by_clock`).

It applies only where heads and tails are exact: no closures (calendars), every machine of
capacity 1, nothing frozen (see `applies`). Alone from the dispatching plan, one core, 3
December 2026: mk10 239 -> 206 after 1.4 s, 200 after 19 s; ta51 3601 -> 2760 (the optimum)
after 8 s; ta71 6140 -> 5481 (optimum 5464) in 20 s. `solve` runs it after CP-SAT, which
proves small instances and is stronger on some (mk06, mk07, la22, abz7).
"""

import itertools
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from .graph import Layout, topological_order
from .model import Assignment, Id

RETIME_WORK = 10  # units of work per operation re-timed, against one per move looked at
RANKED = 50  # candidates looked at, best estimate first, before taking the best one even if tabu
TENURE = 10  # iterations a move's undoing stays tabu, plus up to as many again at random
STALL = 3000  # iterations without a better plan before going back to the best one


def applies(layout: Layout) -> bool:
    """Whether heads and tails give exact times: no closures, capacity 1 everywhere, nothing frozen."""
    return (
        bool(layout.operations)
        and not layout.frozen
        and all(not spans for spans in layout.closures.values())
        and all(machine.capacity == 1 for machine in layout.machines.values())
    )


@dataclass
class TabuResult:
    assignments: dict[Id, Assignment]
    makespan: int
    iterations: int
    work: int
    stopped_by_clock: bool
    improvements: list[tuple[float, int]] = field(default_factory=list)
    found_at: float = 0.0


class _Graph:
    """Machine sequences with heads and tails, indexed by operation position."""

    def __init__(self, layout: Layout, assignments: Mapping[Id, Assignment]):
        operations = layout.operations
        self.count = len(operations)
        self.machine_ids = list(layout.machines)
        index = {machine_id: k for k, machine_id in enumerate(self.machine_ids)}
        self.alternatives = [[(index[a.machine_id], a.length) for a in op.alternatives] for op in operations]
        self.predecessors = [list(p) for p in layout.predecessors]
        self.successors = [list(s) for s in layout.successors]
        self.release = [layout.earliest_start(op) for op in range(self.count)]
        self.machine = [0] * self.count
        self.length = [0] * self.count
        placed: list[list[tuple[int, int]]] = [[] for _ in self.machine_ids]
        for op, operation in enumerate(operations):
            a = assignments[operation.id]
            k = index[a.machine_id]
            self.machine[op] = k
            self.length[op] = next(length for m, length in self.alternatives[op] if m == k)
            placed[k].append((a.start, op))
        self.sequences = [[op for _, op in sorted(spans)] for spans in placed]
        self.head = [0] * self.count
        self.tail = [0] * self.count
        self.no_tail = [0] * self.count
        self.before = [-1] * self.count  # machine predecessor
        self.after = [-1] * self.count  # machine successor
        self.makespan = 0

    def time(self) -> bool:
        """Heads, tails and makespan of the current sequences; False if they hold a cycle."""
        count, before, after = self.count, self.before, self.after
        for op in range(count):
            before[op] = after[op] = -1
        for sequence in self.sequences:
            for first, second in itertools.pairwise(sequence):
                after[first] = second
                before[second] = first
        order = topological_order(
            [[*preds, before[op]] if before[op] >= 0 else preds for op, preds in enumerate(self.predecessors)]
        )
        if len(order) < count:
            return False
        _longest_paths(order, self.predecessors, before, self.release, self.length, self.head)
        _longest_paths(reversed(order), self.successors, after, self.no_tail, self.length, self.tail)
        head, tail, length = self.head, self.tail, self.length
        self.makespan = max(head[op] + length[op] + tail[op] for op in range(count))
        return True

    def moves(self) -> tuple[list[tuple[int, int, int, int, int]], int]:
        """Every safe insertion of a critical operation: (estimate, op, machine, position,
        length), and the positions examined.

        Inserting op between u and w on a machine makes no cycle if u cannot be reached from
        op's job successors and w cannot reach its job predecessors. Reaching implies starting
        no earlier than the other's end, so heads decide it: u is safe if it starts before
        every job successor ends, w if it ends after every job predecessor starts. Heads only
        grow along a machine's sequence, so the safe positions are one run.
        """
        head, tail, length = self.head, self.tail, self.length
        found = []
        examined = 0
        for op in range(self.count):
            if head[op] + length[op] + tail[op] != self.makespan:
                continue
            ready, rest = self._ready(op), self._rest(op)
            latest_pred_start = max([head[p] for p in self.predecessors[op]], default=-1)
            first_succ_end = min([head[s] + length[s] for s in self.successors[op]], default=1 << 62)
            own = self.machine[op]
            for k, duration in self.alternatives[op]:
                sequence = self.sequences[k]
                if k == own:
                    here = sequence.index(op)
                    sequence = sequence[:here] + sequence[here + 1 :]
                for position in range(len(sequence) + 1):
                    examined += 1
                    start = ready
                    if position:
                        u = sequence[position - 1]
                        if head[u] >= first_succ_end:
                            break
                        start = max(start, head[u] + length[u])
                    after = rest
                    if position < len(sequence):
                        w = sequence[position]
                        if head[w] + length[w] <= latest_pred_start:
                            continue
                        after = max(after, tail[w] + length[w])
                    if k == own and position == here:
                        continue
                    found.append((start + duration + after, op, k, position, duration))
        return found, examined

    def swaps(self) -> tuple[list[tuple[int, int, int, int, int]], int]:
        """Nowicki and Smutnicki's moves for plain job shops: on one longest path, swap the first
        two and the last two operations of each block (a run on one machine), estimated as
        Taillard does from heads and tails; each as (estimate, op, machine, position, length)
        with op moved behind its machine successor."""
        head, tail, length, before, after = self.head, self.tail, self.length, self.before, self.after
        path = self._critical_path()
        blocks: list[list[int]] = [[path[0]]]
        for op in path[1:]:
            if before[op] == blocks[-1][-1]:
                blocks[-1].append(op)
            else:
                blocks.append([op])
        pairs = set()
        for b, block in enumerate(blocks):
            if len(block) < 2:
                continue
            if b > 0:
                pairs.add((block[0], block[1]))
            if b < len(blocks) - 1:
                pairs.add((block[-2], block[-1]))
        found = []
        for u, v in sorted(pairs):
            if v in self.successors[u]:  # one job's steps on one machine: swapping them makes a cycle
                continue
            m = before[u]
            head_v = max(self._ready(v), head[m] + length[m] if m >= 0 else 0)
            head_u = max(self._ready(u), head_v + length[v])
            w = after[v]
            tail_u = max(self._rest(u), tail[w] + length[w] if w >= 0 else 0)
            tail_v = max(self._rest(v), tail_u + length[u])
            estimate = max(head_v + length[v] + tail_v, head_u + length[u] + tail_u)
            k = self.machine[u]
            found.append((estimate, u, k, self.sequences[k].index(v), length[u]))
        return found, len(path)

    def _ready(self, op: int) -> int:
        """When op's job lets it start: its release, its job predecessors' ends."""
        return max([self.release[op], *(self.head[p] + self.length[p] for p in self.predecessors[op])])

    def _rest(self, op: int) -> int:
        """The longest path after op through its job successors alone."""
        return max([0, *(self.tail[s] + self.length[s] for s in self.successors[op])])

    def _critical_path(self) -> list[int]:
        """One longest path, first operation to last."""
        head, tail, length = self.head, self.tail, self.length
        op = min(
            (
                o
                for o in range(self.count)
                if head[o] + length[o] + tail[o] == self.makespan and head[o] == self.release[o]
            ),
            key=lambda o: (head[o], o),
        )
        path = [op]
        while tail[op]:
            nexts = [*self.successors[op], self.after[op]]
            op = next(
                s for s in nexts if s >= 0 and head[s] == head[op] + length[op] and tail[s] + length[s] == tail[op]
            )
            path.append(op)
        return path

    def move(self, op: int, k: int, position: int, duration: int) -> tuple[int, int, int]:
        """Make a move; returns (machine, position, length) to undo it with."""
        undo = (self.machine[op], self.sequences[self.machine[op]].index(op), self.length[op])
        self.sequences[self.machine[op]].remove(op)
        self.sequences[k].insert(position, op)
        self.machine[op] = k
        self.length[op] = duration
        return undo

    def snapshot(self):
        return [list(s) for s in self.sequences], list(self.machine), list(self.length)

    def restore(self, snapshot) -> None:
        sequences, machine, length = snapshot
        self.sequences = [list(s) for s in sequences]
        self.machine = list(machine)
        self.length = list(length)
        self.time()


def improve_makespan(
    layout: Layout,
    assignments: Mapping[Id, Assignment],
    *,
    budget: int,
    wall_deadline: float,
    seed: int = 0,
    began: float | None = None,
) -> TabuResult:
    """A plan no longer than `assignments` (which must be feasible), found within `budget` units
    of work or by `wall_deadline` (a perf_counter time), whichever comes first."""
    began = time.perf_counter() if began is None else began
    rng = random.Random(seed)  # noqa: S311  (a reproducible search, not a secret)
    graph = _Graph(layout, assignments)
    graph.time()
    flexible = any(len(alternatives) > 1 for alternatives in graph.alternatives)
    best, best_plan = graph.makespan, graph.snapshot()
    result = TabuResult({}, best, 0, 0, False)
    tabu: dict[tuple[int, int, int], int] = {}
    stall = 0
    while result.work < budget:
        if time.perf_counter() >= wall_deadline:
            result.stopped_by_clock = True
            break
        result.iterations += 1
        iteration = result.iterations
        candidates, examined = graph.moves() if flexible else graph.swaps()
        result.work += examined + RETIME_WORK * graph.count
        if not candidates:
            break
        rng.shuffle(candidates)  # seeded ties
        candidates.sort(key=lambda c: c[0])
        (_, op, k, position, duration), key = _choose(graph, candidates, tabu, iteration, best)
        left_behind = graph.before[op]
        undo = graph.move(op, k, position, duration)
        if not graph.time():  # the safety rule should prevent it; undone and barred all the same
            graph.move(op, *undo)
            graph.time()
            tabu[key] = budget
            continue
        tabu[(op, undo[0], left_behind)] = iteration + TENURE + rng.randrange(TENURE)
        if not flexible:  # a swap: swapping back is moving the other one behind op again
            tabu[(graph.before[op], k, op)] = iteration + TENURE + rng.randrange(TENURE)
        if graph.makespan < best:
            best, best_plan, stall = graph.makespan, graph.snapshot(), 0
            result.found_at = round(time.perf_counter() - began, 3)
            result.improvements.append((result.found_at, best))
        else:
            stall += 1
            if stall > STALL:
                graph.restore(best_plan)
                stall = 0
    graph.restore(best_plan)
    result.makespan = best
    result.assignments = _assignments(layout, graph)
    return result


def _choose(graph: _Graph, candidates, tabu, iteration: int, best: int):
    """The best-estimated candidate that is not tabu (or would beat the best plan), else the
    best-estimated one; with its tabu key (operation, machine, operation it would follow)."""
    chosen = None
    for candidate in candidates[:RANKED]:
        _, op, k, position, _ = candidate
        sequence = [o for o in graph.sequences[k] if o != op]
        key = (op, k, sequence[position - 1] if position else -1)
        if tabu.get(key, 0) <= iteration or candidate[0] < best:
            return candidate, key
        if chosen is None:
            chosen = candidate, key
    return chosen


def _longest_paths(order, job_links, machine_link, origin, length, out) -> None:
    """Longest path lengths in `order` (topological, forwards for heads, backwards for tails):
    each operation's value is at least its origin and at least each linked operation's value
    plus that operation's length."""
    for op in order:
        value = origin[op]
        for other in job_links[op]:
            value = max(value, out[other] + length[other])
        other = machine_link[op]
        if other >= 0:
            value = max(value, out[other] + length[other])
        out[op] = value


def _assignments(layout: Layout, graph: _Graph) -> dict[Id, Assignment]:
    """Every operation at its head: the earliest times of the machine sequences."""
    return {
        operation.id: Assignment(
            graph.machine_ids[graph.machine[op]], graph.head[op], graph.head[op] + graph.length[op]
        )
        for op, operation in enumerate(layout.operations)
    }
