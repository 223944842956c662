"""Calibration of the no-CoP site to reference figures, through Hydra's Optuna sweeper.

The targets are the workforce figures of the model brief: annual staff turnover and the
vacancy rate (Skills for Care). Each is a range; the loss is the sum over targets of the
squared distance from the range's middle in units of its half-width, so a value anywhere
inside every range costs less than 1 per target. The share of staff at risk of burnout
(Homeless Link) is measured and reported but not fitted: the model's burnout is nearly the
same for everyone at a site, so a share above a threshold is all or nothing. Crisis rates
have no reference figure in the brief and stay assumptions (docs/calibration.md).
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

BURNOUT_AT_RISK = 0.5
"""Burnout level above which a practitioner counts as 'at risk of burnout'."""


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


def measure(values: dict[str, Any], replicates: int) -> dict[str, float]:
    """Run ``replicates`` seeds of one configuration and measure the targets' quantities."""
    from copsim.model.cop_model import CopModel
    from copsim.runs.outputs import summarise, twin_outcome

    turnover, vacancy, at_risk = [], [], []
    for i in range(replicates):
        model = CopModel({**values, "seed": values["seed"] + i}).run_to_end()
        summary = summarise(model, model.weekly_table(), twin_outcome(model))
        turnover.append(summary["turnover_rate"])
        vacancy.append(summary["vacancy_rate"])
        on = model.posts.occupied
        at_risk.append(float((model.posts.burnout[on] > BURNOUT_AT_RISK).mean()))
    return {
        "turnover_rate": float(np.mean(turnover)),
        "vacancy_rate": float(np.mean(vacancy)),
        "share_at_risk_of_burnout": float(np.mean(at_risk)),
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
