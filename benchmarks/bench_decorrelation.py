"""Benchmark (not a test): could one long burn-in chain serve many seeds?

Climate and epidemic ensembles spin up once and branch many members from one chain, each
from its own snapshot, spaced far enough apart to be independent. Whether that pays here
depends on how slowly the settled no-CoP site forgets its state. For each seed this runs
one long no-CoP chain after the usual burn-in (``weeks`` 1040 by default) and measures,
for the weekly outputs the stationarity test reads and the slower ones beside them:

* the integrated autocorrelation time (Sokal's automatic window, c = 5; Sokal 1997,
  "Monte Carlo methods in statistical mechanics"), ACFs by statsmodels;
* the spacing ``k`` at which snapshots of one chain are as good as independent seeds:
  the smallest ``k`` whose variance inflation of a mean over consecutive snapshots,
  ``1 + 2 sum_j rho(j k)`` (the seeds' mean ACF, summed while it stays positive), is at
  most 1.1.

It then prints the weeks a branched run would step (``k`` of chain per seed, plus run and
twin) beside today's (burn-in, run, twin), the best a branched burn-in could save.

    python benchmarks/bench_decorrelation.py [--seeds 1-8] [--weeks 1040]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from statsmodels.tsa.stattools import acf

import copsim
from copsim.model.schema import SCHEMA

try:
    from benchmarks.bench_crn import parse_seeds
except ImportError:  # run as a script: benchmarks/ is on sys.path
    from bench_crn import parse_seeds

OUTPUTS = (
    # The stationarity test's four (tests/test_dynamics.py), then slower state.
    "burnout_mean",
    "staff_in_post",
    "people_in_crisis",
    "unmet_need_share",
    "severity_mean",
    "share_at_risk_of_burnout",
    "cross_agency_ties",
    "cross_agency_trust",
)
INFLATION = 1.1
"""Largest acceptable variance inflation of a mean over snapshots of one chain."""


def integrated_time(rho: np.ndarray, c: float = 5.0) -> float:
    """Sokal's windowed integrated autocorrelation time of an ACF ``rho`` (rho[0] = 1)."""
    taus = 2.0 * np.cumsum(rho) - 1.0
    window = np.arange(len(rho)) >= c * taus
    return float(taus[window.argmax()] if window.any() else taus[-1])


def spacing(rho: np.ndarray, inflation: float = INFLATION) -> int:
    """The smallest spacing whose snapshots' mean has variance inflation <= ``inflation``."""
    positive = rho[: int(np.argmax(rho <= 0)) or len(rho)]  # up to the first sign change
    for k in range(1, len(positive)):
        if 1.0 + 2.0 * positive[k::k].sum() <= inflation:
            return k
    return len(positive)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=parse_seeds, default=parse_seeds("1-8"))
    parser.add_argument("--weeks", type=int, default=1040)
    args = parser.parse_args()

    start = time.perf_counter()
    series = {name: [] for name in OUTPUTS}
    for seed in args.seeds:
        weekly = copsim.run([f"weeks={args.weeks}", "brokerage.hours_per_week=0"], seed).weekly
        for name in OUTPUTS:
            series[name].append(weekly[name].to_numpy(dtype=float)[1:])
    lags = args.weeks // 2
    burn_in, run = SCHEMA["burn_in_weeks"].default, SCHEMA["weeks"].default
    print(
        f"No-CoP chains of {args.weeks} weeks after a {burn_in}-week burn-in, seeds "
        f"{args.seeds[0]}-{args.seeds[-1]} ({len(args.seeds)}); "
        f"{time.perf_counter() - start:.0f} s\n"
    )
    print("| output | integrated autocorrelation time (weeks), mean (range) | spacing k |")
    print("|---|---|---|")
    slowest = 0
    for name in OUTPUTS:
        rhos = [acf(x, nlags=lags, fft=True) for x in series[name] if x.std() > 0]
        taus = [integrated_time(r) for r in rhos]
        k = spacing(np.mean(rhos, axis=0))
        slowest = max(slowest, k)
        print(f"| `{name}` | {np.mean(taus):.0f} ({min(taus):.0f}-{max(taus):.0f}) | {k} |")
    today = burn_in + 2 * run
    branched = slowest + 2 * run
    print(
        f"\nBranched from one chain, a run steps {slowest} weeks of chain (the slowest "
        f"output's spacing) + {run} run + {run} twin = {branched} weeks, against {burn_in} "
        f"+ {run} + {run} = {today} today: at most {today / branched:.2f}x fewer weeks. "
        "A chain is stepped one seed wide, where today's burn-ins of a sweep's seeds are "
        "stepped side by side."
    )


if __name__ == "__main__":
    main()
