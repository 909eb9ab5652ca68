from pathlib import Path

import pytest

from production.scheduling import InstanceFormatError, load_instance, parse_fjsp, parse_jssp

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"


def test_ft06_reads_as_six_jobs_on_six_machines():
    problem = load_instance(DATA / "ft06.txt")

    assert (len(problem.jobs), len(problem.machines)) == (6, 6)
    first = problem.jobs[0].operations
    assert [(op.alternatives[0].machine_id, op.alternatives[0].duration) for op in first] == [
        (2, 1),
        (0, 3),
        (1, 6),
        (3, 7),
        (5, 3),
        (4, 6),
    ]
    assert [op.predecessors for op in first[:2]] == [(), ((0, 0),)]


@pytest.mark.parametrize(
    ("name", "jobs", "machines", "operations"),
    [("mk01", 10, 6, 55), ("mk06", 10, 10, 150), ("mk10", 20, 15, 240)],
)
def test_brandimarte_files_read_with_their_published_sizes(name, jobs, machines, operations):
    problem = load_instance(DATA / f"{name}.fjs")

    assert (len(problem.jobs), len(problem.machines)) == (jobs, machines)
    assert sum(len(job.operations) for job in problem.jobs) == operations


def test_flexible_operations_keep_every_alternative_with_machines_from_one():
    problem = parse_fjsp("1 3 1.5\n2  2 1 5 3 7  1 2 4\n")

    first, second = problem.jobs[0].operations
    assert [(a.machine_id, a.duration) for a in first.alternatives] == [(0, 5), (2, 7)]
    assert [(a.machine_id, a.duration) for a in second.alternatives] == [(1, 4)]
    assert second.predecessors == (first.id,)


def test_job_shop_numbered_from_one_is_recognised():
    problem = parse_jssp("# a comment\n2 2\n1 5 2 3\n2 4 1 1\n")

    assert [op.alternatives[0].machine_id for op in problem.jobs[0].operations] == [0, 1]


@pytest.mark.parametrize(
    ("text", "parse", "message"),
    [
        ("", parse_jssp, "<text>: line 1: empty instance, expected 'jobs machines'"),
        ("2 2\n0 5 1 3\n", parse_jssp, "<text>: line 2: the header announces 2 jobs but only 1 follow"),
        ("1 2\n0 5 1\n", parse_jssp, "<text>: line 2: expected pairs of machine and duration, found 3 numbers"),
        ("1 2\n0 five\n", parse_jssp, "<text>: line 2: 'five' is not a whole number"),
        ("1 2\n0 5 2 3\n", parse_jssp, "<text>: line 2: machine 2 with 2 machines numbered from 0"),
        ("1 2\n0 5\n1 3\n", parse_jssp, "<text>: line 3: more job lines than the 1 announced"),
        ("1 2 2\n1 2 1 5\n", parse_fjsp, "<text>: line 2: the line ends where a machine was expected"),
        ("1 2 2\n1 1 1 5 9\n", parse_fjsp, "<text>: line 2: 1 numbers left over after the last operation"),
        ("1 2 x\n1 1 1 5\n", parse_fjsp, "<text>: line 1: 'x' is not a number"),
    ],
)
def test_malformed_instances_name_the_line(text, parse, message):
    with pytest.raises(InstanceFormatError) as caught:
        parse(text)

    assert str(caught.value) == message


def test_binary_file_is_refused_clearly(tmp_path):
    path = tmp_path / "picture.fjs"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")

    with pytest.raises(InstanceFormatError, match=r"picture\.fjs: not a text file"):
        load_instance(path)


def test_missing_file_is_refused_clearly(tmp_path):
    with pytest.raises(InstanceFormatError, match=r"nothing\.txt: cannot read it \(No such file or directory\)"):
        load_instance(tmp_path / "nothing.txt")
