"""Replicated runs of several configurations, as tidy tables.

A :class:`Runs` holds one summary row per (configuration, seed), the weekly rows of the
same runs, and the parameter values that tell the configurations apart. It comes from
running named configurations (:func:`run_configurations`) or from a collected sweep folder
(:func:`load_sweep`).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from copsim.config import (
    REPLICATES,
    check_overrides,
    compose,
    override_list,
    replicates_from_config,
    values_from_config,
)
from copsim.errors import UsageError
from copsim.model.schema import SCHEMA, ConfigError
from copsim.progress import Bar
from copsim.runs.outputs import SUMMARY
from copsim.runs.runner import (
    SIDE_BY_SIDE,
    RunResult,
    configuration_key,
    run_side_by_side,
    run_values,
)
from copsim.words import count


@dataclass
class Runs:
    """Replicated runs of several configurations.

    Attributes:
        summary: One row per run: ``config``, ``seed`` and the summary outputs.
        weekly: One row per run and week: ``config``, ``seed``, ``week`` and weekly outputs.
        factors: One row per configuration (index ``config``): the values that define it.
        events: The policy events of each configuration.
        derived: Summary columns computed from the others (copsim.analysis.experiment).
    """

    summary: pd.DataFrame
    weekly: pd.DataFrame | None = None
    factors: pd.DataFrame = field(default_factory=pd.DataFrame)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    derived: list[str] = field(default_factory=list)

    @property
    def configs(self) -> list[str]:
        """Configuration labels, in the order they were given."""
        return list(dict.fromkeys(self.summary["config"]))

    @property
    def outputs(self) -> list[str]:
        """The numeric summary outputs present, then any derived ones."""
        names = [o.name for o in SUMMARY if o.name in self.summary.columns] + self.derived
        return [n for n in names if pd.api.types.is_numeric_dtype(self.summary[n])]

    def resolve(self, label: str) -> str:
        """The configuration a label names: an exact label, or the one it uniquely matches.

        ``scenario=cop_unnurtured`` matches the label ``scenario=cop_unnurtured site=...``
        when no other configuration contains it.
        """
        return resolve_config(label, self.configs)


def resolve_config(label: str, configs: Sequence[str]) -> str:
    """The configuration of ``configs`` a label names (see :meth:`Runs.resolve`).

    Raises:
        UsageError: If the label names none of them, or several.
    """
    if label in configs:
        return label
    parts = [_setting(p) for p in label.split()]
    hits = [c for c in configs if all(p in [_setting(q) for q in c.split()] for p in parts)]
    if len(hits) != 1:
        raise UsageError(
            f"baseline {label!r} matches {count(len(hits), 'configuration')} "
            f"(allowed: one of {', '.join(configs)})"
        )
    return hits[0]


def _setting(part: str) -> tuple[str, object]:
    """A label part ``key=value`` with numbers compared as numbers (``5`` is ``5.0``)."""
    key, _, value = part.partition("=")
    try:
        return key, float(value)
    except ValueError:
        return key, value


def expand(overrides: Sequence[str]) -> list[tuple[str, list[str]]]:
    """Expand comma sweeps into configurations: ``[(label, overrides), ...]``.

    ``["scenario=a,b", "site=x"]`` gives two configurations labelled ``scenario=a`` and
    ``scenario=b``, each with ``site=x``. The label names only what varies.
    """
    parsed = check_overrides(overrides, multirun=True)
    choices: list[list[str]] = []
    varying: list[bool] = []
    for o in parsed:
        if o.is_sweep_override():
            given = list(o.sweep_iterator())
            _refuse_twice(o.key_or_group, o.input_line.partition("=")[2], given)
            values = [str(v) for v in given]
            choices.append([f"{o.key_or_group}={v}" for v in values])
            varying.append(True)
        else:
            choices.append([o.input_line])
            varying.append(False)
    configs = []
    for combo in itertools.product(*choices):
        label = " ".join(c for c, v in zip(combo, varying, strict=True) if v) or "default"
        configs.append((label, list(combo)))
    return configs


def _refuse_twice(key: str, text: str, values: list[Any]) -> None:
    """Refuse a value listed twice: its runs would be pooled into one configuration.

    ``scenario=cop,cop`` would count each seed twice in one configuration, and so give
    intervals too narrow. Values are compared as values (``5`` is ``5.0``).
    """
    for i, value in enumerate(values):
        if any(value == before for before in values[:i]):
            raise ConfigError(
                key, text, f"each configuration once, but {key}={value} is listed twice"
            )


def _run(batch: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, RunResult]]:
    """Run a batch of jobs: one alone, several (seeds of one configuration) side by side."""
    if len(batch) == 1:
        label, values = batch[0]
        return [(label, run_values(values))]
    results = run_side_by_side([values for _, values in batch])
    return [(label, r) for (label, _), r in zip(batch, results, strict=True)]


def _batches(
    jobs: Sequence[tuple[str, dict[str, Any]]], workers: int
) -> list[list[tuple[str, dict[str, Any]]]]:
    """Consecutive jobs of one configuration on different seeds, in batches.

    A batch runs its seeds side by side (up to SIDE_BY_SIDE); there are at least as many
    batches as workers where there are jobs enough, so that every worker has one.
    """
    groups: list[list[tuple[str, dict[str, Any]]]] = []
    for job in jobs:
        same = groups and configuration_key(groups[-1][0][1]) == configuration_key(job[1])
        if same and job[1]["seed"] not in {v["seed"] for _, v in groups[-1]}:
            groups[-1].append(job)
        else:
            groups.append([job])
    size = max(1, min(SIDE_BY_SIDE, -(-len(jobs) // workers)))
    return [group[i : i + size] for group in groups for i in range(0, len(group), size)]


def run_many(
    jobs: Sequence[tuple[str, dict[str, Any]]],
    workers: int | None = None,
    label: str = "runs",
) -> list[tuple[str, RunResult]]:
    """Run labelled configurations, in parallel over ``workers`` processes, in order.

    Seeds of one configuration next to each other run side by side
    (:func:`copsim.runs.runner.run_side_by_side`: the same results, in less time).

    Args:
        jobs: ``(label, values)`` pairs, each one run.
        workers: Processes (default: every core; 1 runs in this process).
        label: What the progress bar calls the work (``compare``).
    """
    workers = workers or os.cpu_count() or 1
    batches = _batches(jobs, workers)
    out: list[tuple[str, RunResult]] = []
    with Bar(len(jobs), label) as bar:
        if workers == 1 or len(batches) <= 1:
            for batch in batches:
                out += _run(batch)
                bar.advance(len(batch))
            return out
        # forkserver: workers start from a clean process, not a fork of a threaded one.
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for done in pool.map(_run, batches):
                out += done
                bar.advance(len(done))
        return out


def run_configurations(
    overrides: Sequence[str] | Mapping[str, Sequence[str]],
    replicates: int = 20,
    seed: int | None = None,
    workers: int | None = None,
    progress: str = "runs",
) -> Runs:
    """Run every configuration the overrides describe, each over the same seeds.

    Args:
        overrides: Hydra overrides whose comma lists (``scenario=a,b``) make the
            configurations, or a mapping of labels to each configuration's overrides.
        replicates: Seeds per configuration: ``seed .. seed + replicates - 1``.
        seed: First seed (default: the configuration's ``seed``).
        workers: Processes to use (default: every core; 1 runs in this process).
        progress: What the progress bar calls the work.

    Returns:
        The runs, with common random numbers across configurations for each seed.

    Raises:
        ConfigError: For an argument of the wrong type, a bad override, a value listed
            twice in a comma list, or ``replicates=`` among the overrides.
    """
    replicates = int(REPLICATES.check(replicates))
    if seed is not None:
        seed = int(SCHEMA["seed"].check(seed))
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ConfigError("workers", workers, "a whole number from 1 up, or None (every core)")
    if isinstance(overrides, str):
        raise UsageError(f"overrides {overrides!r} (allowed: a list, e.g. ['scenario=cop,no_cop'])")
    if isinstance(overrides, Mapping):
        configs = []
        for label, given in overrides.items():
            if not isinstance(label, str):
                raise ConfigError("configuration label", label, "text")
            configs.append((label, override_list(given, f"overrides[{label!r}]")))
    else:
        configs = expand(overrides)
    jobs, factors, events = [], [], {}
    for label, combo in configs:
        cfg = compose(combo)
        values = values_from_config(cfg)
        if replicates_from_config(cfg) != REPLICATES.default:  # which would count?
            raise ConfigError(
                "replicates",
                replicates_from_config(cfg),
                "the replicates argument (replicates=N in compare), not an override",
            )
        first = values["seed"] if seed is None else seed
        events[label] = values["events"]
        factors.append({"config": label, **dict(_setting(p) for p in label.split() if "=" in p)})
        jobs += [(label, {**values, "seed": first + i}) for i in range(replicates)]
    results = run_many(jobs, workers, progress)
    summary = pd.DataFrame(
        [{"config": label, "seed": r.values["seed"], **r.summary} for label, r in results]
    )
    weekly = pd.concat(
        [r.weekly.assign(config=label, seed=r.values["seed"]) for label, r in results],
        ignore_index=True,
    )
    return Runs(summary, weekly, pd.DataFrame(factors).set_index("config"), events)


def load_sweep(folder: str | Path, locality: int | None = None) -> Runs:
    """Load a collected sweep folder (``summary.parquet``, ``weekly.parquet``) as Runs.

    Configurations are told apart by the swept parameters, the columns that vary across
    the sweep's runs.

    Args:
        folder: The sweep folder.
        locality: Compare this locality of a region (``localities.parquet``: its summary
            in place of the region's, and no weekly rows) rather than the whole.

    Raises:
        UsageError: For a locality the sweep's runs do not have.
    """
    from copsim.sweep.store import SweepTables  # the sweep store's own reader

    tables = SweepTables.load(Path(folder))
    swept = tables.swept
    summary = tables.summary.copy()
    if locality is not None:
        local = tables.localities
        have = [] if local is None else sorted(set(local["locality"]))
        if locality not in have:
            raise UsageError(
                f"no locality {locality} in {folder} (allowed: "
                f"{', '.join(map(str, have)) or 'none: collect the sweep again'})"
            )
        summary = local[local["locality"] == locality].reset_index(drop=True)
    summary["config"] = _labels(summary, swept)
    weekly = None
    if tables.weekly is not None and locality is None:
        weekly = tables.weekly.copy()
        weekly["config"] = _labels(weekly, swept)
    factors = summary.drop_duplicates("config").set_index("config")[swept]
    return Runs(summary, weekly, factors, {})


def _labels(df: pd.DataFrame, swept: Sequence[str]) -> pd.Series:
    if not swept:
        return pd.Series("default", index=df.index)
    return (
        df[list(swept)]
        .astype(str)
        .apply(lambda row: " ".join(f"{k}={v}" for k, v in row.items()), axis=1)
    )
