"""Running one configuration: the model, its no-CoP twin, and the run summary."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

import pandas as pd

from copsim.config import compose, override_list, single_run_values
from copsim.model import burn_in
from copsim.model.burn_in import INERT_GROUPS, NO_BROKER_INERT, NO_COP
from copsim.model.cop_model import WEEK, CopModel
from copsim.model.parameters import Parameters
from copsim.model.records import weekly_columns
from copsim.model.schema import SCHEMA, ConfigError
from copsim.model.side_by_side import SideBySide
from copsim.runs import heap
from copsim.runs.outputs import (
    TWIN_COLUMNS,
    TwinOutcome,
    agency_summaries,
    locality_summaries,
    summarise,
    twin_columns,
    twin_outcome,
    twin_outcomes,
)

__all__ = ["NO_COP", "TWIN_INERT", "RunResult", "run", "run_values", "twin_inert", "twin_values"]

TWIN_INERT = NO_BROKER_INERT
"""Parameters that cannot act without a broker, besides the groups in
:data:`copsim.model.burn_in.INERT_GROUPS`. Unlike :data:`copsim.model.burn_in.INERT`,
``weeks`` and the unit costs of crises and turnover do act on a twin (its length, its
accounts). ``tests/test_twin_key.py`` checks that each leaves a no-broker run unchanged."""


@dataclass
class RunResult:
    """Everything one run produces.

    Attributes:
        weekly: One row a week (week 0 is the end of burn-in), columns as in docs/outputs.md.
        summary: The run summary, keys as in docs/outputs.md.
        values: The validated configuration (flat parameter names, plus ``events``).
        events: Policy events applied, as dicts with week, set and label.
        localities: One summary per locality (a single site has one), keys as in
            docs/outputs.md.
        agencies: One summary per agency (turnover and retention), keys as in
            docs/outputs.md.
    """

    weekly: pd.DataFrame
    summary: dict[str, Any]
    values: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    localities: list[dict[str, Any]] = field(default_factory=list)
    agencies: list[dict[str, Any]] = field(default_factory=list)


class TwinSource(Protocol):
    """Somewhere twins can be shared beyond this process (a sweep's :class:`TwinCache`)."""

    def put(self, values: Mapping[str, Any], outcome: TwinOutcome, computed: bool = False) -> None:
        """Offer a twin outcome: of a run that is its own twin, or one computed for runs."""

    def fetch(self, values: Mapping[str, Any], compute: Callable[[], TwinOutcome]) -> TwinOutcome:
        """The twin of ``values``, calling ``compute`` only if nobody has it yet."""

    def has(self, values: Mapping[str, Any]) -> bool:
        """Whether the twin of ``values`` is there already."""


class BurnInSource(Protocol):
    """Somewhere burned-in states are shared beyond this process (a sweep's BurnInCache)."""

    def prepare(self, values: Mapping[str, Any], compute: bool = True) -> None:
        """Put the burned-in state of ``values`` in this process's cache, if it has it.

        With ``compute`` false, only if it is there already (never computed or published).
        """


def twin_inert(name: str) -> bool:
    """Whether parameter ``name`` cannot act in a run without broker hours (a twin)."""
    if name in NO_COP:
        return False
    return name in TWIN_INERT or name.partition(".")[0] in INERT_GROUPS


def _no_cop(values: Mapping[str, Any], drop: Callable[[str], bool]) -> dict[str, Any]:
    """``values`` with no broker hours, now or through events, and no event setting ``drop``."""
    twin = {**values, **NO_COP}
    events = []
    for event in values.get("events", []):
        changes = {k: v for k, v in event["set"].items() if k not in NO_COP and not drop(k)}
        if changes:
            events.append({**event, "set": changes})
    twin["events"] = events
    return twin


def twin_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The configuration of the no-CoP twin: no broker hours, now or through events.

    The parameters that cannot act without a broker (:func:`twin_inert`) are set to their
    defaults (and dropped from events), so that the runs of a sweep over programme
    settings share one twin (one key) instead of computing equal twins under many.
    """
    twin = _no_cop(values, twin_inert)
    for name in twin:
        if twin_inert(name):
            twin[name] = SCHEMA[name].default
    return twin


def _key(values: Mapping[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, default=str)


@lru_cache(maxsize=256)
def _twin_by_key(key: str) -> TwinOutcome:
    model = CopModel(json.loads(key), agents=False, columns=TWIN_COLUMNS).run_to_end()
    return twin_outcome(model)


_prepared: dict[str, TwinOutcome] = {}
"""Twins computed side by side for the runs about to ask for them (:func:`run_side_by_side`)."""

SIDE_BY_SIDE = 50
"""Seeds run side by side at most by sweeps and analyses (each holds its burned-in state)."""


def configuration_key(values: Mapping[str, Any]) -> str:
    """The key of a run's configuration without its seed (seeds of one key run side by side)."""
    return _key({**values, "seed": None})


def _own_twin(values: Mapping[str, Any]) -> bool:
    """Whether a run has no broker hours at all, so it is its own twin."""
    return _key(_no_cop(values, lambda _: False)) == _key(
        {**values, "events": values.get("events", [])}
    )


def _prepare_burn_ins(
    group: list[dict[str, Any]], burn_ins: BurnInSource | None
) -> list[burn_in.SiteState]:
    """Each run's burned-in state (cached, not copied), those missing computed side by side."""
    keys, states, missing = [], {}, []
    for values in group:
        if burn_ins is not None:
            burn_ins.prepare(values, compute=False)
        p = Parameters({k: v for k, v in values.items() if k != "events"})
        key = burn_in.cache_key(p)
        keys.append(key)
        states[key] = burn_in.cached(key)
        if states[key] is None:
            missing.append(p)
    if missing:
        seeds = [p.seed for p in missing]
        start = burn_in.BurnIn.side_by_side(
            Parameters(burn_in.burn_in_values(missing[0].as_dict())), seeds
        )
        for p, state in zip(missing, start.run_each(WEEK), strict=True):
            key = burn_in.cache_key(p)
            states[key] = state
            burn_in.remember(key, state)
    if burn_ins is not None:
        for values in group:
            burn_ins.prepare(values)  # publishes what it should (a no-op otherwise)
    return [states[key] for key in keys]


def _prepare_twins(
    group: list[dict[str, Any]], states: list[burn_in.SiteState], twins: TwinSource | None
) -> None:
    """Compute the twins of a group's runs that nobody has, side by side, into _prepared."""
    todo = []
    for values, state in zip(group, states, strict=True):
        if not _own_twin(values):
            config = twin_values(values)
            if twins is None or not twins.has(config):
                todo.append((config, state))
    if len(todo) < 2:
        return
    configs = [c for c, _ in todo]
    seeds = [c["seed"] for c in configs]
    model = SideBySide(configs[0], seeds, WEEK, twin_columns, [s for _, s in todo]).run_to_end()
    for config, outcome in zip(configs, twin_outcomes(model), strict=True):
        _prepared[_key(config)] = outcome
        if twins is not None:
            twins.put(config, outcome, computed=True)


def _twin_of(
    values: Mapping[str, Any], model: Any, weekly: pd.DataFrame, twins: TwinSource | None
) -> TwinOutcome:
    """The no-CoP twin of a finished run: itself, prepared, shared, or computed."""
    twin_cfg = twin_values(values)
    key = _key(twin_cfg)
    # A run with no broker hours at all is its own twin (its inert settings cannot act).
    if _own_twin(values):
        twin = twin_outcome(model, weekly)
        if twins is not None:
            twins.put(twin_cfg, twin)
        return twin
    if key in _prepared:
        return _prepared.pop(key)
    if twins is not None:
        return twins.fetch(twin_cfg, lambda: _twin_by_key(key))
    return _twin_by_key(key)


def run_values(
    values: Mapping[str, Any],
    twins: TwinSource | None = None,
    burn_ins: BurnInSource | None = None,
) -> RunResult:
    """Run one validated configuration and summarise it against its no-CoP twin.

    The twin runs on the same seed (common random numbers), so the savings in the summary
    are paired differences. Twins are cached in-process, so a sweep over programme
    settings of one site pays for each twin once; ``twins`` shares them further (across
    a sweep's jobs and processes). ``burn_ins`` shares the burned-in state of the run's
    site and seed likewise (the run and its twin start from it). The result is the same
    wherever the twin and the burned-in state came from.

    Raises:
        ConfigError: If ``values`` is not a mapping, or holds a bad value.
    """
    if not isinstance(values, Mapping):
        raise ConfigError("values", values, "a mapping of parameter names to values")
    values = dict(values)
    if burn_ins is not None:
        burn_ins.prepare(values)
    model = CopModel(values, agents=False).run_to_end()
    weekly = model.weekly_table()
    twin = _twin_of(values, model, weekly, twins)
    summary = summarise(model, weekly, twin)
    events = [e.as_dict() for e in model.event_log]
    return RunResult(
        weekly,
        summary,
        values,
        events,
        locality_summaries(model, weekly, summary),
        agency_summaries(model),
    )


def run_side_by_side(
    runs: Sequence[Mapping[str, Any]],
    twins: TwinSource | None = None,
    burn_ins: BurnInSource | None = None,
) -> list[RunResult]:
    """:func:`run_values` of runs of one configuration on several seeds, stepped as one.

    Each result is the one :func:`run_values` gives that run alone (the same weekly
    table, summary and twin, bit for bit); the seeds share every array operation
    (:mod:`copsim.model.replicates`), so each costs a fraction of a run alone.

    Args:
        runs: Validated configurations that differ only in their seeds.
        twins: Where twins are shared beyond this process.
        burn_ins: Where burned-in states are shared beyond this process.

    Raises:
        ValueError: If the runs differ other than in their seeds.
    """
    runs = [dict(v) for v in runs]
    if len({configuration_key(v) for v in runs}) != 1:
        raise ValueError("runs side by side differ only in their seeds")
    heap.keep_freed_memory()
    _prepared.clear()
    states = _prepare_burn_ins(runs, burn_ins)
    _prepare_twins(runs, states, twins)
    seeds = [v["seed"] for v in runs]
    model = SideBySide(runs[0], seeds, WEEK, weekly_columns, states).run_to_end()
    results = []
    each = zip(runs, model.weekly_tables(), model.each_alone(), strict=True)
    for values, weekly, alone in each:
        twin = _twin_of(values, alone, weekly, twins)
        summary = summarise(alone, weekly, twin)
        results.append(
            RunResult(
                weekly,
                summary,
                values,
                [e.as_dict() for e in model.event_log],
                locality_summaries(alone, weekly, summary),
                agency_summaries(alone),
            )
        )
    return results


def run(overrides: Sequence[str] = (), seed: int | None = None) -> RunResult:
    """Run copsim from Python exactly as ``copsim run`` would from the command line.

    Args:
        overrides: Hydra overrides, e.g. ``["scenario=cop", "site=poor_history"]``.
        seed: The run's seed; the same as adding ``seed=N`` to the overrides.

    Returns:
        The run's weekly table, summary and configuration.

    Raises:
        copsim.model.schema.ConfigError: For overrides that are not a list of text, a bad
            override or value, or ``replicates=`` (one run has one seed).
    """
    overrides = override_list(overrides)
    if seed is not None:
        overrides.append(f"seed={SCHEMA['seed'].check(seed)}")
    return run_values(single_run_values(compose(overrides)))
