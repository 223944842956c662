"""Calibration of the no-CoP site to reference figures, through Hydra's Optuna sweeper.

The targets are the workforce figures of the model brief: annual staff turnover and the
vacancy rate (Skills for Care), over weeks 1 to the end (after burn-in). Each is a range;
the loss is the sum over targets of the squared distance from the range's middle in units
of its half-width, so a value anywhere inside every range costs less than 1 per target.

Held-out targets (:data:`HELD_OUT`) are measured in every trial but never enter the loss:
the share of staff at risk of burnout (Homeless Link) and the share of drug and alcohol
staff under a year in post (drug and alcohol workforce census). docs/calibration.md says
whether the calibrated model meets them. Crisis rates have no reference figure in the brief
and stay assumptions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from copsim.progress import Bar

SUBSTANCE_USE = 1
"""Index of the drugs and alcohol domain (copsim.model.domains.DOMAINS)."""


@dataclass(frozen=True)
class Target:
    """A reference range for one measured quantity."""

    name: str
    low: float
    high: float
    source: str

    def loss(self, value: float) -> float:
        """Squared distance from the middle of the range, in half-widths."""
        mid, half = (self.low + self.high) / 2, (self.high - self.low) / 2
        return ((value - mid) / half) ** 2


TARGETS: tuple[Target, ...] = (
    Target(
        "turnover_rate", 0.29, 0.31, "Skills for Care: adult social care turnover 29-31% a year"
    ),
    Target("vacancy_rate", 0.07, 0.11, "Skills for Care: vacancy rate 7-11%"),
)

HELD_OUT: tuple[Target, ...] = (
    Target(
        "share_at_risk_of_burnout",
        0.40,
        0.60,
        "Homeless Link 2024: 51% of frontline staff always or often at risk of burnout",
    ),
    Target(
        "drug_alcohol_under_a_year",
        0.35,
        0.45,
        "Drug and alcohol workforce census: ~40% in post under a year",
    ),
)
"""Targets measured but never fitted (held out)."""

SAMPLE_WEEKS = (13, 26, 39, 52, 65, 78, 91, 104, 117, 130, 143, 156)
"""Weeks at which the share of drug and alcohol staff under a year in post is sampled."""


def measure(values: dict[str, Any], replicates: int) -> dict[str, float]:
    """Run ``replicates`` seeds of one configuration and measure the targets' quantities."""
    from copsim.model.cop_model import CopModel
    from copsim.runs.outputs import share_under_a_year, summarise, twin_outcome

    turnover, vacancy, at_risk, under_a_year = [], [], [], []
    for i in range(replicates):
        model = CopModel({**values, "seed": values["seed"] + i}, agents=False)
        shares = []
        while not model.finished:
            model.step()
            if model.week in SAMPLE_WEEKS:
                shares.append(share_under_a_year(model, SUBSTANCE_USE))
        weekly = model.weekly_table()
        summary = summarise(model, weekly, twin_outcome(model, weekly))
        turnover.append(summary["turnover_rate"])
        vacancy.append(summary["vacancy_rate"])
        at_risk.append(float(weekly["share_at_risk_of_burnout"].iloc[1:].mean()))
        under_a_year.append(float(np.nanmean(shares)) if shares else float("nan"))
    return {
        "turnover_rate": float(np.mean(turnover)),
        "vacancy_rate": float(np.mean(vacancy)),
        "share_at_risk_of_burnout": float(np.mean(at_risk)),
        "drug_alcohol_under_a_year": float(np.nanmean(under_a_year)),
    }


def loss(measured: dict[str, float]) -> float:
    """The calibration loss of measured quantities (see the module docstring)."""
    return float(sum(t.loss(measured[t.name]) for t in TARGETS))


def trial(cfg) -> float:
    """One Optuna trial: measure the composed configuration and return its loss."""
    from hydra.core.hydra_config import HydraConfig

    from copsim.config import replicates_from_config, values_from_config

    values = values_from_config(cfg)
    measured = measure(values, replicates_from_config(cfg))
    result = loss(measured)
    folder = Path(HydraConfig.get().runtime.output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "loss": result,
        "held_out": {t.name: t.low <= measured[t.name] <= t.high for t in HELD_OUT},
        "measured": measured,
        "params": {k: values[k] for k in sorted(values) if k.startswith("workforce.")},
    }
    (folder / "trial.json").write_text(json.dumps(record, indent=2))
    print(f"loss {result:.3f}: " + ", ".join(f"{k} {v:.3f}" for k, v in measured.items()))
    return result


class TrialProgress(Callback):
    """Hydra callback: a progress bar over the calibration's trials (conf/calibration.yaml).

    Optuna's trials run one after another in this process, so each finished job is one
    trial done.
    """

    def __init__(self) -> None:
        self._bar: Bar | None = None

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Start the bar at 0 of ``hydra.sweeper.n_trials``."""
        total = OmegaConf.select(config, "hydra.sweeper.n_trials", default=0) or 0
        self._bar = Bar(int(total), "calibrate", unit="trials")
        self._bar.draw(force=True)

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        """Count a trial done."""
        if self._bar is not None:
            self._bar.advance()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Finish the bar's line."""
        if self._bar is not None:
            self._bar.close()
