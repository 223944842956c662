"""Calibration of the no-CoP site to reference figures: Optuna's search, through the sweep.

The targets are the workforce figures of the model brief (:mod:`copsim.analysis.targets`):
annual staff turnover and the vacancy rate (Skills for Care), over weeks 1 to the end
(after burn-in), are fitted. The loss is the sum over them of the squared distance of the
mean over seeds from the range's middle in units of its half-width, so a value anywhere
inside every range costs less than 1 per target.

The other targets are measured in every trial but never enter the loss (held out): the
share of staff at risk of burnout (Homeless Link) and the drug and alcohol services'
turnover and share of staff under a year in post (drug and alcohol workforce census).
docs/calibration.md says whether the calibrated model meets them.

The search is a current Optuna's TPE sampler driven by ask and tell
(:class:`copsim.analysis.study.BatchStudy`): each batch of trials is one sweep of the
no-CoP site, every trial a point over the same ``replicates`` seeds, resumable like any
sweep. ``conf/calibration.yaml`` holds the search space and the defaults.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copsim.analysis.targets import TARGETS as REFERENCE
from copsim.analysis.targets import Target
from copsim.errors import UsageError

if TYPE_CHECKING:
    import optuna
    import pandas as pd

__all__ = ["HELD_OUT", "TARGETS", "Target", "loss", "measured", "run", "settings", "split_args"]

FITTED = ("turnover_rate", "vacancy_rate")
"""The targets the Optuna search fits (history matching fits burnout too)."""

TARGETS: tuple[Target, ...] = tuple(t for t in REFERENCE if t.name in FITTED)
"""The fitted targets (they enter the loss)."""

HELD_OUT: tuple[Target, ...] = tuple(t for t in REFERENCE if t.name not in FITTED)
"""Targets measured but never fitted (held out)."""

COUNTS = ("trials", "replicates", "batch")
"""The counts ``copsim calibrate`` takes (defaults in conf/calibration.yaml)."""


@cache
def settings() -> dict[str, Any]:
    """``conf/calibration.yaml``: the search space, base overrides, counts and seed."""
    import yaml

    from copsim.config import conf_dir

    return yaml.safe_load((conf_dir() / "calibration.yaml").read_text())


def loss(measured: Mapping[str, float]) -> float:
    """The calibration loss of measured quantities (see the module docstring)."""
    return float(sum(t.loss(measured[t.name]) for t in TARGETS))


def measured(runs: pd.DataFrame) -> dict[str, float]:
    """Each target's mean over a trial's runs (null where no run measures it)."""
    out = {}
    for t in (*TARGETS, *HELD_OUT):
        x = runs[t.name].astype(float).dropna()
        out[t.name] = float(x.mean()) if len(x) else float("nan")
    return out


def split_args(items: Sequence[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """Split ``copsim calibrate`` items into counts, model and Hydra overrides.

    Raises:
        UsageError: For a bad count, a scenario, Hydra's old Optuna settings or a stray
            argument.
        ConfigError: For a bad model override.
    """
    from copsim.config import check_overrides, refuse_repeated

    counts = {k: int(settings()[k]) for k in COUNTS}
    model, hydra = [], []
    refuse_repeated([(i.partition("=")[0], i) for i in items if "=" in i])
    for item in items:
        key, eq, value = item.partition("=")
        bare = key.lstrip("+~")
        if key in COUNTS:
            counts[key] = _count(key, value)
        elif bare == "hydra.sweeper.n_trials":
            raise UsageError(
                f"copsim calibrate drives Optuna itself: {item!r} (allowed: trials=N, a whole "
                "number from 1 up)"
            )
        elif bare.startswith("hydra"):
            hydra.append(item)
        elif bare == "scenario":
            raise UsageError(
                f"copsim calibrate calibrates scenario=no_cop itself: {item!r} (allowed: "
                "model overrides KEY=VALUE of the no-CoP site)"
            )
        elif bare in settings()["params"]:
            raise UsageError(
                f"copsim calibrate searches {bare} itself: {item!r} (allowed: the other "
                "model overrides KEY=VALUE; the search space is in conf/calibration.yaml)"
            )
        elif eq:
            model.append(item)
        else:
            raise UsageError(f"unexpected argument {item!r} (allowed: NAME=VALUE)")
    check_overrides(model, one_value="a single value (calibration searches its inputs itself)")
    return counts, model, hydra


def _count(key: str, value: str) -> int:
    allowed = "allowed: a whole number from 1 up"
    try:
        n = int(value)
    except ValueError:
        raise UsageError(f"invalid value for {key}: {value!r} ({allowed})") from None
    if n < 1:
        raise UsageError(f"invalid value for {key}: {value!r} ({allowed})")
    return n


def base_overrides(model: Sequence[str]) -> list[str]:
    """Every trial's overrides: the calibrated site and scenario, then the user's."""
    return [*settings()["base"], *model]


def run(
    folder: Path,
    counts: Mapping[str, int],
    model: Sequence[str] = (),
    hydra: Sequence[str] = (),
) -> dict[str, Any]:
    """Run (or resume) the search into ``folder``; write ``trials.parquet``, ``best.json``.

    Returns:
        ``best.json``'s content.

    Raises:
        CopsimError: For a command the sweep's check refuses, before anything is written.
    """
    import optuna

    from copsim.analysis.psa import Point, refuse_own_hydra_keys, sweep_args
    from copsim.analysis.study import BatchStudy, Scored
    from copsim.config import check_command
    from copsim.folders import mark

    space = {
        name: optuna.distributions.FloatDistribution(float(lo), float(hi))
        for name, (lo, hi) in settings()["params"].items()
    }
    base = base_overrides(model)
    refuse_own_hydra_keys("copsim calibrate", hydra)
    check_command(
        "copsim calibrate", "config", sweep_args(folder, counts["replicates"], base, hydra)
    )
    mark(folder, "calibration")

    def points(number: int, params: dict[str, Any]) -> list[Point]:
        return [Point(f"trial-{number}", "trial", {k: float(v) for k, v in params.items()})]

    def scored(trial: optuna.trial.FrozenTrial, runs: pd.DataFrame) -> Scored:
        m = measured(runs.drop_duplicates(["label", "seed"]))
        attrs = {
            "loss": loss(m),
            **{f"measured:{k}": v for k, v in m.items()},
            **{f"held_out_met:{t.name}": t.met(m[t.name]) for t in HELD_OUT},
            "seeds": int(runs["seed"].nunique()),
        }
        return Scored((attrs["loss"],), attrs)

    def sampler(seed: int) -> optuna.samplers.BaseSampler:
        return optuna.samplers.TPESampler(
            seed=seed, constant_liar=True, n_startup_trials=min(10, counts["batch"])
        )

    study = BatchStudy(
        folder=folder,
        directions=["minimize"],
        distributions=space,
        sampler=sampler,
        points=points,
        score=scored,
        replicates=counts["replicates"],
        base_overrides=base,
        hydra_overrides=hydra,
        seed=int(settings()["seed"]),
        label="calibrate",
        identity={
            "command": "calibrate",
            "space": {k: list(v) for k, v in settings()["params"].items()},
            "base": base,
            "replicates": counts["replicates"],
        },
    ).run(counts["trials"], counts["batch"])
    return write(folder, study)


def write(folder: Path, study: optuna.Study) -> dict[str, Any]:
    """``trials.parquet`` (every trial) and ``best.json`` (the best trial), into ``folder``."""
    from copsim.analysis.study import trials_table
    from copsim.files import atomic_write, write_json

    table = trials_table(study).drop(columns="value_0")
    atomic_write(folder / "trials.parquet", lambda p: table.to_parquet(p, index=False))
    best = study.best_trial
    result = {
        "best_trial": best.number,
        "loss": best.value,
        "best_params": best.params,
        "measured": {
            k.partition(":")[2]: v for k, v in best.user_attrs.items() if k.startswith("measured:")
        },
        "held_out_met": {
            k.partition(":")[2]: v
            for k, v in best.user_attrs.items()
            if k.startswith("held_out_met:")
        },
        "targets": {t.name: [t.low, t.high] for t in TARGETS},
        "held_out": {t.name: [t.low, t.high] for t in HELD_OUT},
        "trials": len(table),
    }
    write_json(folder / "best.json", result)
    return result


def summary_line(result: Mapping[str, Any]) -> str:
    """The best trial in one line: its loss and measurements."""
    measured = ", ".join(f"{k} {v:.3f}" for k, v in result["measured"].items())
    params = ", ".join(f"{k}={v:.4g}" for k, v in result["best_params"].items())
    return (
        f"  best of {result['trials']} trials: loss {result['loss']:.3f} at {params}\n  {measured}"
    )
