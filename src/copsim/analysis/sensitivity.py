"""Global sensitivity analysis through SALib: Morris screening or Sobol indices.

Parameter ranges come from the one schema (a user may narrow them). Each sample point is
run over several seeds (the same seeds for every point, so noise is common across points)
and the chosen summary output is averaged over them before the indices are computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from copsim.config import compose, values_from_config
from copsim.model.schema import ConfigError, sampling_range

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

# SALib, Matplotlib, pandas and the model (through copsim.runs.outputs) are imported where
# they are used: ``copsim sensitivity`` checks its whole command first, and a typo should
# cost a second, not the three those imports take.

DEFAULT_FACTORS = (
    "brokerage.hours_per_week",
    "site.joint_working_history",
    "nurture.protected_time",
    "nurture.manager_support",
    "nurture.commissioner_engagement",
    "funding.agency_budget",
    "trust.gain",
    "trust.decay",
)
"""The levers and conditions varied when no --params are given."""

DEFAULT_SAMPLES = {"morris": 10, "sobol": 8}
"""Samples when none are given: a first look at a cost of about 100 points either way.

Sobol needs a power of 2; its indices are worth reporting from 64 or more.
"""

SALIB_SEED = 7
"""Seed of SALib's sampling and bootstrap, so an analysis is reproducible."""


@dataclass(frozen=True)
class Factor:
    """A parameter varied over [low, high] (rounded if the parameter is an integer)."""

    name: str
    low: float
    high: float
    integer: bool = False


@dataclass
class SensitivityResult:
    """Indices with their 95% confidence intervals, and the evaluated samples."""

    method: str
    output: str
    indices: pd.DataFrame
    samples: pd.DataFrame


FIXED_VALUE = "a single value (sensitivity varies the parameters in --params itself)"
"""What a sensitivity analysis allows where a sweep (``a=1,2``) is given."""


def default_factors(overrides: Sequence[str] = ()) -> list[str]:
    """:data:`DEFAULT_FACTORS` less those the overrides fix (as --effects leaves them)."""
    fixed = {o.partition("=")[0] for o in overrides}
    return [name for name in DEFAULT_FACTORS if name not in fixed]


def factors_from(names: Sequence[str], ranges: Sequence[str] = ()) -> list[Factor]:
    """Factors for the named parameters, with schema ranges narrowed by ``NAME=LOW:HIGH``.

    Raises:
        ConfigError: For an unknown, non-numeric or repeated parameter, a range outside the
            schema's, or a parameter given two ranges.
    """
    if not names:  # every default parameter fixed by an override, say
        raise ConfigError("--params", "", "at least one parameter to vary, not fixed")
    each_once("--params", names)
    each_once("--range", [item.partition("=")[0] for item in ranges])
    narrowed: dict[str, tuple[float, float]] = {}
    for item in ranges:
        name, _, span = item.partition("=")
        try:
            low, high = (float(v) for v in span.split(":"))
        except ValueError:
            raise ConfigError(name, span, "a range LOW:HIGH") from None
        narrowed[name] = sampling_range(name, low, high)[1:]
    factors = []
    for name in names:
        param, low, high = sampling_range(name, *narrowed.get(name, (None, None)))
        factors.append(Factor(name, low, high, param.kind is int))
    unknown = set(narrowed) - set(names)
    if unknown:
        raise ConfigError(sorted(unknown)[0], "", "a parameter also listed in --params")
    return factors


def split_params(text: str) -> list[str]:
    """The parameters of ``--params NAME,NAME``.

    Raises:
        ConfigError: For an empty list or a blank name (``--params ''``, ``a,,b``): an
            empty list would otherwise quietly vary the default parameters.
    """
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise ConfigError(
            "--params", text, "parameter names separated by commas, e.g. trust.gain,trust.decay"
        )
    return names


def each_once(option: str, names: Sequence[str]) -> None:
    """Raise ConfigError if a parameter is named twice: which of the two would count?"""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ConfigError(option, name, f"each parameter once; {name} is given twice")
        seen.add(name)


def check_design(method: str, samples: int, replicates: int) -> None:
    """Check a design before anything runs.

    Raises:
        ConfigError: For an unknown method, too few samples (Morris needs two trajectories
            for sigma; Sobol a power of 2 from 2), or fewer than one replicate.
    """
    if method not in ("morris", "sobol"):
        raise ConfigError("--method", method, "morris or sobol")
    whole = isinstance(samples, int) and not isinstance(samples, bool)
    if method == "morris" and (not whole or samples < 2):
        raise ConfigError("--samples", samples, "a whole number of trajectories from 2 up")
    if method == "sobol" and (not whole or samples < 2 or samples & (samples - 1)):
        raise ConfigError("--samples", samples, "a power of 2 from 2 (2, 4, 8, ...)")
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise ConfigError("--replicates", replicates, "a whole number from 1 up")


def sample(factors: Sequence[Factor], method: str, n: int) -> np.ndarray:
    """SALib sample matrix (rows: points, columns: factors)."""
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    problem = _problem(factors)
    if method == "morris":
        x = morris_sample.sample(problem, N=n, num_levels=4, seed=SALIB_SEED)
    else:
        x = sobol_sample.sample(problem, N=n, calc_second_order=False, seed=SALIB_SEED)
    for j, f in enumerate(factors):
        if f.integer:
            x[:, j] = np.rint(x[:, j])
    return x


def _problem(factors: Sequence[Factor]) -> dict:
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[f.low, f.high] for f in factors],
    }


def analyse(
    factors: Sequence[Factor],
    output: str,
    method: str = "morris",
    samples: int | None = None,
    replicates: int = 4,
    overrides: Sequence[str] = (),
    workers: int | None = None,
) -> SensitivityResult:
    """Sample, run every point over ``replicates`` seeds, and compute the indices.

    Args:
        factors: Parameters to vary and their ranges.
        output: Summary output to explain (a key of docs/outputs.md).
        method: ``morris`` (screening: mu*, sigma) or ``sobol`` (S1, ST).
        samples: Morris trajectories, or Sobol base samples (default:
            :data:`DEFAULT_SAMPLES` of the method).
        replicates: Seeds per point; the output is their mean.
        overrides: Fixed overrides for everything else (e.g. ``site=poor_history``).
        workers: Processes to use.
    """
    import pandas as pd
    from SALib.analyze import morris as morris_analyze

    from copsim.analysis.replicates import run_many
    from copsim.runs.outputs import SUMMARY

    names = [o.name for o in SUMMARY]
    if output not in names:
        raise ConfigError("--output", output, "one of " + ", ".join(names))
    fixed = {o.partition("=")[0]: o for o in overrides}
    for factor in factors:  # the factor's values would replace the override's unseen
        if factor.name in fixed:
            raise ConfigError(
                "--params",
                factor.name,
                f"a parameter no override fixes (drop {fixed[factor.name]} or the parameter)",
            )
    if samples is None:
        samples = DEFAULT_SAMPLES.get(method, 0)  # an unknown method is refused just below
    check_design(method, samples, replicates)
    base = values_from_config(compose(list(overrides), one_value=FIXED_VALUE))
    x = sample(factors, method, samples)
    jobs = []
    for i, row in enumerate(x):
        point = {
            f.name: (int(v) if f.integer else float(v)) for f, v in zip(factors, row, strict=True)
        }
        jobs += [(str(i), {**base, **point, "seed": base["seed"] + r}) for r in range(replicates)]
    results = run_many(jobs, workers, f"sensitivity ({method})")
    y_runs = np.array(
        [np.nan if r.summary[output] is None else r.summary[output] for _, r in results],
        dtype=float,
    ).reshape(len(x), replicates)
    y = np.nanmean(y_runs, axis=1)
    problem = _problem(factors)
    if method == "morris":
        si = morris_analyze.analyze(
            problem, x, y, conf_level=0.95, num_resamples=1000, seed=SALIB_SEED
        )
        indices = pd.DataFrame(
            {
                "parameter": problem["names"],
                "mu_star": si["mu_star"],
                "mu_star_conf": si["mu_star_conf"],
                "sigma": si["sigma"],
            }
        )
    else:
        indices = _sobol_indices(problem, y)
    samples_df = pd.DataFrame(x, columns=problem["names"]).assign(**{output: y})
    return SensitivityResult(method, output, indices, samples_df)


def _sobol_indices(problem: dict, y: np.ndarray) -> pd.DataFrame:
    """First-order and total Sobol indices with their 95% confidence intervals."""
    import pandas as pd
    from SALib.analyze import sobol as sobol_analyze

    si = sobol_analyze.analyze(
        problem, y, calc_second_order=False, conf_level=0.95, num_resamples=1000, seed=SALIB_SEED
    )
    return pd.DataFrame(
        {
            "parameter": problem["names"],
            "S1": si["S1"],
            "S1_conf": si["S1_conf"],
            "ST": si["ST"],
            "ST_conf": si["ST_conf"],
        }
    )


EFFECTS = {
    "leavers_avoided": "leavers avoided against the no-CoP twin",
    "net_benefit_pv": "discounted net benefit against the twin",
    "established_within_year": "CoP established within 52 weeks (share of seeds)",
}
"""The CoP's effects whose variance :func:`analyse_effects` apportions."""


def effect_values(summary: dict) -> dict[str, float]:
    """The CoP's effects in one run's summary (paired with its twin by the runner)."""
    from copsim.runs.outputs import established_within

    return {
        "leavers_avoided": float(summary["leavers_avoided"]),
        "net_benefit_pv": float(summary["net_benefit_pv"]),
        "established_within_year": established_within(summary["cop_established_week"], 52),
    }


def analyse_effects(
    samples: int = 64,
    replicates: int = 4,
    overrides: Sequence[str] = (),
    names: Sequence[str] | None = None,
    workers: int | None = None,
) -> list[SensitivityResult]:
    """Sobol indices of the CoP's effects over the schema's parameter distributions.

    Sobol's design is drawn on the unit hypercube and mapped through each parameter's
    quantile function, so the indices apportion variance over the distributions of
    :data:`copsim.model.uncertainty.UNCERTAINTY` (not uniform ranges). Each point runs
    over ``replicates`` seeds, each with its no-CoP twin (the effects are paired
    differences), and the effects are averaged over the seeds.

    Args:
        samples: Sobol base samples (a power of 2); ``samples * (k + 2)`` points run.
        replicates: Seeds per point.
        overrides: Fixed overrides of the base case; a parameter they set is not varied.
        names: Uncertain parameters to vary (default: all the overrides leave free).
        workers: Processes to use.

    Returns:
        One result per effect of :data:`EFFECTS`, with S1 and ST and their intervals.
    """
    import pandas as pd
    from SALib.sample import sobol as sobol_sample

    from copsim.analysis.psa import uncertain
    from copsim.analysis.replicates import run_many

    dists = uncertain(overrides)
    if names is not None:
        each_once("--params", names)
        unknown = [n for n in names if n not in dists]
        if unknown:
            raise ConfigError(unknown[0], "", "a parameter with a distribution, not fixed")
        dists = {n: dists[n] for n in names}
    problem = {"num_vars": len(dists), "names": list(dists), "bounds": [[0, 1]] * len(dists)}
    u = sobol_sample.sample(problem, N=samples, calc_second_order=False, seed=SALIB_SEED)
    u = np.clip(u, 1e-6, 1 - 1e-6)
    x = np.column_stack([d.ppf(u[:, j]) for j, d in enumerate(dists.values())])
    base = values_from_config(compose(list(overrides), one_value=FIXED_VALUE))
    jobs = []
    for i, row in enumerate(x):
        point = {n: float(v) for n, v in zip(dists, row, strict=True)}
        jobs += [(str(i), {**base, **point, "seed": base["seed"] + r}) for r in range(replicates)]
    runs = run_many(jobs, workers)
    effects = pd.DataFrame([effect_values(r.summary) for _, r in runs])
    results = []
    for effect in EFFECTS:
        y = effects[effect].to_numpy().reshape(len(x), replicates).mean(axis=1)
        samples_df = pd.DataFrame(x, columns=list(dists)).assign(**{effect: y})
        indices = _sobol_indices(problem, y) if y.std() > 0 else _constant(problem)
        results.append(SensitivityResult("sobol", effect, indices, samples_df))
    return results


def _constant(problem: dict) -> pd.DataFrame:
    """Indices of an output that never varies: all zero (SALib would divide by zero)."""
    import pandas as pd

    zero = np.zeros(problem["num_vars"])
    return pd.DataFrame(
        {"parameter": problem["names"], "S1": zero, "S1_conf": zero, "ST": zero, "ST_conf": zero}
    )


def plot(result: SensitivityResult) -> Figure:
    """Bar chart of the indices with their 95% confidence intervals."""
    import matplotlib.pyplot as plt

    idx = result.indices
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(idx) + 1.8), layout="constrained")
    y = np.arange(len(idx))[::-1]
    if result.method == "morris":
        ax.barh(y, idx["mu_star"], xerr=idx["mu_star_conf"], color="#2980b9", capsize=3)
        ax.set_xlabel(f"Morris mu* of {result.output} (95% CI)")
    else:
        ax.barh(
            y + 0.2,
            idx["S1"],
            height=0.4,
            xerr=idx["S1_conf"],
            label="first order S1",
            color="#2980b9",
            capsize=3,
        )
        ax.barh(
            y - 0.2,
            idx["ST"],
            height=0.4,
            xerr=idx["ST_conf"],
            label="total ST",
            color="#e67e22",
            capsize=3,
        )
        ax.set_xlabel(f"Sobol indices of {result.output} (95% CI)")
        fig.legend(loc="outside lower center", ncols=2, fontsize=8)  # outside the bars
    ax.set_yticks(y, idx["parameter"])
    ax.grid(alpha=0.3, axis="x")
    return fig
