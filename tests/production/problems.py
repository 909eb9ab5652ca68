"""Small problems for the scheduling tests, written out or drawn by hypothesis."""

from hypothesis import strategies as st

from production.scheduling import Alternative, FrozenAssignment, Job, Machine, Operation, Problem


def op(op_id, job_id, *alternatives, after=()):
    """An operation from (machine, duration[, setup]) tuples."""
    return Operation(op_id, job_id, tuple(Alternative(*alt) for alt in alternatives), tuple(after))


def workshop(**changes) -> Problem:
    """Three machines (one closed for lunch, one of capacity 2), three jobs, a fork-join routing."""
    machines = (
        Machine("saw", unavailable=((30, 40), (100, 130))),
        Machine("press", capacity=2, unavailable=((50, 60),)),
        Machine("lathe"),
    )
    jobs = (
        Job(
            "j1",
            (
                op("cut", "j1", ("saw", 10)),
                op("bend", "j1", ("press", 20), ("lathe", 15), after=["cut"]),
                op("drill", "j1", ("saw", 5), after=["cut"]),
                op("turn", "j1", ("lathe", 10), after=["bend", "drill"]),
            ),
            due=50,
            weight=2,
        ),
        Job(
            "j2",
            (op("stamp", "j2", ("press", 25)), op("face", "j2", ("saw", 30), ("press", 40, 5), after=["stamp"])),
            release=5,
            due=60,
        ),
        Job("j3", (op("form", "j3", ("press", 35)), op("polish", "j3", ("lathe", 20), after=["form"])), due=40),
    )
    return Problem(machines=machines, jobs=jobs, **changes)


@st.composite
def small_problems(draw) -> Problem:
    """Up to 4 machines with random closures and capacities, up to 5 jobs of up to 4 operations
    with random alternatives, DAG precedence, releases, due dates, weights, and maybe one frozen
    first operation.
    """
    machine_count = draw(st.integers(1, 4))
    machines = []
    for m in range(machine_count):
        closures = draw(st.lists(st.tuples(st.integers(0, 150), st.integers(1, 30)), max_size=3))
        machines.append(
            Machine(m, capacity=draw(st.integers(1, 2)), unavailable=tuple((s, s + length) for s, length in closures))
        )
    jobs = []
    for j in range(draw(st.integers(1, 5))):
        operations = []
        for k in range(draw(st.integers(1, 4))):
            eligible = draw(
                st.lists(st.integers(0, machine_count - 1), min_size=1, max_size=machine_count, unique=True)
            )
            alternatives = tuple(Alternative(m, draw(st.integers(1, 20)), draw(st.integers(0, 3))) for m in eligible)
            after = tuple((j, p) for p in range(k) if draw(st.booleans()))
            operations.append(Operation((j, k), j, alternatives, after))
        release = draw(st.integers(0, 50))
        due = draw(st.one_of(st.none(), st.integers(release, release + 120)))
        jobs.append(Job(j, tuple(operations), release=release, due=due, weight=draw(st.integers(0, 3))))
    frozen = ()
    first = jobs[0].operations[0]
    if not first.predecessors and draw(st.booleans()):
        alt = first.alternatives[0]
        frozen = (FrozenAssignment(first.id, alt.machine_id, 0, alt.length),)
    return Problem(machines=tuple(machines), jobs=tuple(jobs), frozen=frozen)
