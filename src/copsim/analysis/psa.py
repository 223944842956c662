"""Probabilistic sensitivity analysis: parameter draws run through the sweep machinery.

By default (``source`` a posterior's name) each draw is one set of the shipped posterior
(``conf/posterior/typical.parquet``, :mod:`copsim.posterior`), chosen at random, which
fixes every input history matching calibrated (the retention strengths among them) jointly,
as calibrated; the other uncertain parameters (:data:`copsim.model.uncertainty.UNCERTAINTY`)
are drawn from their priors by a seeded Latin hypercube (Menzies et al. 2017 run a PSA over
a calibrated posterior this way). With ``source`` :data:`PRIOR` every parameter is drawn
from its prior, the calibrated inputs (:data:`~copsim.model.uncertainty.CALIBRATION_PRIORS`)
independently. Each set is a point of a sweep and runs over ``replicates`` seeds with its
no-CoP twin, as every copsim sweep does. Besides the draws the same sweep runs the points
the report needs: the base case, each varied parameter at the 2.5th and 97.5th percentiles
of what it is drawn from (one-way ranges for the tornado) and a grid of
``needs.support_protection`` (break-even).
The points are listed in ``points.json`` and launched by the points sweeper
(``hydra/sweeper=copsim_points``) through ``copsim run -m``, so a PSA runs on any Hydra
launcher and resumes after a kill without redoing a finished run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copsim.config import (
    check_overrides,
    compose,
    hydra_quoted,
    refuse_repeated,
    values_from_config,
)
from copsim.errors import UsageError
from copsim.files import write_json
from copsim.folders import mark
from copsim.model.schema import SCHEMA, ConfigError, validate
from copsim.posterior import DEFAULT as POSTERIOR

if TYPE_CHECKING:  # pandas and SciPy are imported where used: a refused command needs neither
    import pandas as pd

    from copsim.model.uncertainty import Distribution

PSA_SEED = 20140301
"""Seed of the Latin hypercube, so the same command draws the same parameter sets."""

BASE_CASE_VALUE = "a single value of the base case (a PSA draws its parameter sets itself)"
"""What a PSA allows where a sweep (``a=1,2``) is given."""

ONE_WAY_QUANTILES = (0.025, 0.975)
"""Where each parameter is set for the tornado's one-way ranges."""

BREAK_EVEN_GRID: dict[str, tuple[float, ...]] = {
    "needs.support_protection": (0.0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9),
}
"""Values at which break-even parameters are run (others break even analytically)."""


OWN_HYDRA_KEYS = ("hydra/sweeper", "hydra.sweeper", "hydra.sweep.", "hydra.mode")
"""Hydra settings a points sweep (a PSA, a calibration wave) makes itself: its points
sweeper and its folder (--out)."""


PRIOR = "prior"
"""The ``source`` of a PSA that draws every parameter from its prior (``--prior``)."""


@dataclass(frozen=True)
class Point:
    """One configuration of the PSA's sweep.

    Attributes:
        label: ``draw-7``, ``base``, ``low:trust.gain``, ``grid:needs.support_protection=0.3``.
        kind: ``draw``, ``base``, ``one_way`` or ``grid``.
        overrides: Parameter values set on top of the base configuration.
        posterior_set: For a draw from a posterior: the number of its set.
    """

    label: str
    kind: str
    overrides: dict[str, float]
    posterior_set: int | None = None


def uncertain(base_overrides: Sequence[str], source: str = POSTERIOR) -> dict[str, Distribution]:
    """The priors to draw from: every uncertain parameter the overrides leave free.

    From a posterior, the parameters it holds are not among them (they come from its sets);
    with :data:`PRIOR`, the calibrated inputs' priors are.
    """
    from copsim.model.uncertainty import CALIBRATION_PRIORS, UNCERTAINTY

    fixed = {o.partition("=")[0] for o in base_overrides}
    if source == PRIOR:
        return {k: d for k, d in {**UNCERTAINTY, **CALIBRATION_PRIORS}.items() if k not in fixed}
    calibrated = set(calibrated_columns(source, base_overrides))
    return {k: d for k, d in UNCERTAINTY.items() if k not in fixed and k not in calibrated}


def calibrated_columns(source: str, base_overrides: Sequence[str] = ()) -> list[str]:
    """The parameters a PSA takes from posterior ``source``'s sets (none from priors)."""
    from copsim import posterior

    if source == PRIOR:
        return []
    fixed = {o.partition("=")[0] for o in base_overrides}
    return [c for c in posterior.parameters(source) if c not in fixed]


def varied(base_overrides: Sequence[str], source: str) -> list[str]:
    """Every parameter a PSA varies: from the posterior first, then from priors."""
    return [*calibrated_columns(source, base_overrides), *uncertain(base_overrides, source)]


def describe_source(source: str) -> str:
    """What a PSA draws from, in words (``psa.json``'s ``source``, the report)."""
    from copsim import posterior

    if source == PRIOR:
        return "priors alone (UNCERTAINTY and CALIBRATION_PRIORS, docs/evidence.md)"
    sets = len(posterior.load(source))
    return (
        f"posterior {source} (conf/posterior/{source}.parquet, {sets} sets from history "
        "matching) for the calibrated inputs; priors (UNCERTAINTY) for the rest"
    )


def sample(dists: Mapping[str, Distribution], draws: int, seed: int = PSA_SEED) -> pd.DataFrame:
    """A Latin hypercube of ``draws`` parameter sets, one column per parameter.

    Raises:
        ConfigError: For a seed that is not a whole number from 0 up (numpy's own error
            would be a traceback).
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigError("--seed", seed, "a whole number from 0 up")
    import pandas as pd
    from scipy.stats import qmc

    u = qmc.LatinHypercube(d=max(len(dists), 1), seed=seed).random(draws)
    return pd.DataFrame({name: d.ppf(u[:, j]) for j, (name, d) in enumerate(dists.items())})


def _value(name: str, value: Any) -> float | int:
    """A drawn value as the schema's type: an integer parameter's draw is rounded."""
    if isinstance(SCHEMA[name].default, int):
        return int(round(float(value)))
    return float(value)


def posterior_sets(table: pd.DataFrame, draws: int, seed: int) -> pd.DataFrame:
    """``draws`` sets of a posterior's ``table``, chosen at random with the PSA's seed.

    Without replacement while the posterior has sets enough, then with.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    rows = rng.choice(len(table), size=draws, replace=draws > len(table))
    return table.iloc[rows].reset_index(drop=True)


def plan(
    draws: int,
    base_overrides: Sequence[str] = (),
    seed: int = PSA_SEED,
    extras: bool = True,
    source: str = POSTERIOR,
) -> list[Point]:
    """Every point of a PSA: the draws, then (with ``extras``) base, one-way and grid.

    Args:
        draws: Parameter sets.
        base_overrides: Overrides of the base case (a parameter set here is not varied).
        seed: Seed of the Latin hypercube and of the choice of posterior sets.
        extras: Also the base case, one-way ranges and break-even grid.
        source: A posterior's name, or :data:`PRIOR`.
    """
    import numpy as np

    dists = uncertain(base_overrides, source)
    table = sample(dists, draws, seed)
    columns = calibrated_columns(source, base_overrides)
    if columns:
        from copsim import posterior

        whole = posterior.load(source)
        sets = posterior_sets(whole, draws, seed)
    else:
        sets = None
    points = []
    # With every prior's parameter held the hypercube has no columns, and so no rows.
    rows = table.to_dict("records") if len(table.columns) else [{}] * draws
    for i, row in enumerate(rows):
        values = {k: _value(k, v) for k, v in row.items()}
        number = None
        if sets is not None:
            values = {**{k: _value(k, sets.at[i, k]) for k in columns}, **values}
            number = int(sets.at[i, "set"])
        points.append(Point(f"draw-{i}", "draw", values, number))
    if not extras:
        return points
    points.append(Point("base", "base", {}))
    ends: dict[str, list[float]] = {}
    if columns:
        ends = {k: list(np.quantile(whole[k], ONE_WAY_QUANTILES)) for k in columns}
    ends |= {k: [float(d.ppf(q)) for q in ONE_WAY_QUANTILES] for k, d in dists.items()}
    for name, (low, high) in ends.items():
        for side, v in (("low", low), ("high", high)):
            points.append(Point(f"{side}:{name}", "one_way", {name: _value(name, v)}))
    fixed = {o.partition("=")[0] for o in base_overrides}
    for name, grid in BREAK_EVEN_GRID.items():
        if name not in fixed:
            points += [Point(f"grid:{name}={v:g}", "grid", {name: float(v)}) for v in grid]
    return points


def extra_points(base_overrides: Sequence[str] = (), source: str = POSTERIOR) -> int:
    """Points a PSA runs besides its draws: the base case, two per one-way range, the grid.

    With no parameter set on the command line: 1 + 2 x (varied parameters) + 7.
    """
    return 1 + 2 * len(varied(base_overrides, source)) + _grid_points(base_overrides)


def _grid_points(base_overrides: Sequence[str]) -> int:
    fixed = {o.partition("=")[0] for o in base_overrides}
    return sum(len(g) for name, g in BREAK_EVEN_GRID.items() if name not in fixed)


def shared_points(base_overrides: Sequence[str] = (), source: str = POSTERIOR) -> int:
    """Extra points that are the base case itself (their runs are the base case's runs).

    The grid value equal to a parameter's default, and a one-way end that equals it (an
    integer parameter's end can round to its default).
    """
    return sum(
        1
        for p in plan(1, base_overrides, source=source)
        if p.kind in ("one_way", "grid")
        and all(v == SCHEMA[k].default for k, v in p.overrides.items())
    )


def runs_needed(
    draws: int, replicates: int, base_overrides: Sequence[str] = (), source: str = POSTERIOR
) -> int:
    """Distinct model runs of ``copsim psa draws=N replicates=R``: (N + extras - 1) x R.

    Each draw and each extra point (:func:`extra_points`) runs over ``replicates`` seeds;
    an extra point equal to the base case shares its runs (:func:`shared_points`). Every
    run also needs its no-CoP twin, computed alongside it.
    """
    extras = extra_points(base_overrides, source) - shared_points(base_overrides, source)
    return (draws + extras) * replicates


def write_points(points: Sequence[Point], path: Path) -> None:
    """Write the points file the points sweeper reads."""
    write_json(path, [vars(p) for p in points])


def split_args(items: Sequence[str]) -> tuple[int, int, list[str], list[str]]:
    """Split ``copsim psa`` items into draws, replicates, model and Hydra overrides.

    Raises:
        UsageError: For a missing or bad ``draws=`` or ``replicates=``.
        ConfigError: For a bad model override.
    """
    counts = {"draws": None, "replicates": 4}
    model, hydra = [], []
    refuse_repeated([(i.partition("=")[0], i) for i in items if "=" in i])
    for item in items:
        key, eq, value = item.partition("=")
        if key in counts:
            try:
                counts[key] = int(value)
            except ValueError:
                raise UsageError(
                    f"invalid value for {key}: {value!r} (allowed: 1 or more)"
                ) from None
            if counts[key] < 1:
                raise UsageError(f"invalid value for {key}: {value!r} (allowed: 1 or more)")
        elif key.startswith("hydra"):
            hydra.append(item)
        elif eq:
            model.append(item)
        else:
            raise UsageError(f"unexpected argument {item!r} (allowed: NAME=VALUE)")
    if counts["draws"] is None:
        raise UsageError("missing draws=N (the parameter sets to sample)")
    check_overrides(model, one_value=BASE_CASE_VALUE)
    return counts["draws"], counts["replicates"], model, hydra


def run(
    folder: Path,
    draws: int,
    replicates: int,
    base_overrides: Sequence[str] = (),
    hydra_overrides: Sequence[str] = (),
    extras: bool = True,
    seed: int = PSA_SEED,
    source: str = POSTERIOR,
) -> pd.DataFrame:
    """Run (or resume) a PSA into ``folder``; return the runs of every point, labelled.

    Args:
        folder: Output folder; its ``sweep/`` is the sweep folder.
        draws: Parameter sets to sample.
        replicates: Seeds per point.
        base_overrides: Overrides of the base case (a fixed uncertain parameter is not
            drawn).
        hydra_overrides: Launcher and other ``hydra.*`` overrides.
        extras: Also run the base case, one-way ranges and break-even grid.
        seed: Seed of the Latin hypercube (and of the choice of posterior sets).
        source: A posterior's name (its sets for the calibrated inputs) or :data:`PRIOR`.

    Raises:
        CopsimError: For a command :func:`check` refuses, before anything is written.
    """
    from copsim.config import run_hydra
    from copsim.sweep.job import run_job  # the task of every `copsim run -m` job

    check(folder, replicates, base_overrides, hydra_overrides)  # one line, not ~50 failed jobs
    mark(folder, "psa")  # kept on failure or Ctrl-C: the same command resumes it
    points = plan(draws, base_overrides, seed, extras, source)
    write_points(points, folder / "points.json")
    run_hydra("config", run_job, sweep_args(folder, replicates, base_overrides, hydra_overrides))
    return labelled_runs(folder / "sweep", points, base_overrides)


def sweep_args(
    folder: Path,
    replicates: int,
    base_overrides: Sequence[str] = (),
    hydra_overrides: Sequence[str] = (),
) -> list[str]:
    """The ``copsim run -m`` command line of a PSA's sweep into ``folder``."""
    return [
        "-m",
        "hydra/sweeper=copsim_points",
        "hydra/hydra_logging=disabled",  # not a line per job: progress says how far
        f"hydra.sweeper.points={hydra_quoted(str((folder / 'points.json').resolve()))}",
        f"hydra.sweep.dir={hydra_quoted(str((folder / 'sweep').resolve()))}",
        f"replicates={replicates}",
        *base_overrides,
        *hydra_overrides,
    ]


def check(
    folder: Path,
    replicates: int,
    base_overrides: Sequence[str] = (),
    hydra_overrides: Sequence[str] = (),
) -> None:
    """Check a PSA's whole sweep command, as ``copsim run -m`` would, before any job starts.

    The base case is composed and validated once (its values, an area file, events within
    the run), and the launcher chosen must exist: otherwise every one of the PSA's points
    would fail the same way, one line each.

    Raises:
        CopsimError: One line naming what is wrong and what is allowed.
    """
    from copsim.config import check_command

    refuse_own_hydra_keys("copsim psa", hydra_overrides)
    check_command(
        "copsim psa", "config", sweep_args(folder, replicates, base_overrides, hydra_overrides)
    )


def refuse_own_hydra_keys(command: str, hydra_overrides: Sequence[str]) -> None:
    """Refuse a Hydra setting a points sweep makes itself (:data:`OWN_HYDRA_KEYS`).

    Args:
        command: The command, as its one-line error names it (``copsim psa``).
        hydra_overrides: The ``hydra.*`` items given.

    Raises:
        UsageError: Naming the item and what is allowed.
    """
    for item in hydra_overrides:
        key = item.partition("=")[0].lstrip("+~")
        if key.startswith(OWN_HYDRA_KEYS):
            raise UsageError(
                f"{command} sets {key} itself: {item!r} (allowed: hydra/launcher=NAME, "
                "hydra.launcher.* settings; --out FOLDER for the output folder)"
            )


def labelled_runs(
    sweep: Path, points: Sequence[Point], base_overrides: Sequence[str]
) -> pd.DataFrame:
    """The sweep's summary rows, one per point and seed, with ``label`` and ``kind``.

    A run belongs to every point with its configuration (the base case and a grid value
    equal to it share runs).
    """
    import pandas as pd

    from copsim.sweep.store import SweepTables, point_hash

    base = values_from_config(compose(list(base_overrides)))
    by_hash: dict[str, list[Point]] = {}
    for p in points:
        values = {**validate({**_plain(base), **p.overrides}), "events": base["events"]}
        by_hash.setdefault(point_hash(values), []).append(p)
    summary = SweepTables.load(sweep).summary
    rows = []
    for record in summary.to_dict("records"):
        for p in by_hash.get(record["point"], []):
            rows.append({"label": p.label, "kind": p.kind, **record})
    return pd.DataFrame(rows)


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "events"}


def draws_table(runs: pd.DataFrame, points: Sequence[Point]) -> pd.DataFrame:
    """``psa.parquet``: one row per draw and seed, the drawn values, every summary output."""
    import pandas as pd

    from copsim.runs.outputs import SUMMARY

    drawn = pd.DataFrame(
        [
            {"label": p.label, "posterior_set": p.posterior_set, **p.overrides}
            for p in points
            if p.kind == "draw"
        ]
    )
    sub = runs[runs["kind"] == "draw"]
    outputs = [o.name for o in SUMMARY]
    table = sub[["label", "seed", *outputs]].merge(drawn, on="label", how="left")
    table.insert(0, "draw", table.pop("label").str.removeprefix("draw-").astype(int))
    if drawn["posterior_set"].isna().all():  # drawn from priors alone
        drawn = drawn.drop(columns="posterior_set")
    names = [c for c in drawn.columns if c != "label"]
    table = table[["draw", "seed", *names, *outputs]]
    return table.sort_values(["draw", "seed"], kind="stable").reset_index(drop=True)


def read_points(folder: Path) -> list[Point]:
    """The points of a PSA folder."""
    return [Point(**p) for p in json.loads((folder / "points.json").read_text())]
