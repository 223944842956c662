"""A sweep killed with SIGKILL loses no finished run, and re-running it resumes it."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import kill_after_runs, run_cli

ARGS = [
    "run",
    "-m",
    "brokerage.hours_per_week=0,4,8",
    "replicates=8",
    "weeks=60",
    "hydra.sweep.dir=sweep",
]
RUNS = 3 * 8


def run_files(folder):
    return sorted(folder.glob("runs/*/seed-*.parquet"))


@pytest.mark.slow
def test_sigkill_halfway_then_resume_runs_each_configuration_and_seed_once(tmp_path):
    folder = tmp_path / "sweep"
    finished = kill_after_runs(*ARGS, cwd=tmp_path, runs=folder / "runs")
    assert 5 <= len(finished) < RUNS, "the sweep was to be killed partway"
    assert not (folder / "summary.parquet").exists()  # killed before its end

    again = run_cli(*ARGS, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert f"{RUNS} runs in summary.parquet" in again.stdout.strip().splitlines()[-1]

    # The runs finished before the kill were skipped, not redone: their files are untouched.
    for path, (mtime, data) in finished.items():
        assert path.stat().st_mtime_ns == mtime and path.read_bytes() == data
    records = [json.loads(p.read_text()) for p in (folder / "jobs").glob("*.json")]
    assert sum(r["skipped"] for r in records) == len(finished)
    assert sum(r["done"] for r in records) == RUNS - len(finished)

    summary = pd.read_parquet(folder / "summary.parquet")
    weekly = pd.read_parquet(folder / "weekly.parquet")
    keys = summary[["brokerage.hours_per_week", "seed"]]
    assert len(summary) == RUNS and not keys.duplicated().any()
    assert set(map(tuple, keys.to_numpy())) == {(h, s) for h in (0, 4, 8) for s in range(8)}
    assert len(weekly) == RUNS * 61
    assert not weekly[["point", "seed", "week"]].duplicated().any()

    # Nothing left to do: a third run skips everything and gives the same tables.
    third = run_cli(*ARGS, cwd=tmp_path)
    assert third.returncode == 0, third.stderr
    records = [json.loads(p.read_text()) for p in (folder / "jobs").glob("*.json")]
    assert sum(r["skipped"] for r in records) == RUNS
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "summary.parquet"), summary)
