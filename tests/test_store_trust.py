"""The sweep store trusts only files that read back whole; a sweep never ends 0 without tables.

Also: two sweeps started in the same second get folders of their own, and a sweep's
sweep.json records a command that replays it.
"""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from copsim.config import check_command
from copsim.runs.provenance import config_hash
from copsim.runs.runner import twin_values
from copsim.sweep.store import SweepStore, run_file_problem
from tests.conftest import run_cli

ARGS = ["run", "-m", "brokerage.hours_per_week=0,5", "replicates=2", "weeks=12"]
TABLE_COLUMNS_THAT_VARY = ["compute_seconds", "job", "created", "git_commit"]


def assert_tables_as_clean(folder, clean):
    """A repaired sweep's tables hold the runs of a clean sweep, value for value."""
    ours = pd.read_parquet(folder / "summary.parquet").drop(columns=TABLE_COLUMNS_THAT_VARY)
    theirs = pd.read_parquet(clean / "summary.parquet")
    pd.testing.assert_frame_equal(ours, theirs.drop(columns=TABLE_COLUMNS_THAT_VARY))
    pd.testing.assert_frame_equal(
        pd.read_parquet(folder / "weekly.parquet"), pd.read_parquet(clean / "weekly.parquet")
    )


def sweep(cwd, folder="sweep", *extra):
    return run_cli(*ARGS, f"hydra.sweep.dir={folder}", *extra, cwd=cwd)


@pytest.mark.slow
def test_bad_run_files_a_corrupt_twin_and_burn_in_are_moved_aside_and_redone(tmp_path):
    clean = sweep(tmp_path, "clean")
    assert clean.returncode == 0, clean.stderr
    first = sweep(tmp_path)
    assert first.returncode == 0, first.stderr
    folder = tmp_path / "sweep"
    files = sorted(folder.glob("runs/*/seed-*.parquet"))
    assert len(files) == 4
    # The twin of seed 0: a redone run always reads it (which twins are read otherwise
    # depends on the order of the points' hashes).
    record, _ = SweepStore.read_run(next(f for f in files if f.name == "seed-0.parquet"))
    twin = folder / "twins" / f"{config_hash(twin_values(record['values']))}.json"
    data = files[0].read_bytes()
    files[0].write_bytes(data[: len(data) // 2])  # truncated
    files[1].write_bytes(b"")  # empty
    files[2].write_bytes(os.urandom(len(data)))  # random bytes
    twin.write_text('{"ledger": {"programme_co')  # cut short
    burn_ins = sorted(folder.glob("burn-ins/*.pickle"))
    assert len(burn_ins) == 2  # one per seed, shared by the two points
    for path in burn_ins:
        path.write_bytes(path.read_bytes()[:1000])  # cut short
    for name in ("summary.parquet", "weekly.parquet"):
        (folder / name).unlink()

    again = sweep(tmp_path)
    assert again.returncode == 0, again.stderr
    moved = [line for line in again.stderr.splitlines() if "moved to" in line]
    assert len(moved) == 6, again.stderr
    assert any(twin.name in line for line in moved)
    assert sum("is not a whole burn-in" in line for line in moved) == 2
    assert len(list(folder.glob("runs/*/seed-*.parquet.bad-*"))) == 3
    assert all(run_file_problem(p) is None for p in folder.glob("runs/*/seed-*.parquet"))

    assert_tables_as_clean(folder, tmp_path / "clean")
    command = json.loads((folder / "sweep.json").read_text())["command"]
    assert command[:3] == ["copsim", "run", "-m"] and "hydra.sweep.dir=sweep" in command


@pytest.mark.slow
def test_a_collect_that_cannot_write_exits_non_zero(tmp_path):
    done = sweep(tmp_path)
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "sweep"
    (folder / "summary.parquet").unlink()
    (folder / "summary.parquet").mkdir()  # the table cannot be published there
    for proc in (run_cli("collect", "sweep", cwd=tmp_path), sweep(tmp_path)):
        assert proc.returncode == 1, proc.stderr
        errors = [line for line in proc.stderr.splitlines() if "error" in line]
        assert len(errors) == 1 and "could not write the tables" in errors[0], proc.stderr
        assert "Traceback" not in proc.stderr


def test_a_collect_of_a_bad_run_file_moves_it_aside_and_exits_non_zero(tmp_path):
    store = SweepStore(tmp_path)
    bad = store.run_path("abc", 0)
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"PAR1 not really")
    proc = run_cli("collect", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 1
    assert "moved to seed-0.parquet.bad-" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("copsim: error: 1 run file")
    assert not bad.exists() and not store.has_run("abc", 0)


@pytest.mark.slow
def test_two_sweeps_started_in_the_same_second_get_their_own_folders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folders = {
        str(check_command("copsim run", "config", ["-m", "seed=1,2"]).sweep_dir) for _ in range(5)
    }
    assert len(folders) == 5
    assert all(f.startswith("results/sweeps/") for f in folders)
    assert list(tmp_path.iterdir()) == []  # checking wrote nothing
