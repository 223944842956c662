"""The end of a sweep, in the main process: the tables collected and one verdict line.

Progress stops, the finished runs are merged into the tables, and one line says what is
in them and how many points failed.

:class:`SweepCallback` does this at the end of ``copsim run -m``; :func:`collect` does it
for ``copsim collect SWEEP_DIR``.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from copsim.errors import CarriedThroughHydra, CollectFailed, PointsFailed
from copsim.files import write_json
from copsim.folders import near
from copsim.runs.provenance import replay_command
from copsim.sweep.job import sweep_folder
from copsim.sweep.progress import Progress, sweep_size
from copsim.sweep.store import SweepStore, stamp
from copsim.words import count


@dataclass
class SweepOutcome:
    """What a sweep or a collect found in the sweep folder."""

    folder: Path
    jobs: int = 0
    runs: int = 0
    failed_points: int = 0
    failed_runs: int = 0
    reused: int = 0
    repeated: int = 0
    finished: int = 0

    def count_jobs(self, jobs: list[dict[str, Any]]) -> None:
        """Count what this sweep's jobs did: runs finished, reused, repeated.

        A run is reused when a job found it finished and no job of this sweep computed it
        (an earlier sweep into the folder did). A run is repeated when two points of the
        sweep are one configuration (a PSA's base case and a grid value equal to it): both
        jobs count it, the tables hold it once.
        """
        self.jobs = len(jobs)
        runs = [(j["point"], s) for j in jobs for s in j.get("seeds", [])]
        found = {(j["point"], s) for j in jobs for s in j.get("found", [])}
        computed = {
            (j["point"], s) for j in jobs for s in j.get("seeds", []) if s not in j.get("found", [])
        }
        self.finished = len(set(runs))
        self.reused = len(found - computed)
        self.repeated = len(runs) - self.finished


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
        """Collect the tables and print the verdict line; failed points make the exit 1."""
        _release_workers()
        store = SweepStore(sweep_folder(config.hydra))
        jobs = self._progress.stop() if self._progress else []
        if self._progress is not None and jobs:
            print(self._progress.line(jobs), file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            tables = store.collect(self._progress.read if self._progress else None)
        except CollectFailed as err:  # a sweep never ends with status 0 and no tables
            raise CarriedThroughHydra(err) from None
        collect_seconds = time.perf_counter() - t0
        failed = [
            json.loads(p.read_text())
            for p in store.failure_files()
            if stamp(p) != self._failures_before.get(p)
        ]
        outcome = SweepOutcome(
            folder=store.root,
            runs=0 if tables is None else len(tables.summary),
            failed_points=len(failed),
            failed_runs=sum(f["failed_runs"] for f in failed),
        )
        outcome.count_jobs(jobs)
        record = {
            "started": self._started,
            "ended": time.time(),
            "collect_seconds": collect_seconds,
            "jobs": outcome.jobs,
            "runs": outcome.runs,
            "failed_points": outcome.failed_points,
            "command": replay_command(config.hydra),
        }
        try:
            write_json(store.root / "sweep.json", record)
        except OSError as err:
            failed = CollectFailed(f"could not write {store.root / 'sweep.json'} ({err.strerror})")
            raise CarriedThroughHydra(failed) from None
        print(verdict(outcome, this_sweep=True), flush=True)
        if outcome.failed_points:
            raise CarriedThroughHydra(PointsFailed(failed_message(outcome)))


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
    where = near(outcome.folder)
    head = f"copsim: sweep {where}: "
    if this_sweep:
        head += f"{count(outcome.jobs, 'job')} done"
        if outcome.reused:
            head += (
                f" ({outcome.reused} of their {count(outcome.finished, 'finished run')} "
                "reused from an earlier sweep into this folder)"
            )
        head += "; "
    head += (
        f"{count(outcome.runs, 'run')} in summary.parquet and weekly.parquet"
        if outcome.runs
        else "no finished runs"
    )
    if this_sweep and outcome.repeated:
        head += (
            f" ({outcome.repeated} of the jobs' "
            f"{count(outcome.finished + outcome.repeated, 'finished run')} repeat another "
            "point's configuration and seed, and are held once)"
        )
    head += "; "
    if not outcome.failed_points:
        return head + "0 failed"
    return head + (
        f"{count(outcome.failed_points, 'failed point')} "
        f"({count(outcome.failed_runs, 'run')}), see {near(outcome.folder / 'failures')}"
    )


def failed_message(outcome: SweepOutcome) -> str:
    """The error line of a sweep or collect with failed points."""
    return (
        f"{outcome.failed_points} of the sweep's points failed; the others are in the "
        f"tables (see {near(outcome.folder / 'failures')})"
    )


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
