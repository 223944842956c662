"""Sweeps through ``copsim run -m``: launchers, replicates, the results store, failures."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hydra_plugins.hydra_submitit_launcher.config import LocalQueueConf, SlurmQueueConf
from omegaconf import OmegaConf

import copsim
from copsim.config import check_overrides
from copsim.model.mechanisms.economics import Ledger
from copsim.model.schema import ConfigError
from copsim.runs.outputs import TwinOutcome
from copsim.runs.provenance import config_hash
from copsim.sweep.store import SweepTables
from copsim.sweep.twins import TwinCache
from tests.conftest import REPO, assert_same_tables, run_cli, sweep
from tests.conftest import SWEEP_REPLICATES as REPLICATES

CLUSTER_SLURM = REPO / "conf" / "hydra" / "launcher" / "cluster_slurm.yaml"


def jobs(folder) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((folder / "jobs").glob("*.json"))]


def cluster_slurm_on_the_local_executor() -> list[str]:
    """The overrides that give ``submitit_local`` every setting of cluster_slurm.yaml it has.

    What is left out (partition, account, array_parallelism, setup ...) exists only for
    Slurm; the test below checks that nothing else is left out.
    """
    settings = OmegaConf.to_container(OmegaConf.load(CLUSTER_SLURM))
    settings.pop("defaults")
    local = LocalQueueConf.__dataclass_fields__
    slurm_only = {k for k in settings if k not in local}
    assert slurm_only <= SlurmQueueConf.__dataclass_fields__.keys(), slurm_only
    return ["hydra/launcher=submitit_local"] + [
        f"hydra.launcher.{key}={'null' if value is None else value}"
        for key, value in settings.items()
        if key in local
    ]


@pytest.mark.slow
def test_basic_joblib_and_submitit_launchers_give_identical_tables(tmp_path):
    tables = {}
    launchers = {
        "basic": [],
        "joblib": ["hydra/launcher=joblib"],
        # The cluster example's settings, on submitit's local executor in place of Slurm.
        "submitit_local": cluster_slurm_on_the_local_executor(),
    }
    for launcher, extra in launchers.items():
        proc, folder = sweep(tmp_path, *extra, folder=launcher)
        assert proc.returncode == 0, proc.stderr
        last = proc.stdout.strip().splitlines()[-1]
        assert "4 jobs done; 8 runs in summary.parquet and weekly.parquet; 0 failed" in last
        assert "4/4 jobs done" in proc.stderr  # progress
        assert not list(folder.rglob(".tmp.*"))
        tables[launcher] = SweepTables.load(folder)
    # cluster_slurm.yaml's submitit_folder: the task logs sit next to the results.
    assert list((tmp_path / "submitit_local" / ".submitit").glob("*/*_log.out"))

    basic = tables["basic"]
    assert basic.factors == ["brokerage.hours_per_week", "site", "weeks"]
    assert basic.swept == ["brokerage.hours_per_week", "site"]
    assert len(basic.summary) == 8 and len(basic.weekly) == 8 * 21
    assert sorted(set(basic.summary["seed"])) == [0, 1]
    for launcher in ("joblib", "submitit_local"):
        assert_same_tables(basic, tables[launcher])

    # The twins of the 5-hour points are the 0-hour points' own runs: none computed again.
    assert sum(j["twins_computed"] for j in jobs(tmp_path / "basic")) == 0
    assert sum(j["twins_reused"] for j in jobs(tmp_path / "basic")) == 4
    # Points over broker hours share burned-in states: one per site and seed, in the folder.
    for launcher in launchers:
        assert len(list((tmp_path / launcher / "burn-ins").glob("*.pickle"))) == 4, launcher

    # A stored run is exactly the single run of its point and seed (twin from the store or not).
    single = copsim.run(["brokerage.hours_per_week=5", "site=poor_history", "weeks=20"], seed=1)
    pick = (basic.summary["brokerage.hours_per_week"] == 5) & (
        basic.summary["site"] == "poor_history"
    )
    row = basic.summary[pick & (basic.summary["seed"] == 1)].iloc[0]
    for key, value in single.summary.items():
        assert (pd.isna(row[key]) and value is None) or row[key] == value, key
    pick_w = (basic.weekly["brokerage.hours_per_week"] == 5) & (
        basic.weekly["site"] == "poor_history"
    )
    weekly = basic.weekly[pick_w & (basic.weekly["seed"] == 1)]
    weekly = weekly.drop(columns=[*basic.factors, "seed", "point"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(weekly, single.weekly, check_exact=True)

    # Common random numbers: seed i of every brokerage level starts from the same site.
    start = basic.weekly[basic.weekly["week"] == 0].drop(
        columns=["brokerage.hours_per_week", "point"]
    )
    assert start.drop_duplicates().shape[0] == 2 * REPLICATES  # site x seed

    # Provenance: the run's config hash is the one a single run of it would record.
    assert row["config_hash"] == config_hash(single.values)


@pytest.mark.slow
def test_a_bad_point_is_recorded_and_the_others_complete(tmp_path):
    proc = run_cli(
        "run",
        "-m",
        "brokerage.hours_per_week=2,99",
        "weeks=20",
        "replicates=2",
        "hydra.sweep.dir=sweep",
        cwd=tmp_path,
    )
    assert proc.returncode == 1
    last = proc.stdout.strip().splitlines()[-1]
    assert "2 runs in summary.parquet" in last and "1 failed point (2 runs)" in last, last

    folder = tmp_path / "sweep"
    (record,) = [json.loads(p.read_text()) for p in (folder / "failures").glob("*.json")]
    assert "brokerage.hours_per_week=99" in record["overrides"]
    assert "brokerage.hours_per_week" in record["error"] and "0 to 40" in record["error"]
    assert "hours_per_week: 99" in record["config"]
    summary = pd.read_parquet(folder / "summary.parquet")
    assert summary["brokerage.hours_per_week"].tolist() == [2.0, 2.0]
    assert summary["seed"].tolist() == [0, 1]

    again = run_cli("collect", "sweep", cwd=tmp_path)
    assert again.returncode == 1
    assert "1 failed point (2 runs)" in again.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_a_sweep_with_no_good_value_or_a_wrong_type_stops_before_it_starts(tmp_path):
    for bad in ("brokerage.hours_per_week=99,100", "brokerage.hours_per_week=abc,2"):
        proc = run_cli("run", "-m", bad, "hydra.sweep.dir=sweep", cwd=tmp_path)
        assert proc.returncode == 2
        assert proc.stderr.strip().startswith("copsim: error: invalid value for brokerage")
        assert not (tmp_path / "sweep").exists()


@pytest.mark.slow
def test_replicates_needs_multirun_and_a_whole_number_from_one(tmp_path):
    proc = run_cli("run", "replicates=3", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "copsim: error: invalid value for replicates: 3 (allowed: 1 without -m; add -m to "
        "run seeds seed..seed+N-1 into a sweep folder)"
    )
    assert not (tmp_path / "results").exists()
    proc = run_cli("run", "-m", "replicates=0", cwd=tmp_path)
    assert proc.returncode == 2 and "replicates: 0" in proc.stderr


def test_collect_needs_a_sweep_folder(tmp_path):
    proc = run_cli("collect", "nowhere", cwd=tmp_path)
    assert proc.returncode == 2 and "no copsim sweep in nowhere" in proc.stderr


def test_a_sweep_value_out_of_range_fails_its_point_not_the_sweep():
    check_overrides(["brokerage.hours_per_week=2,99"], multirun=True)  # 99: isolated
    with pytest.raises(ConfigError, match="hours_per_week"):
        check_overrides(["brokerage.hours_per_week=99,100"], multirun=True)
    with pytest.raises(ConfigError, match="'abc'"):
        check_overrides(["brokerage.hours_per_week=abc,2"], multirun=True)
    with pytest.raises(ConfigError, match="weeks"):
        check_overrides(["weeks=5000", "seed=1,2"], multirun=True)


@pytest.mark.slow
def test_the_cluster_launcher_example_composes_on_submitit_slurm(tmp_path):
    proc = run_cli(
        "run",
        "hydra/launcher=cluster_slurm",
        "hydra.launcher.partition=compute",
        "--cfg",
        "hydra",
        "-p",
        "hydra.launcher",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "SlurmLauncher" in proc.stdout and "partition: compute" in proc.stdout


@pytest.mark.slow
def test_the_slurm_example_script_composes_its_launcher(tmp_path):
    env = {**os.environ, "VENV": sys.prefix, "SWEEP_DIR": str(tmp_path / "sweep")}
    script = REPO / "examples" / "slurm" / "sweep.sh"
    proc = subprocess.run(
        ["bash", str(script), "check"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    launcher = OmegaConf.to_container(OmegaConf.create(proc.stdout))
    assert launcher["_target_"].endswith("submitit_launcher.SlurmLauncher")
    assert launcher["partition"] == "compute" and launcher["timeout_min"] == 30
    assert launcher["array_parallelism"] == 100
    assert not (tmp_path / "sweep").exists()  # nothing submitted


@pytest.mark.slow
def test_the_local_executor_takes_the_cluster_examples_settings(tmp_path):
    overrides = cluster_slurm_on_the_local_executor()
    proc = run_cli("run", *overrides, "--cfg", "hydra", "-p", "hydra.launcher", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    # Unresolved: submitit_folder names ${hydra.sweep.dir}, which is not in the printout.
    launcher = OmegaConf.to_container(OmegaConf.create(proc.stdout))
    assert launcher["_target_"].endswith("submitit_launcher.LocalLauncher")
    example = OmegaConf.to_container(OmegaConf.load(CLUSTER_SLURM))
    shared = [key for key in example if key in LocalQueueConf.__dataclass_fields__]
    assert {"timeout_min", "cpus_per_task", "mem_gb", "submitit_folder"} <= set(shared)
    for key in shared:
        assert launcher[key] == example[key], key


def _fetch_twins(folder: str) -> tuple[int, list[tuple[float, int]]]:
    cache = TwinCache(Path(folder))

    def slow(i: int) -> TwinOutcome:
        time.sleep(0.2)  # long enough for the other processes to ask meanwhile
        return TwinOutcome(Ledger(1.0 / 3, 2.0, 3.0), i, 7)

    out = [cache.fetch({"seed": i}, lambda i=i: slow(i)) for i in range(3)]
    return cache.computed, [(o.ledger.programme_cost, o.crisis_events) for o in out]


@pytest.mark.slow
def test_each_twin_is_computed_once_across_processes(tmp_path):
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        results = pool.map(_fetch_twins, [str(tmp_path)] * 3)
    assert sum(computed for computed, _ in results) == 3
    assert all(values == [(1.0 / 3, 0), (1.0 / 3, 1), (1.0 / 3, 2)] for _, values in results)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json"] * 3  # no lock left
