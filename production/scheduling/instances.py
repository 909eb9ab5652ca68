"""Standard benchmark instances read into Problems: OR-Library job shop and Brandimarte flexible job shop.

Ids in the Problem: machines are 0-based ints, jobs 0-based ints, operations (job, index) tuples.
Jobs have release 0 and no due date, as in the benchmark literature.
"""

from pathlib import Path
from typing import Literal

from .model import Alternative, Job, Machine, Operation, Problem

Format = Literal["jssp", "fjsp"]


class InstanceFormatError(ValueError):
    """An instance file that cannot be read; the message says which line and why."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.line = line


def load_instance(path: str | Path, format: Format | None = None) -> Problem:
    """Read an instance file. Without `format`, a .fjs file is Brandimarte's format, anything else
    OR-Library's job-shop format. Raises InstanceFormatError for unreadable or malformed files.
    """
    path = Path(path)
    if format is None:
        format = "fjsp" if path.suffix.lower() == ".fjs" else "jssp"
    if format not in ("jssp", "fjsp"):
        raise InstanceFormatError(f"unknown instance format {format!r}; use 'jssp' or 'fjsp'")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InstanceFormatError(f"{path}: not a text file ({exc.reason})") from exc
    except OSError as exc:
        raise InstanceFormatError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    parse = parse_fjsp if format == "fjsp" else parse_jssp
    return parse(text, source=str(path))


def _lines(text: str, source: str) -> list[tuple[int, list[str]]]:
    """Numbered lines split into tokens, comments (#) and blank lines left out."""
    rows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        tokens = raw.split("#", 1)[0].split()
        if tokens:
            rows.append((number, tokens))
    if not rows:
        raise InstanceFormatError(f"{source}: line 1: empty instance, expected 'jobs machines'", line=1)
    return rows


def _whole(tokens: list[str], number: int, source: str) -> list[int]:
    values = []
    for token in tokens:
        try:
            values.append(int(token))
        except ValueError:
            message = f"{source}: line {number}: {token!r} is not a whole number"
            raise InstanceFormatError(message, line=number) from None
    return values


def _body(text: str, source: str, *, flexible: bool) -> tuple[int, list[tuple[int, list[int]]]]:
    """The machine count and the job lines, after checking the header against them.

    Brandimarte's header may end with the average number of machines per operation, a decimal
    that is only informative.
    """
    rows = _lines(text, source)
    number, tokens = rows[0]
    header = _whole(tokens[:2], number, source)
    if flexible and len(tokens) == 3:
        try:
            float(tokens[2])
        except ValueError:
            raise InstanceFormatError(f"{source}: line {number}: {tokens[2]!r} is not a number", line=number) from None
    elif len(tokens) != 2:
        header = []
    if len(header) != 2 or header[0] < 1 or header[1] < 1:
        raise InstanceFormatError(
            f"{source}: line {number}: expected 'jobs machines' with both at least 1, found {' '.join(tokens)!r}",
            line=number,
        )
    jobs, machines = header
    body = [(n, _whole(t, n, source)) for n, t in rows[1:]]
    if len(body) < jobs:
        last = rows[-1][0]
        raise InstanceFormatError(
            f"{source}: line {last}: the header announces {jobs} jobs but only {len(body)} follow", line=last
        )
    if len(body) > jobs:
        extra = body[jobs][0]
        raise InstanceFormatError(f"{source}: line {extra}: more job lines than the {jobs} announced", line=extra)
    return machines, body


def _machine_base(machines: int, source: str, indexes) -> int:
    """0 or 1: the first machine's index. A 0 means 0-based; an index equal to the machine count
    (and no 0) means 1-based; with neither, 0-based as in OR-Library.
    """
    seen = list(indexes)
    zero = any(index == 0 for _, index in seen)
    top = [(number, index) for number, index in seen if index == machines]
    if zero and top:
        raise InstanceFormatError(
            f"{source}: line {top[0][0]}: machine {machines} with {machines} machines numbered from 0",
            line=top[0][0],
        )
    base = 1 if top else 0
    for number, index in seen:
        if not base <= index < machines + base:
            raise InstanceFormatError(
                f"{source}: line {number}: machine {index} is outside 0..{machines - 1} and 1..{machines}",
                line=number,
            )
    return base


def _problem(jobs_ops, machines: int) -> Problem:
    jobs = []
    for j, operations in enumerate(jobs_ops):
        ops = tuple(
            Operation(
                id=(j, k),
                job_id=j,
                alternatives=tuple(Alternative(machine, duration) for machine, duration in alternatives),
                predecessors=((j, k - 1),) if k else (),
            )
            for k, alternatives in enumerate(operations)
        )
        jobs.append(Job(id=j, operations=ops))
    return Problem(machines=tuple(Machine(id=m, name=f"M{m}") for m in range(machines)), jobs=tuple(jobs))


def parse_jssp(text: str, source: str = "<text>") -> Problem:
    """OR-Library job shop: 'jobs machines', then one line per job of (machine duration) pairs."""
    machines, body = _body(text, source, flexible=False)
    raw = []
    for number, values in body:
        if not values or len(values) % 2:
            raise InstanceFormatError(
                f"{source}: line {number}: expected pairs of machine and duration, found {len(values)} numbers",
                line=number,
            )
        raw.append((number, list(zip(values[::2], values[1::2], strict=True))))
    base = _machine_base(machines, source, [(n, m) for n, pairs in raw for m, _ in pairs])
    return _problem([[[(m - base, d)] for m, d in pairs] for _, pairs in raw], machines)


def parse_fjsp(text: str, source: str = "<text>") -> Problem:
    """Brandimarte flexible job shop: 'jobs machines [average machines per operation]', then per job
    one line: the number of operations, and for each the number of alternatives k followed by k
    (machine duration) pairs, machines numbered from 1 (files numbered from 0 are recognised).
    """
    machines, body = _body(text, source, flexible=True)
    raw = []
    for number, values in body:
        line = _Line(values, number, source)
        operations = []
        for _ in range(line.take("the number of operations")):
            k = line.take("a number of alternatives")
            if k < 1:
                raise InstanceFormatError(f"{source}: line {number}: an operation with {k} alternatives", line=number)
            operations.append([(line.take("a machine"), line.take("a duration")) for _ in range(k)])
        line.finish()
        raw.append((number, operations))
    base = _machine_base(machines, source, [(n, m) for n, ops in raw for alts in ops for m, _ in alts])
    return _problem([[[(m - base, d) for m, d in alts] for alts in ops] for _, ops in raw], machines)


class _Line:
    """Reads one job line of a Brandimarte file number by number."""

    def __init__(self, values: list[int], number: int, source: str):
        self.values = values
        self.number = number
        self.source = source
        self.cursor = 0

    def take(self, what: str) -> int:
        if self.cursor >= len(self.values):
            message = f"{self.source}: line {self.number}: the line ends where {what} was expected"
            raise InstanceFormatError(message, line=self.number)
        self.cursor += 1
        return self.values[self.cursor - 1]

    def finish(self) -> None:
        left = len(self.values) - self.cursor
        if left:
            message = f"{self.source}: line {self.number}: {left} numbers left over after the last operation"
            raise InstanceFormatError(message, line=self.number)
