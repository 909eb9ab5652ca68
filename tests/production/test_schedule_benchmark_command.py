import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"


def test_ft06_prints_one_json_line_with_the_optimum():
    out = io.StringIO()

    call_command("schedule_benchmark", str(DATA / "ft06.txt"), "--time-limit", "5", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert {k: result[k] for k in ("instance", "jobs", "machines", "makespan", "lower_bound", "status")} == {
        "instance": "ft06",
        "jobs": 6,
        "machines": 6,
        "makespan": 55,
        "lower_bound": 55,
        "status": "optimal",
    }
    assert 0 <= result["found_seconds"] <= result["seconds"]
    assert result["reproducible"] is True


def test_format_is_taken_from_the_fjs_extension():
    out = io.StringIO()

    call_command("schedule_benchmark", str(DATA / "mk01.fjs"), "--time-limit", "5", "--seed", "1", stdout=out)

    assert json.loads(out.getvalue())["makespan"] == 40


def test_a_garbage_file_exits_1_with_the_reason(tmp_path):
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("6 6\nthis is not an instance\n")

    with pytest.raises(CommandError) as caught:
        call_command("schedule_benchmark", str(garbage))

    assert str(caught.value) == f"{garbage}: line 2: 'this' is not a whole number"
    assert caught.value.returncode == 1


def test_free_mode_uses_the_wall_clock_portfolio_and_says_it_may_vary():
    out = io.StringIO()

    call_command("schedule_benchmark", str(DATA / "ft06.txt"), "--time-limit", "5", "--free", stdout=out)

    result = json.loads(out.getvalue())
    assert (result["makespan"], result["reproducible"]) == (55, False)


@pytest.mark.parametrize("limit", ["0", "-3", "nan"])
def test_a_time_limit_that_is_not_positive_is_refused(limit):
    with pytest.raises(CommandError, match="--time-limit must be a positive number of seconds"):
        call_command("schedule_benchmark", str(DATA / "ft06.txt"), "--time-limit", limit)
