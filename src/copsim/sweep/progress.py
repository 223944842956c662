"""Progress of a multirun: jobs done out of the total, and an estimate of the time left.

Jobs run in other processes (or on other nodes), so progress is read from the sweep folder:
each finished job writes ``jobs/<num>.json`` (:func:`copsim.sweep.job.run_job`).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from copsim.progress import clock
from copsim.sweep.store import SweepStore, stamp
from copsim.words import count

BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"


POINTS_SWEEPER = "hydra_plugins.copsim_points_sweeper.points_sweeper.PointsSweeper"


def sweep_size(config: DictConfig) -> tuple[int, int] | None:
    """Jobs and runs a multirun will launch, when the basic or points sweeper decides."""
    target = OmegaConf.select(config, "hydra.sweeper._target_")
    if target == POINTS_SWEEPER:
        points = json.loads(Path(config.hydra.sweeper.points).read_text())
        return len(points), len(points) * int(OmegaConf.select(config, "replicates", default=1))
    if target != BASIC_SWEEPER:
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

    Progress lines go to stderr while the sweep runs only when it is a terminal (``shown``);
    the last line is printed at the end either way. A job counts as done when its record in
    ``jobs/`` is new or rewritten since the sweep started (records of an earlier sweep into
    the same folder do not count). The runs of each finished job are read here, while the
    others run, so that collecting at the end has only to merge them (:attr:`read`).
    """

    store: SweepStore
    size: tuple[int, int] | None
    every: float = 2.0
    shown: bool = field(default_factory=lambda: sys.stderr.isatty())
    started: float = field(default_factory=time.perf_counter)
    before: dict[Path, tuple[int, int] | None] = field(default_factory=dict)
    read: dict[Path, tuple[dict[str, Any], Any]] = field(default_factory=dict)
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

    def _read_runs(self, jobs: list[dict[str, Any]]) -> None:
        for job in jobs:
            for seed in job.get("seeds", []):
                path = self.store.run_path(job["point"], seed)
                if path not in self.read:
                    try:
                        self.read[path] = self.store.read_run(path)
                    except OSError:  # gone or unreadable: collect reads it again
                        continue

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
        text = "copsim: sweep "
        if self.size is None:
            return (
                f"{text}{count(done, 'job')} done ({count(runs, 'run')}), {clock(elapsed)} elapsed"
            )
        total_jobs, total_runs = self.size
        text += (
            f"{done}/{count(total_jobs, 'job')} done ({runs}/{count(total_runs, 'run')}), "
            f"{clock(elapsed)} elapsed"
        )
        if computed and done < total_jobs:
            # Runs computed so far set the pace; runs found done cost nothing.
            left = (total_runs - runs) * elapsed / computed
            text += f", about {clock(left)} left"
        return text

    def _loop(self) -> None:
        last, warm = 0.0, False
        while not self._stop.wait(0.5):
            jobs = self.finished()
            if jobs and not warm:
                # Collecting at the end needs pandas: import it while jobs run, once the
                # workers have started (not competing with their own start-up), not after.
                import pandas  # noqa: F401

                warm = True
            self._read_runs(jobs)
            key = (len(jobs), sum(j["done"] for j in jobs))
            now = time.perf_counter()
            if not self.shown:
                continue
            if key != self._shown and now - last >= self.every:
                print(self.line(jobs), file=sys.stderr, flush=True)
                self._shown, last = key, now
