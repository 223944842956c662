"""Bad input through the real CLI: one clear line, a non-zero exit, nothing left behind."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli

CASES = [
    (["brokerage.hours_per_wek=3"], "brokerage.hours_per_week"),  # misspelt: close match
    (["brokerage.hours_per_week=-1"], "from 0 to 40"),  # out of range
    (["weeks=abc"], "whole number"),  # wrong type
    (["nurture.protected_time=high"], "a number from 0 to 1"),
    (["site=nowhere"], "poor_history"),  # unknown preset lists the real ones
    (["events=[{week:0,set:{funding.agency_budget:0.8}}]"], "events[0].week"),
    (["events=[{week:5,set:{funding.agency_budget:9}}]"], "events[0].set.funding.agency_budget"),
    (["events=[{week:5,set:{site.people:10}}]"], "fixed at the start"),
    (["events=[{week:5,sett:{trust.gain:0.1}}]"], "events[0].sett"),
    (["events=[{week:5,set:{trust.gian:0.1}}]"], "trust.gain"),
    (["events=5"], "events"),
    (["weeks=10", "events=[{week:20,set:{trust.gain:0.1}}]"], "from 1 to 10"),
    (["seed=1,2"], "-m"),
    (["+extra=1"], "cannot be added"),
]


@pytest.mark.parametrize(("overrides", "expected"), CASES, ids=[c[0][-1] for c in CASES])
def test_bad_input_gives_one_line_and_no_run_folder(tmp_path, overrides, expected):
    proc = run_cli("run", *overrides, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("copsim: error:")
    assert expected in lines[0]
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path / "results").exists()


def test_traceback_only_when_asked(tmp_path):
    proc = run_cli("run", "--traceback", "weeks=abc", cwd=tmp_path)
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr


def test_unknown_command(tmp_path):
    proc = run_cli("rnu", cwd=tmp_path)
    assert proc.returncode == 2
    assert "unknown command" in proc.stderr
