"""EMA Workbench adapter: copsim as an ``ema_workbench`` model.

Uncertainties and levers come from the one parameter schema (ranges may be narrowed),
outcomes from the run summary, and seeds are the replications, so analysts get the
workbench's sampling, PRIM scenario discovery and feature scoring on copsim::

    from ema_workbench import SequentialEvaluator, perform_experiments
    from copsim.ema import copsim_model

    model = copsim_model(
        uncertainties=["site.joint_working_history", "trust.decay"],
        levers=["brokerage.hours_per_week", "nurture.protected_time"],
        outcomes=["turnover_rate", "established_within_year"],
        replications=10,
    )
    experiments, outcomes = perform_experiments(model, scenarios=50, policies=4)

EMA names must be Python identifiers, so ``brokerage.hours_per_week`` appears there as
``brokerage__hours_per_week`` (:func:`identifier`); the experiments table uses those names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from ema_workbench import IntegerParameter, RealParameter, ReplicatorModel, ScalarOutcome

from copsim.config import compose, values_from_config
from copsim.model.schema import SCHEMA, ConfigError, sampling_range
from copsim.runs.outputs import SUMMARY, established_within
from copsim.runs.runner import run_values


def established_within_year(summary: Mapping[str, Any]) -> float:
    """1 if the CoP was established within 52 weeks, else 0."""
    return established_within(summary["cop_established_week"], 52)


DERIVED: dict[str, Callable[[Mapping[str, Any]], float]] = {
    "established_within_year": established_within_year,
}
"""Outcomes computed from the summary, beyond its own keys."""


def identifier(name: str) -> str:
    """The EMA name of a copsim parameter (dots are not allowed in identifiers)."""
    return name.replace(".", "__")


def parameter_name(ident: str) -> str:
    """The copsim parameter an EMA name stands for."""
    return ident.replace("__", ".")


def ema_parameter(name: str, low: float | None = None, high: float | None = None):
    """An EMA parameter over the schema's range of ``name`` (or a narrower one)."""
    param, lo, hi = sampling_range(name, low, high)
    if param.kind is int:
        return IntegerParameter(identifier(name), int(lo), int(hi))
    return RealParameter(identifier(name), float(lo), float(hi))


class CopsimFunction:
    """The model as a plain function of EMA keyword arguments (picklable for workers).

    Args:
        base: Validated values for everything not sampled (from overrides).
        outcomes: Summary keys or :data:`DERIVED` names to return.
    """

    def __init__(self, base: Mapping[str, Any], outcomes: Sequence[str]):
        self.base = dict(base)
        self.outcomes = list(outcomes)

    def __call__(self, **kwargs: Any) -> dict[str, float]:
        """Run one replication and return the outcomes."""
        values = dict(self.base)
        for key, value in kwargs.items():
            name = parameter_name(key)
            # The workbench may hand integers over as strings or numpy scalars.
            values[name] = SCHEMA[name].kind(float(value)) if name in SCHEMA else value
        summary = run_values(values).summary
        out = {}
        for name in self.outcomes:
            value = DERIVED[name](summary) if name in DERIVED else summary[name]
            out[name] = np.nan if value is None else float(value)
        return out


def _params(spec: Iterable[str] | Mapping[str, tuple[float, float]]) -> list:
    if isinstance(spec, Mapping):
        return [ema_parameter(n, *bounds) for n, bounds in spec.items()]
    return [ema_parameter(n) for n in spec]


def copsim_model(
    uncertainties: Iterable[str] | Mapping[str, tuple[float, float]],
    levers: Iterable[str] | Mapping[str, tuple[float, float]] = (),
    outcomes: Sequence[str] = ("turnover_rate", "crises_per_person_year", "net_benefit"),
    replications: int = 10,
    overrides: Sequence[str] = (),
    first_seed: int = 0,
    name: str = "copsim",
) -> ReplicatorModel:
    """Build a ReplicatorModel of copsim.

    Args:
        uncertainties: Parameter names (schema ranges) or ``{name: (low, high)}``.
        levers: Policy levers, likewise.
        outcomes: Summary keys (docs/outputs.md) or derived outcomes (:data:`DERIVED`);
            each is averaged over the replications.
        replications: Seeds ``first_seed .. first_seed + replications - 1``.
        overrides: Hydra overrides fixing everything else (e.g. ``site=poor_history``).
        first_seed: First seed.
        name: The model's name in the workbench.

    Raises:
        ConfigError: For an unknown parameter or outcome, or a range outside the schema.
    """
    known = [o.name for o in SUMMARY] + list(DERIVED)
    for outcome in outcomes:
        if outcome not in known:
            raise ConfigError("outcomes", outcome, "one of " + ", ".join(known))
    base = values_from_config(compose(list(overrides)))
    model = ReplicatorModel(name, function=CopsimFunction(base, outcomes))
    model.uncertainties = _params(uncertainties)
    model.levers = _params(levers)
    model.outcomes = [ScalarOutcome(o, function=np.nanmean) for o in outcomes]
    model.replications = [{"seed": first_seed + i} for i in range(replications)]
    return model
