"""Decision support: the cheapest programme that gives a CoP a good chance in one area.

``copsim plan`` searches the programme's levers (:data:`LEVERS`) for one site or area file
with Optuna's multi-objective TPE sampler, its targets as constraints, through
:mod:`copsim.analysis.study` (each batch of candidate plans one resumable sweep). A
candidate runs over ``replicates`` futures: replicate r is set r of the calibrated
posterior (``conf/posterior/typical.parquet``) on seed r, with its no-CoP twin on the same
seed (common random numbers), so every candidate meets the same futures and candidates
differ by their levers, not by luck. Each is scored on three objectives:

- the programme's discounted cost (``programme_cost_pv``, mean over futures; minimised);
- the chance that the CoP outlives its funding by a year: the share of futures in which
  it still met in the last meeting interval of the year after funding ended
  (``weeks_met_after_funding`` at least 52 weeks less ``brokerage.meeting_interval``;
  maximised);
- the chance that it pays: the share of futures with ``net_benefit_pv`` above 0
  (maximised).

Chances carry Wilson 95% intervals, the cost a t interval over futures. The plan chosen
(:func:`choose`) is the cheapest that meets the targets, else the one that misses them
by least.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copsim.errors import UsageError
from copsim.model.schema import SCHEMA, ConfigError

if TYPE_CHECKING:
    import optuna
    import pandas as pd

    from copsim.analysis.psa import Point

LEVERS: tuple[str, ...] = (
    "brokerage.hours_per_week",
    "brokerage.funded_weeks",
    "nurture.protected_time",
    "nurture.manager_support",
)
"""The programme's levers a plan searches over."""

LEVER_WORDS = {
    "brokerage.hours_per_week": "broker hours a week",
    "brokerage.funded_weeks": "funded weeks",
    "nurture.protected_time": "protected time (0-1)",
    "nurture.manager_support": "managers' support (0-1)",
}
"""Each lever in a commissioner's words."""

SURVIVAL_WEEKS = 52
"""How long after its funding a CoP must last to count as surviving it."""

PLAN_SEED = 20261207
"""Seed of the search (each batch's sampler adds the trials before it)."""

COUNTS = {"trials": (24, 1), "replicates": (8, 1), "batch": (8, 1)}
"""``copsim plan`` counts: default and least."""

TARGETS = {
    "survival": "the chance the CoP outlives its funding by a year",
    "pays": "the chance it pays for itself (discounted net benefit above 0)",
    "budget": "the most to spend (discounted programme cost, GBP)",
}
"""The targets a plan may be given, and what each means."""

DEFAULT_TARGETS = {"survival": 0.8, "pays": 0.5, "budget": None}
"""Targets when none are given (no budget)."""

OWN_KEYS = ("seed", "draw", "replicates")
"""Model items a plan sets itself (replicate r is posterior set r on seed r)."""

LAUNCH_KEYS = ("hydra/launcher", "hydra.launcher")
"""Hydra items that choose how runs are launched, not what they are (a resumed plan may
change them)."""


@dataclass(frozen=True)
class Lever:
    """A lever's search range."""

    name: str
    low: float
    high: float

    @property
    def whole(self) -> bool:
        """Whether it takes whole numbers (funded weeks)."""
        return SCHEMA[self.name].kind is int

    def distribution(self) -> Any:
        """Optuna's distribution of it."""
        from optuna.distributions import FloatDistribution, IntDistribution

        if self.whole:
            return IntDistribution(int(self.low), int(self.high))
        return FloatDistribution(float(self.low), float(self.high))


@dataclass
class Request:
    """What ``copsim plan`` was asked.

    Attributes:
        ranges: The levers searched, by name (given, or the schema's range).
        fixed: Levers given one value (not searched).
        targets: ``survival``, ``pays`` and ``budget`` (None: no budget).
        counts: ``trials``, ``replicates``, ``batch``.
        model: Model overrides of every candidate (site, weeks ...), levers excluded.
        hydra: Launcher items.
        posterior: The posterior whose sets are the futures.
    """

    ranges: dict[str, Lever] = field(default_factory=dict)
    fixed: dict[str, str] = field(default_factory=dict)
    targets: dict[str, float | None] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    counts: dict[str, int] = field(default_factory=lambda: {k: v[0] for k, v in COUNTS.items()})
    model: list[str] = field(default_factory=list)
    hydra: list[str] = field(default_factory=list)
    posterior: str = "typical"

    @property
    def base(self) -> list[str]:
        """Model overrides of every candidate: the fixed levers and the other items."""
        return [*self.model, *(f"{k}={v}" for k, v in self.fixed.items())]


# --- the command line ----------------------------------------------------------------------


def split_args(items: Sequence[str]) -> Request:
    """Read ``copsim plan`` items: levers, targets, counts, model and Hydra overrides.

    Raises:
        UsageError: For a bad count, target or range, or a stray argument; one line naming
            the key, the value and what is allowed.
        ConfigError: For a bad model override.
    """
    from copsim.config import check_overrides, refuse_repeated, whole_number

    req = Request()
    refuse_repeated([(i.partition("=")[0], i) for i in items if "=" in i])
    ranges: dict[str, str] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq:
            raise UsageError(
                f"unexpected argument {item!r} (allowed: LEVER=LOW:HIGH, a target "
                "survival=P pays=P budget=GBP, trials=N replicates=N batch=N, KEY=VALUE)"
            )
        if key in COUNTS:
            req.counts[key] = whole_number(key, value, COUNTS[key][1])
        elif key in TARGETS:
            req.targets[key] = _target(key, value)
        elif key in LEVERS:
            if ":" in value:
                ranges[key] = value
            else:
                req.fixed[key] = value
        elif key == "posterior":
            req.posterior = value
        elif key.lstrip("+~") in OWN_KEYS:
            raise UsageError(
                f"copsim plan sets {key.lstrip('+~')} itself: {item!r} (allowed: replicates "
                "are futures: replicate r runs posterior set r on seed r)"
            )
        elif key.startswith("hydra"):
            req.hydra.append(item)
        else:
            req.model.append(item)
    check_overrides(
        [*req.model, *(f"{k}={v}" for k, v in req.fixed.items())],
        one_value="a single value, or LOW:HIGH for a lever (a plan searches the levers itself)",
    )
    for name in LEVERS:
        if name in ranges:
            req.ranges[name] = _range(name, ranges[name])
        elif name not in req.fixed:
            p = SCHEMA[name]
            req.ranges[name] = Lever(name, p.low, p.high)
    if not req.ranges:
        raise UsageError(
            f"every lever is fixed ({', '.join(f'{k}={v}' for k, v in req.fixed.items())}), "
            "so there is nothing to search (allowed: LEVER=LOW:HIGH for one at least)"
        )
    return req


def _target(key: str, value: str) -> float:
    allowed = "a sum of money above 0, in GBP" if key == "budget" else "a probability from 0 to 1"
    try:
        x = float(value)
    except ValueError:
        x = math.nan
    ok = x > 0 if key == "budget" else 0 <= x <= 1
    if not (math.isfinite(x) and ok):
        raise UsageError(f"invalid value for {key}: {value!r} (allowed: {allowed})")
    return x


def _range(name: str, text: str) -> Lever:
    p = SCHEMA[name]
    kind = "whole numbers " if p.kind is int else ""
    allowed = f"allowed: LOW:HIGH, {kind}from {p.low:g} to {p.high:g}, LOW below HIGH"
    low_text, _, high_text = text.partition(":")
    try:
        low, high = float(low_text), float(high_text)
    except ValueError:
        low = high = math.nan
    whole = p.kind is not int or (low.is_integer() and high.is_integer())
    if not (math.isfinite(low) and math.isfinite(high) and whole):
        raise UsageError(f"invalid value for {name}: {text!r} ({allowed})")
    if not (p.low <= low < high <= p.high):
        raise UsageError(f"invalid value for {name}: {text!r} ({allowed})")
    return Lever(name, low, high)


def check_run_length(req: Request, weeks: int) -> None:
    """Funded weeks must leave a year of run after them, to see whether the CoP survives.

    A default range of funded weeks is cut to leave it; a given one must.

    Raises:
        UsageError: Naming the key, its value and what the run's length allows.
    """
    name = "brokerage.funded_weeks"
    most = weeks - SURVIVAL_WEEKS
    allowed = (
        f"allowed with weeks={weeks}: funded weeks up to {most}, leaving {SURVIVAL_WEEKS} "
        "weeks of run after funding to see whether the CoP survives it"
    )
    if most < max(SCHEMA[name].low, 1):
        raise ConfigError(
            "weeks",
            weeks,
            f"at least {SURVIVAL_WEEKS + 1} (a plan needs funded weeks and a year of run "
            "after them)",
        )
    if name in req.fixed:
        if float(req.fixed[name]) > most:
            raise UsageError(f"invalid value for {name}: {req.fixed[name]!r} ({allowed})")
        return
    lever = req.ranges[name]
    if lever.high > most:
        if lever.low == SCHEMA[name].low and lever.high == SCHEMA[name].high:  # the default
            req.ranges[name] = Lever(name, lever.low, most)
        else:
            raise UsageError(
                f"invalid value for {name}: '{lever.low:g}:{lever.high:g}' ({allowed})"
            )


def futures(req: Request) -> list[dict[str, Any]]:
    """Replicate r's overrides: posterior set r (less what the user set) and seed r.

    Raises:
        UsageError: For an unknown posterior, or more replicates than it has sets.
    """
    from copsim import posterior

    table = posterior.load(req.posterior)
    if req.counts["replicates"] > len(table):
        raise UsageError(
            f"invalid value for replicates: {req.counts['replicates']} (allowed: 1 to "
            f"{len(table)}, the sets of posterior={req.posterior})"
        )
    given = {o.partition("=")[0].lstrip("+~") for o in req.base}
    rows = table.sort_values("set").head(req.counts["replicates"]).to_dict("records")
    return [
        {**{k: v for k, v in row.items() if k != "set" and k not in given}, "seed": r}
        for r, row in enumerate(rows)
    ]


# --- scoring ---------------------------------------------------------------------------------


def wilson(successes: int, n: int) -> tuple[float, float]:
    """Wilson score 95% interval of a proportion, by SciPy (0 to 1 with no trials).

    SciPy's interval is exact at 0 and n successes (it ends at the estimate), where the
    textbook formula's rounding can leave the bound a hair beyond it.
    """
    if n == 0:
        return 0.0, 1.0
    from scipy.stats import binomtest

    ci = binomtest(int(successes), int(n)).proportion_ci(0.95, method="wilson")
    return float(ci.low), float(ci.high)


def mean_interval(x: Sequence[float]) -> tuple[float, float, float]:
    """Mean and its t 95% interval (the mean twice with one value)."""
    import numpy as np
    from scipy import stats

    a = np.asarray(x, dtype=float)
    m = float(a.mean())
    if len(a) < 2:
        return m, m, m
    half = float(stats.t.ppf(0.975, len(a) - 1) * a.std(ddof=1) / math.sqrt(len(a)))
    return m, m - half, m + half


def score(runs: pd.DataFrame, meeting_interval: int) -> dict[str, float]:
    """A candidate's objectives, with intervals, and what it buys, from its runs."""
    n = len(runs)
    if n == 0:
        raise RuntimeError("a candidate plan has no finished run (see the sweep's failures/)")
    survived = int((runs["weeks_met_after_funding"] >= SURVIVAL_WEEKS - meeting_interval).sum())
    pays = int((runs["net_benefit_pv"] > 0).sum())
    cost, cost_low, cost_high = mean_interval(runs["programme_cost_pv"])
    s_low, s_high = wilson(survived, n)
    p_low, p_high = wilson(pays, n)
    nb, nb_low, nb_high = mean_interval(runs["net_benefit_pv"])
    return {
        "cost_pv": cost,
        "cost_pv_low": cost_low,
        "cost_pv_high": cost_high,
        "p_survive": survived / n,
        "p_survive_low": s_low,
        "p_survive_high": s_high,
        "p_pays": pays / n,
        "p_pays_low": p_low,
        "p_pays_high": p_high,
        "net_benefit_pv": nb,
        "net_benefit_pv_low": nb_low,
        "net_benefit_pv_high": nb_high,
        "p_established": float(runs["cop_established_week"].notna().mean()),
        "crises_avoided": float(runs["crises_avoided"].mean()),
        "leavers_avoided": float(runs["leavers_avoided"].mean()),
        "futures": n,
    }


OBJECTIVES = (("cost_pv", "minimize"), ("p_survive", "maximize"), ("p_pays", "maximize"))
"""The objectives, and which way is better."""


def constraints(attrs: Mapping[str, Any], targets: Mapping[str, float | None]) -> dict[str, float]:
    """Optuna's constraint values of a scored candidate (0 or below: met)."""
    out = {
        "survival": targets["survival"] - attrs["p_survive"],
        "pays": targets["pays"] - attrs["p_pays"],
    }
    if targets.get("budget"):
        out["budget"] = (attrs["cost_pv"] - targets["budget"]) / targets["budget"]
    return out


def non_dominated(table: pd.DataFrame) -> list[bool]:
    """Whether each row is dominated by no other (cost down, both chances up)."""
    import numpy as np

    signs = np.array([1.0 if d == "minimize" else -1.0 for _, d in OBJECTIVES])
    x = table[[c for c, _ in OBJECTIVES]].to_numpy(float) * signs  # all minimised now
    out = []
    for i in range(len(x)):
        no_worse = np.all(x <= x[i], axis=1)
        better = np.any(x < x[i], axis=1)
        out.append(not bool(np.any(no_worse & better)))
    return out


def shortfall(row: Mapping[str, Any], targets: Mapping[str, float | None]) -> dict[str, float]:
    """How far a plan misses each target it misses (chances in points, budget in GBP)."""
    out = {}
    if row["p_survive"] < targets["survival"]:
        out["survival"] = targets["survival"] - row["p_survive"]
    if row["p_pays"] < targets["pays"]:
        out["pays"] = targets["pays"] - row["p_pays"]
    budget = targets.get("budget")
    if budget and row["cost_pv"] > budget:
        out["budget"] = row["cost_pv"] - budget
    return out


def choose(table: pd.DataFrame, targets: Mapping[str, float | None]) -> tuple[int, bool]:
    """The row chosen: the cheapest meeting every target, else the one missing them least.

    A plan's distance from the targets is the sum of the chances it falls short by and
    the share of the budget it overruns by. Ties go to the cheaper plan, then the surer
    survival, then the earlier trial.

    Returns:
        The chosen row's index label and whether it meets every target.
    """
    budget = targets.get("budget")

    def distance(row) -> float:
        miss = shortfall(row, targets)
        return (
            miss.get("survival", 0.0)
            + miss.get("pays", 0.0)
            + (miss.get("budget", 0.0) / budget if budget else 0.0)
        )

    dist = table.apply(distance, axis=1)
    order = table.assign(_d=dist).sort_values(
        ["_d", "cost_pv", "p_survive", "p_pays", "trial"],
        ascending=[True, True, False, False, True],
        kind="stable",
    )
    best = order.index[0]
    return best, bool(dist[best] == 0)


# --- running -----------------------------------------------------------------------------------


def sampler_for(req: Request) -> Any:
    """A factory of the multi-objective TPE sampler (the targets are the trials' constraints)."""
    import warnings

    import optuna

    startup = min(req.counts["batch"], 10)

    def make(seed: int) -> optuna.samplers.BaseSampler:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return optuna.samplers.TPESampler(
                seed=seed, multivariate=True, constant_liar=True, n_startup_trials=startup
            )

    return make


def run(folder: Path, req: Request, base_values: Mapping[str, Any]) -> pd.DataFrame:
    """Run (or resume) the search into ``folder``; the table of every candidate plan.

    Args:
        folder: The output folder (claimed and checked).
        req: What was asked.
        base_values: The composed base configuration's values (weeks, meeting interval).
    """
    import warnings

    from copsim.analysis.psa import Point
    from copsim.analysis.study import BatchStudy, Scored
    from copsim.folders import mark

    mark(folder, "plan")
    futs = futures(req)
    interval = int(base_values["brokerage.meeting_interval"])

    def points(number: int, params: dict[str, Any]) -> list[Point]:
        return [
            Point(f"plan-{number}-r{r}", "plan", {**_lever_values(params), **f})
            for r, f in enumerate(futs)
        ]

    def scored(trial: optuna.trial.FrozenTrial, runs: pd.DataFrame) -> Scored:
        mine = runs.drop_duplicates(["label", "seed"])
        attrs = score(mine, interval)
        values = tuple(attrs[c] for c, _ in OBJECTIVES)
        return Scored(values, attrs, constraints(attrs, req.targets))

    study = BatchStudy(
        folder=folder,
        directions=[d for _, d in OBJECTIVES],
        distributions={n: lv.distribution() for n, lv in req.ranges.items()},
        sampler=sampler_for(req),
        points=points,
        score=scored,
        replicates=1,
        base_overrides=req.base,
        hydra_overrides=req.hydra,
        varied=list(req.ranges),
        seed=PLAN_SEED,
        identity={
            "command": "plan",
            "ranges": {n: [lv.low, lv.high] for n, lv in req.ranges.items()},
            "base": req.base,
            "replicates": req.counts["replicates"],
            "posterior": req.posterior,
            "hydra": [h for h in req.hydra if not h.partition("=")[0].startswith(LAUNCH_KEYS)],
        },
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Optuna: constraints on some trials
        done = study.run(req.counts["trials"], req.counts["batch"])
    return pareto_table(done, req, base_values)


def _lever_values(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: int(v) if SCHEMA[k].kind is int else float(v) for k, v in params.items()}


def pareto_table(study: optuna.Study, req: Request, base_values: Mapping[str, Any]) -> pd.DataFrame:
    """``pareto.parquet``: every candidate's levers, objectives with intervals, flags."""
    import pandas as pd
    from optuna.trial import TrialState

    rows = []
    for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        levers = {n: base_values[n] for n in LEVERS}
        levers.update(_lever_values(t.params))
        rows.append({"trial": t.number, **levers, **t.user_attrs})
    table = pd.DataFrame(rows).sort_values("trial", kind="stable").reset_index(drop=True)
    table["non_dominated"] = non_dominated(table)
    table["meets_targets"] = [not shortfall(r, req.targets) for r in table.to_dict("records")]
    chosen, _ = choose(table, req.targets)
    table["chosen"] = table.index == chosen
    return table
