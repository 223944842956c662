"""Sweeps through Hydra's multirun: the job, its replicates, progress and the final tables.

``copsim run -m a=1,2 b=x,y replicates=20`` hands each configuration (a *point*) to one
Hydra job, through whichever launcher is chosen (basic, joblib, submitit, ray). A job
(:func:`run_job`) runs seeds ``seed .. seed+replicates-1`` of its point, so Hydra's per-job
cost is paid once per point, and publishes every finished run into the sweep folder
(:mod:`copsim.store`). Seed i of every point draws the same random streams (common random
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
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from copsim.store import SweepStore, point_hash, stamp, write_json

BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"
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
    from copsim.provenance import config_hash
    from copsim.runner import run_values
    from copsim.schema import SCHEMA

    started = time.perf_counter()
    hc = HydraConfig.get()
    store = SweepStore(sweep_folder(hc))
    num = int(hc.job.num)
    overrides = [str(o) for o in hc.overrides.task]
    choices = {k: v for k, v in hc.runtime.choices.items() if "/" not in k and v is not None}
    report: dict[str, Any] = {"job": num, "overrides": overrides, "runs": 0, "done": 0}
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
    report["runs"] = replicates
    for seed in range(base_seed, base_seed + replicates):
        if store.has_run(point, seed):
            report["skipped"] += 1
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
            report["compute_seconds"] += seconds
        except Exception as err:  # one failing seed must not cost the point's others
            failures.append(_failure(err, seeds=[seed]))
    _finish(store, cfg, report, failures, started)
    return report


@functools.cache
def _process_provenance() -> dict[str, Any]:
    """Versions, commit and platform: the same for every run of a process, so asked once."""
    from copsim.provenance import provenance

    return provenance({}, [])


def _override_keys(overrides: list[str]) -> list[str]:
    return [o.partition("=")[0].lstrip("+~") for o in overrides if not o.startswith("hydra")]


def _tag(key: str, values: dict[str, Any], choices: dict[str, str]) -> Any:
    from copsim.store import _cell

    if key in values:
        return _cell(values[key])
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


# --- the main process: size, progress, collect --------------------------------------------


def sweep_size(config: DictConfig) -> tuple[int, int] | None:
    """Jobs and runs a multirun will launch, when the basic sweeper decides (else None)."""
    if OmegaConf.select(config, "hydra.sweeper._target_") != BASIC_SWEEPER:
        return None
    from hydra.core.override_parser.overrides_parser import OverridesParser

    params = OmegaConf.select(config, "hydra.sweeper.params") or {}
    lines = [f"{k}={v}" for k, v in params.items()]
    lines += [str(o) for o in config.hydra.overrides.task]
    jobs, reps = 1, [int(OmegaConf.select(config, "replicates", default=1))]
    for o in OverridesParser.create().parse_overrides(lines):
        if not o.is_sweep_override():
            if o.key_or_group == "replicates":
                reps = [int(o.value())]
            continue
        options = list(o.sweep_string_iterator())
        if o.key_or_group == "replicates":
            reps = [int(v) for v in options]
        else:
            jobs *= len(options)
    runs = sum(jobs * r for r in reps)
    return jobs * len(reps), runs


@dataclass
class Progress:
    """Jobs done out of the total and the time left, printed while a sweep runs.

    A job counts as done when its record in ``jobs/`` is new or rewritten since the
    sweep started (records of an earlier sweep into the same folder do not count).
    """

    store: SweepStore
    size: tuple[int, int] | None
    every: float = 2.0
    started: float = field(default_factory=time.perf_counter)
    before: dict[Path, tuple[int, int] | None] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _shown: tuple[int, int] = (-1, -1)

    def start(self) -> None:
        """Note what is already in the folder, then report in the background."""
        self.before = {p: stamp(p) for p in self.store.job_files()}
        self._thread = threading.Thread(target=self._loop, name="copsim-progress", daemon=True)
        self._thread.start()

    def stop(self) -> list[dict[str, Any]]:
        """Stop reporting; the records of this sweep's finished jobs."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return self.finished()

    def finished(self) -> list[dict[str, Any]]:
        """Records of the jobs this sweep has finished so far."""
        out = []
        for path in self.store.job_files():
            if stamp(path) != self.before.get(path):
                try:
                    out.append(json.loads(path.read_text()))
                except (OSError, ValueError):  # replaced between listing and reading
                    continue
        return out

    def line(self, jobs: list[dict[str, Any]]) -> str:
        """One progress line: jobs and runs done, elapsed time and an estimate left."""
        elapsed = time.perf_counter() - self.started
        done = len(jobs)
        runs = sum(j["done"] + j["skipped"] + j["failed"] for j in jobs)
        computed = sum(j["done"] for j in jobs)
        text = f"copsim: sweep {done}"
        if self.size is None:
            return f"{text} jobs done ({runs} runs), {_clock(elapsed)} elapsed"
        total_jobs, total_runs = self.size
        text += f"/{total_jobs} jobs done ({runs}/{total_runs} runs), {_clock(elapsed)} elapsed"
        if computed and done < total_jobs:
            # Runs computed so far set the pace; runs found done cost nothing.
            left = (total_runs - runs) * elapsed / computed
            text += f", about {_clock(left)} left"
        return text

    def _loop(self) -> None:
        last, warm = 0.0, False
        while not self._stop.wait(0.5):
            jobs = self.finished()
            if jobs and not warm:
                # Collecting at the end needs these: import them while jobs run, once the
                # workers have started (not competing with their own start-up), not after.
                import pandas  # noqa: F401
                import pyarrow.parquet  # noqa: F401

                warm = True
            key = (len(jobs), sum(j["done"] for j in jobs))
            now = time.perf_counter()
            if key != self._shown and now - last >= self.every:
                print(self.line(jobs), file=sys.stderr, flush=True)
                self._shown, last = key, now


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


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
        store = SweepStore(sweep_folder(config.hydra))
        jobs = self._progress.stop() if self._progress else []
        if self._progress is not None and jobs:
            print(self._progress.line(jobs), file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        tables = store.collect()
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
