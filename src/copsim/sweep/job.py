"""Sweeps through Hydra's multirun: the job, its replicates, progress and the final tables.

``copsim run -m a=1,2 b=x,y replicates=20`` hands each configuration (a *point*) to one
Hydra job, through whichever launcher is chosen (basic, joblib, submitit, ray). A job
(:func:`run_job`) runs seeds ``seed .. seed+replicates-1`` of its point, so Hydra's per-job
cost is paid once per point, and publishes every finished run into the sweep folder
(:mod:`copsim.sweep.store`). Seed i of every point draws the same keyed random numbers
(common random numbers). A run already in the folder is skipped, so re-running a sweep into
its folder resumes it. A failing point is recorded in the folder and the job returns
normally, so the others complete.

In the main process :class:`SweepCallback` shows progress while the jobs run and, at the
end, collects the tidy tables and reports how many points failed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from copsim.errors import NO_SPACE
from copsim.files import write_json
from copsim.sweep.store import SweepStore, cell, point_hash

if TYPE_CHECKING:
    from copsim.runs.runner import RunResult

log = logging.getLogger(__name__)

NOT_TAGS = {"seed", "replicates"}
"""Overrides that are not tags of a run: its seed has a column of its own, and replicates
says how many runs a job makes, not what a run is."""

PROGRAMME_GROUPS = {"scenario"}
"""Config groups that choose the programme, not the site: see :func:`shares_burn_ins`."""


def sweep_folder(hydra_cfg: Any) -> Path:
    """The sweep folder of a job or multirun, absolute (jobs may run in another cwd)."""
    folder = Path(str(hydra_cfg.sweep.dir))
    cwd = OmegaConf.select(hydra_cfg, "runtime.cwd", default=None)
    return folder if folder.is_absolute() or not cwd else Path(cwd) / folder


def point_key(overrides: list[str]) -> str:
    """Key of a point's failure record: its overrides, whatever the replicates."""
    kept = sorted(o for o in overrides if o.partition("=")[0] != "replicates")
    return hashlib.sha256(json.dumps(kept).encode()).hexdigest()[:16]


def shares_burn_ins(keys: Iterable[str]) -> bool:
    """Whether a sweep over these keys should publish its burned-in states.

    Points that differ only in what cannot act before week 0 (a programme setting, the
    run's length) start from the same burned-in states, so a sweep over those shares
    them (:mod:`copsim.sweep.burn_ins`). Points that differ in none of them differ in
    their site or seeds, and no point would read another's states.
    """
    from copsim.model.burn_in import inert

    return _swept_any(keys, inert)


def shares_twins(keys: Iterable[str]) -> bool:
    """Whether a sweep over these keys should publish its no-CoP twins.

    As :func:`shares_burn_ins`, for what a twin ignores (its broker hours are 0, and
    :func:`copsim.runs.runner.twin_inert`): a programme setting, but not the run's length or
    a unit cost, which act on a twin.
    """
    from copsim.runs.runner import NO_COP, twin_inert

    return _swept_any(keys, lambda k: k in NO_COP or twin_inert(k))


def _swept_any(keys: Iterable[str], ignored: Callable[[str], bool]) -> bool:
    """Whether a swept key (but the seed and replicates) is a programme group or ``ignored``."""
    return any(k in PROGRAMME_GROUPS or ignored(k) for k in keys if k not in NOT_TAGS)


@functools.cache
def swept_keys(root: Path) -> frozenset[str] | None:
    """The keys a sweep gives several values, from its ``multirun.yaml``; None if unknown.

    Hydra's sweeper saves the multirun's configuration there, overrides included, before
    it launches a job. A points sweep adds the keys it declares varied
    (``hydra.sweeper.varied``).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:
        hydra = OmegaConf.load(root / "multirun.yaml").hydra
        parsed = OverridesParser.create().parse_overrides([str(o) for o in hydra.overrides.task])
        varied = OmegaConf.select(hydra, "sweeper.varied", default=None) or []
    except Exception:  # no such file, or not Hydra's: fall back on the job's own overrides
        return None
    return frozenset(o.key_or_group for o in parsed if o.is_sweep_override()) | {
        str(k) for k in varied
    }


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
    from copsim.runs.runner import SIDE_BY_SIDE, run_values

    started = time.perf_counter()
    hc = HydraConfig.get()
    store = SweepStore(sweep_folder(hc))
    num = int(hc.job.num)
    overrides = [str(o) for o in hc.overrides.task]
    choices = {k: v for k, v in hc.runtime.choices.items() if "/" not in k and v is not None}
    report: dict[str, Any] = {"job": num, "overrides": overrides, "runs": 0, "done": 0}
    # The point's finished seeds, for the collector; those found finished, for the verdict.
    report.update(point=None, seeds=[], found=[])
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
    swept = swept_keys(store.root)
    keys = _override_keys(overrides) if swept is None else swept
    store.burn_ins.publish, store.twins.publish = shares_burn_ins(keys), shares_twins(keys)
    base_seed = values["seed"]
    # Replaying a run needs only its point's overrides and its own seed.
    command = ["copsim", "run", *(o for o in overrides if o.partition("=")[0] not in NOT_TAGS)]
    prov = _process_provenance()
    report.update(runs=replicates, point=point)
    seeds = range(base_seed, base_seed + replicates)
    todo = [s for s in seeds if not store.has_run(point, s)]
    # The seeds to run, in groups computed side by side, keyed by each group's first seed.
    groups = {todo[i]: todo[i : i + SIDE_BY_SIDE] for i in range(0, len(todo), SIDE_BY_SIDE)}
    done = set(seeds).difference(todo)
    ready: dict[int, tuple[RunResult, float]] = {}
    for seed in seeds:
        if seed in done:
            report["skipped"] += 1
            report["seeds"].append(seed)
            report["found"].append(seed)
            continue
        if seed in groups:
            ready = _side_by_side(values, groups[seed], store)
        try:
            run_cfg = {**values, "seed": SCHEMA["seed"].check(seed)}
            if seed in ready:
                result, seconds = ready.pop(seed)
            else:
                t0 = time.perf_counter()
                result = run_values(run_cfg, twins=store.twins, burn_ins=store.burn_ins)
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
                "localities": result.localities,
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
        except OSError as err:
            if err.errno in NO_SPACE:  # not the point's fault: every later run would fail too
                raise
            failures.append(_failure(err, seeds=[seed]))
        except Exception as err:  # one failing seed must not cost the point's others
            failures.append(_failure(err, seeds=[seed]))
    _finish(store, cfg, report, failures, started)
    return report


def _side_by_side(
    values: dict[str, Any], seeds: list[int], store: SweepStore
) -> dict[int, tuple[RunResult, float]]:
    """The coming seeds' results, run side by side (runner.run_side_by_side).

    Returns each seed's result and its share of the compute time; nothing if they could
    not run together (each then runs alone, and records its own failure if it has one).
    """
    from copsim.model.schema import SCHEMA
    from copsim.runs.runner import run_side_by_side

    if len(seeds) < 2:
        return {}
    try:
        runs = [{**values, "seed": SCHEMA["seed"].check(s)} for s in seeds]
        t0 = time.perf_counter()
        results = run_side_by_side(runs, twins=store.twins, burn_ins=store.burn_ins)
        seconds = (time.perf_counter() - t0) / len(seeds)
    except Exception as err:
        log.warning("running seeds %s side by side failed (%s); one by one instead", seeds, err)
        return {}
    return {seed: (result, seconds) for seed, result in zip(seeds, results, strict=True)}


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
    report["burn_ins_computed"] = store.burn_ins.computed
    report["burn_ins_reused"] = store.burn_ins.reused
    report["seconds"] = time.perf_counter() - started
    # Wall-clock ends and the process let a benchmark lay the jobs out in time.
    report["ended"] = time.time()
    report["pid"] = os.getpid()
    report["id"] = uuid.uuid4().hex
    write_json(store.job_path(report["job"]), report)
