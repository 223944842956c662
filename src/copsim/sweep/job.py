"""Sweeps through Hydra's multirun: the job, its replicates, progress and the final tables.

``copsim run -m a=1,2 b=x,y replicates=20`` hands each configuration (a *point*) to one
Hydra job, through whichever launcher is chosen (basic, joblib, submitit, ray). A job
(:func:`run_job`) runs seeds ``seed .. seed+replicates-1`` of its point, so Hydra's per-job
cost is paid once per point, and publishes every finished run into the sweep folder
(:mod:`copsim.sweep.store`). Seed i of every point draws the same random streams (common random
numbers). A run already in the folder is skipped, so re-running a sweep into its folder
resumes it. A failing point is recorded in the folder and the job returns normally, so
the others complete.

In the main process :class:`SweepCallback` shows progress while the jobs run and, at the
end, collects the tidy tables and reports how many points failed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import time
import traceback
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from copsim.sweep.progress import Progress, sweep_size
from copsim.sweep.store import SweepStore, cell, point_hash, stamp, write_json

NOT_TAGS = {"seed", "replicates"}
"""Overrides that are not tags of a run: the run's own seed is a column of its own."""


@dataclass
class SweepOutcome:
    """What the latest multirun of this process did (read by the CLI for its exit code)."""

    folder: Path
    jobs: int = 0
    runs: int = 0
    failed_points: int = 0
    failed_runs: int = 0


LAST_OUTCOME: SweepOutcome | None = None
"""Set by :meth:`SweepCallback.on_multirun_end`."""


def sweep_folder(hydra_cfg: Any) -> Path:
    """The sweep folder of a job or multirun, absolute (jobs may run in another cwd)."""
    folder = Path(str(hydra_cfg.sweep.dir))
    cwd = OmegaConf.select(hydra_cfg, "runtime.cwd", default=None)
    return folder if folder.is_absolute() or not cwd else Path(cwd) / folder


def point_key(overrides: list[str]) -> str:
    """Key of a point's failure record: its overrides, whatever the replicates."""
    kept = sorted(o for o in overrides if o.partition("=")[0] != "replicates")
    return hashlib.sha256(json.dumps(kept).encode()).hexdigest()[:16]


# --- the job ------------------------------------------------------------------------------


def run_job(cfg: DictConfig) -> dict[str, Any]:
    """Run one sweep point over its replicates into the sweep folder (a Hydra task).

    Never raises for a bad point or a failing run: the failure is recorded in the sweep
    folder's ``failures/`` and the job returns, so Hydra goes on with the others.

    Returns:
        What the job did (also written to ``jobs/<num>.json``).
    """
    from copsim.config import replicates_from_config, values_from_config
    from copsim.model.schema import SCHEMA
    from copsim.runs.provenance import config_hash
    from copsim.runs.runner import run_values

    started = time.perf_counter()
    hc = HydraConfig.get()
    store = SweepStore(sweep_folder(hc))
    num = int(hc.job.num)
    overrides = [str(o) for o in hc.overrides.task]
    choices = {k: v for k, v in hc.runtime.choices.items() if "/" not in k and v is not None}
    report: dict[str, Any] = {"job": num, "overrides": overrides, "runs": 0, "done": 0}
    report.update(point=None, seeds=[])  # the point's finished seeds, for the collector
    report.update(skipped=0, failed=0, compute_seconds=0.0)
    failures: list[dict[str, Any]] = []
    try:
        values = values_from_config(cfg)
        replicates = replicates_from_config(cfg)
    except Exception as err:  # a bad point: record it, let the other points run
        failures.append(_failure(err, seeds=None))
        _finish(store, cfg, report, failures, started)
        return report
    point = point_hash(values)
    tags = {k: _tag(k, values, choices) for k in _override_keys(overrides) if k not in NOT_TAGS}
    base_seed = values["seed"]
    # Replaying a run needs only its point's overrides and its own seed.
    command = ["copsim", "run", *(o for o in overrides if o.partition("=")[0] not in NOT_TAGS)]
    prov = _process_provenance()
    report.update(runs=replicates, point=point)
    for seed in range(base_seed, base_seed + replicates):
        if store.has_run(point, seed):
            report["skipped"] += 1
            report["seeds"].append(seed)
            continue
        try:
            run_cfg = {**values, "seed": SCHEMA["seed"].check(seed)}
            t0 = time.perf_counter()
            result = run_values(run_cfg, twins=store.twins)
            seconds = time.perf_counter() - t0
            run_hash = config_hash(run_cfg)
            record = {
                "point": point,
                "config_hash": run_hash,
                "seed": seed,
                "job": num,
                "tags": tags,
                "choices": choices,
                "values": run_cfg,
                "summary": result.summary,
                "compute_seconds": seconds,
                "provenance": {
                    **prov,
                    "seed": seed,
                    "config_hash": run_hash,
                    "command": [*command, f"seed={seed}"],
                    "created": datetime.now(UTC).isoformat(timespec="seconds"),
                },
            }
            store.write_run(record, result.weekly)
            report["done"] += 1
            report["seeds"].append(seed)
            report["compute_seconds"] += seconds
        except Exception as err:  # one failing seed must not cost the point's others
            failures.append(_failure(err, seeds=[seed]))
    _finish(store, cfg, report, failures, started)
    return report


@functools.cache
def _process_provenance() -> dict[str, Any]:
    """Versions, commit and platform: the same for every run of a process, so asked once."""
    from copsim.runs.provenance import provenance

    return provenance({}, [])


def _override_keys(overrides: list[str]) -> list[str]:
    return [o.partition("=")[0].lstrip("+~") for o in overrides if not o.startswith("hydra")]


def _tag(key: str, values: dict[str, Any], choices: dict[str, str]) -> Any:
    if key in values:
        return cell(values[key])
    return choices.get(key)


def _replicates(cfg: DictConfig) -> int:
    """The replicates a point asked for, even when its configuration is bad."""
    try:
        return max(int(OmegaConf.select(cfg, "replicates", default=1)), 1)
    except (TypeError, ValueError):
        return 1


def _failure(err: BaseException, seeds: list[int] | None) -> dict[str, Any]:
    return {
        "seeds": seeds,
        "error": f"{type(err).__name__}: {err}",
        "traceback": traceback.format_exc(),
    }


def _finish(
    store: SweepStore,
    cfg: DictConfig,
    report: dict[str, Any],
    failures: list[dict[str, Any]],
    started: float,
) -> None:
    """Record the job's failures (or clear an old record of this point) and its report."""
    path = store.failure_path(point_key(report["overrides"]))
    if failures:
        first = failures[0]
        if first["seeds"] is None:  # the point itself is bad: none of its runs can run
            report["runs"] = report["failed"] = _replicates(cfg)
        else:
            report["failed"] = len(failures)
        write_json(
            path,
            {
                "job": report["job"],
                "overrides": report["overrides"],
                "error": first["error"],
                "failed_runs": report["failed"],
                "failures": failures,
                "config": OmegaConf.to_yaml(cfg),
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "id": uuid.uuid4().hex,
            },
        )
        print(
            f"copsim: job {report['job']} failed ({' '.join(report['overrides'])}): "
            f"{first['error']}",
            file=sys.stderr,
        )
    else:
        path.unlink(missing_ok=True)  # the point once failed; it has now run
    report["twins_computed"] = store.twins.computed
    report["twins_reused"] = store.twins.reused
    report["seconds"] = time.perf_counter() - started
    # Wall-clock ends and the process let a benchmark lay the jobs out in time.
    report["ended"] = time.time()
    report["pid"] = os.getpid()
    report["id"] = uuid.uuid4().hex
    write_json(store.job_path(report["job"]), report)


# --- the main process: progress, collect, verdict ----------------------------------------


class SweepCallback(Callback):
    """Hydra callback: progress during a multirun, the tidy tables and a verdict at its end.

    Registered in ``conf/config.yaml`` under ``hydra.callbacks``. Single runs call none
    of its hooks. Hydra ships callbacks to the worker processes with each job, so the
    progress thread is kept out of what is pickled.
    """

    def __init__(self) -> None:
        self._progress: Progress | None = None
        self._failures_before: dict[Path, tuple[int, int] | None] = {}
        self._started = 0.0

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Start showing progress."""
        store = SweepStore(sweep_folder(config.hydra))
        self._started = time.time()
        self._failures_before = {p: stamp(p) for p in store.failure_files()}
        self._progress = Progress(store, sweep_size(config))
        self._progress.start()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Collect the tables, print the verdict line, note the outcome for the exit code."""
        global LAST_OUTCOME
        _release_workers()
        store = SweepStore(sweep_folder(config.hydra))
        jobs = self._progress.stop() if self._progress else []
        if self._progress is not None and jobs:
            print(self._progress.line(jobs), file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        tables = store.collect(self._progress.read if self._progress else None)
        collect_seconds = time.perf_counter() - t0
        failed = [
            json.loads(p.read_text())
            for p in store.failure_files()
            if stamp(p) != self._failures_before.get(p)
        ]
        outcome = SweepOutcome(
            folder=store.root,
            jobs=len(jobs),
            runs=0 if tables is None else len(tables.summary),
            failed_points=len(failed),
            failed_runs=sum(f["failed_runs"] for f in failed),
        )
        write_json(
            store.root / "sweep.json",
            {
                "started": self._started,
                "ended": time.time(),
                "collect_seconds": collect_seconds,
                "jobs": outcome.jobs,
                "runs": outcome.runs,
                "failed_points": outcome.failed_points,
                "command": sys.argv,
            },
        )
        LAST_OUTCOME = outcome
        print(verdict(outcome, this_sweep=True), flush=True)


def _release_workers() -> None:
    """Let the joblib launcher's idle workers exit now, while the tables are collected.

    joblib keeps its worker processes for reuse, and the command would otherwise wait for
    them to shut down only at exit, after collecting.
    """
    module = sys.modules.get("joblib.externals.loky.reusable_executor")
    executor = getattr(module, "_executor", None)
    if executor is not None:
        # Every job has returned, so the workers are idle: end them rather than wait for
        # their interpreters to tear down.
        executor.shutdown(wait=False, kill_workers=True)


def verdict(outcome: SweepOutcome, this_sweep: bool) -> str:
    """The last line of a sweep or a collect: what is in the tables and how many failed."""
    where = _shown(outcome.folder)
    head = f"copsim: sweep {where}: "
    if this_sweep:
        head += f"{outcome.jobs} jobs done; "
    head += (
        f"{outcome.runs} runs in summary.parquet and weekly.parquet; "
        if outcome.runs
        else "no finished runs; "
    )
    if not outcome.failed_points:
        return head + "0 failed"
    return head + (
        f"{outcome.failed_points} failed point{'s' if outcome.failed_points != 1 else ''} "
        f"({outcome.failed_runs} runs), see {_shown(outcome.folder / 'failures')}"
    )


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def collect(folder: Path) -> SweepOutcome:
    """Merge a sweep folder's finished runs into its tables (``copsim collect``)."""
    store = SweepStore(folder)
    tables = store.collect()
    failed = [json.loads(p.read_text()) for p in store.failure_files()]
    return SweepOutcome(
        folder=store.root,
        runs=0 if tables is None else len(tables.summary),
        failed_points=len(failed),
        failed_runs=sum(f["failed_runs"] for f in failed),
    )
