"""Statistics over replicates: per-configuration intervals and paired differences by seed.

Two configurations run on the same seeds share their random numbers wherever their
parameters do not differ, so the difference seed by seed removes most of the noise: the
paired interval is the honest and narrow way to compare them. The unpaired interval is
reported next to it so the gain from pairing is visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from copsim.analysis.replicates import Runs

RESAMPLES = 2000
"""Bootstrap resamples for every interval."""

BOOTSTRAP_SEED = 20141125
"""The bootstrap's own seed, so the same runs always give the same intervals."""


@dataclass(frozen=True)
class Difference:
    """A difference between two configurations on one output.

    Attributes:
        mean: Mean paired difference (configuration minus baseline) over common seeds.
        low: Lower end of the bootstrap 95% interval of the mean paired difference.
        high: Upper end of that interval.
        unpaired_low: Lower end of the 95% interval ignoring the pairing.
        unpaired_high: Upper end of that interval.
        effect_size: Standardised mean difference (mean / average SD of the two groups).
        effect_size_paired: Mean / SD of the paired differences (d_z).
        n: Number of seeds both configurations ran.
    """

    mean: float
    low: float
    high: float
    unpaired_low: float
    unpaired_high: float
    effect_size: float
    effect_size_paired: float
    n: int


def resample_indices(n: int, resamples: int = RESAMPLES) -> np.ndarray:
    """Bootstrap indices into ``n`` replicates, shape (resamples, n), from the fixed seed."""
    return np.random.default_rng(BOOTSTRAP_SEED).integers(0, n, size=(resamples, n))


def _ratio(num: float, den: float) -> float:
    if den > 0:
        return num / den
    return 0.0 if num == 0 else float(np.sign(num) * np.inf)


def paired_difference(x: np.ndarray, base: np.ndarray, resamples: int = RESAMPLES) -> Difference:
    """Compare ``x`` with ``base``, both indexed by the same seeds (NaNs dropped in pairs).

    Args:
        x: The configuration's values, one per seed.
        base: The baseline's values for the same seeds, in the same order.
        resamples: Bootstrap resamples.

    Returns:
        The paired difference with its bootstrap 95% interval, the unpaired interval for
        comparison, and standardised effect sizes.
    """
    x, base = np.asarray(x, float), np.asarray(base, float)
    keep = ~(np.isnan(x) | np.isnan(base))
    x, base = x[keep], base[keep]
    n = len(x)
    if n == 0:
        nan = float("nan")
        return Difference(nan, nan, nan, nan, nan, nan, nan, 0)
    d = x - base
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    idx = rng.integers(0, n, size=(resamples, n))
    boot = d[idx].mean(axis=1)
    idx_b = rng.integers(0, n, size=(resamples, n))
    unpaired = x[idx].mean(axis=1) - base[idx_b].mean(axis=1)
    sd_av = np.sqrt((x.var(ddof=1) + base.var(ddof=1)) / 2) if n > 1 else 0.0
    sd_d = d.std(ddof=1) if n > 1 else 0.0
    lo, hi = np.percentile(boot, [2.5, 97.5])
    ulo, uhi = np.percentile(unpaired, [2.5, 97.5])
    return Difference(
        float(d.mean()),
        float(lo),
        float(hi),
        float(ulo),
        float(uhi),
        _ratio(float(d.mean()), float(sd_av)),
        _ratio(float(d.mean()), float(sd_d)),
        n,
    )


def describe(runs: Runs, outputs: Sequence[str] | None = None) -> pd.DataFrame:
    """Mean, median and a 95% interval across replicates, per configuration and output.

    Columns: config, output, n, mean, median, low (2.5th percentile of the replicates),
    high (97.5th), mean_low and mean_high (bootstrap 95% interval of the mean).
    """
    rows = []
    for config in runs.configs:
        sub = runs.summary[runs.summary["config"] == config]
        for output in outputs or runs.outputs:
            v = sub[output].to_numpy(float)
            v = v[~np.isnan(v)]
            if len(v) == 0:
                continue
            boot = v[resample_indices(len(v))].mean(axis=1)
            lo, hi = np.percentile(v, [2.5, 97.5])
            mlo, mhi = np.percentile(boot, [2.5, 97.5])
            rows.append(
                {
                    "config": config,
                    "output": output,
                    "n": len(v),
                    "mean": v.mean(),
                    "median": float(np.median(v)),
                    "low": lo,
                    "high": hi,
                    "mean_low": mlo,
                    "mean_high": mhi,
                }
            )
    return pd.DataFrame(rows)


def compare(
    runs: Runs, baseline: str | None = None, outputs: Sequence[str] | None = None
) -> pd.DataFrame:
    """Paired differences of every configuration against a baseline, by seed.

    Args:
        runs: Replicated runs of several configurations.
        baseline: The baseline configuration's label (default: the first configuration).
        outputs: Summary outputs to compare (default: all numeric ones).

    Returns:
        One row per configuration (other than the baseline) and output, with the fields
        of :class:`Difference`.
    """
    baseline = runs.resolve(baseline) if baseline is not None else runs.configs[0]
    wide = {c: runs.summary[runs.summary["config"] == c].set_index("seed") for c in runs.configs}
    base = wide[baseline]
    rows = []
    for config in runs.configs:
        if config == baseline:
            continue
        seeds = wide[config].index.intersection(base.index)
        for output in outputs or runs.outputs:
            diff = paired_difference(
                wide[config].loc[seeds, output].to_numpy(float),
                base.loc[seeds, output].to_numpy(float),
            )
            rows.append({"config": config, "baseline": baseline, "output": output, **vars(diff)})
    return pd.DataFrame(rows)
