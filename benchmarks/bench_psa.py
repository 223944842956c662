"""Benchmark (not a test): what a PSA run costs beside a seed sweep's run and Mesa's floor.

A PSA point differs from its neighbours in its parameters, so it runs only its own few
replicates side by side, where a seed sweep runs 50 seeds of one configuration together.
This benchmark measures, one after the other in one process group on the same cores:

1. ``copsim psa draws=N replicates=R`` with the joblib launcher: (N + 47) x R runs (each
   with its no-CoP twin), its wall time per run, for the whole command and for its sweep
   alone (first job's start to last job's end, from the sweep's job records);
2. a seed sweep of about as many default runs (``copsim run -m``, jobs of
   ``--sweep-replicates`` seeds), its wall time per run, the same two ways;
3. Mesa's Boltzmann wealth model of the same size (:mod:`benchmarks.reference`), before and
   after, as the yardstick the throughput issues quote.

It prints the ratio PSA / sweep per run (issue 26's target: at most 1.25 at 64 x 4) and
each per run against the yardstick, with the load average before and after.

    python benchmarks/bench_psa.py [--draws 64] [--replicates 4] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

try:
    from benchmarks.bench_sweep import jobs, sweep
    from benchmarks.reference import boltzmann_seconds
except ImportError:  # run as a script: benchmarks/ is on sys.path
    from bench_sweep import jobs, sweep
    from reference import boltzmann_seconds


def psa(folder: Path, draws: int, replicates: int, workers: int) -> tuple[float, float]:
    """Run ``copsim psa`` into ``folder``; the command's start (epoch) and wall time."""
    epoch, start = time.time(), time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "copsim",
            "psa",
            f"draws={draws}",
            f"replicates={replicates}",
            "hydra/launcher=joblib",
            f"hydra.launcher.n_jobs={workers}",
            "--out",
            str(folder),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return epoch, time.perf_counter() - start


def span(sweep_folder: Path) -> float:
    """Seconds from the first job's task start to the last job's end."""
    job = jobs(sweep_folder)
    return float(job["ended"].max() - job["start"].min())


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=64)
    parser.add_argument("--replicates", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sweep-replicates", type=int, default=50)
    args = parser.parse_args()

    references = [boltzmann_seconds() for _ in range(5)]
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "psa"
        _, psa_wall = psa(folder, args.draws, args.replicates, args.workers)
        psa_runs = len(pd.read_parquet(folder / "sweep" / "summary.parquet"))
        psa_span = span(folder / "sweep")

        configs = max(1, round(psa_runs / args.sweep_replicates))
        seeds = ",".join(str(i * args.sweep_replicates) for i in range(configs))
        folder = Path(tmp) / "sweep"
        _, sweep_wall = sweep(
            folder,
            f"seed={seeds}",
            f"replicates={args.sweep_replicates}",
            "hydra/launcher=joblib",
            f"hydra.launcher.n_jobs={args.workers}",
        )
        sweep_runs = len(pd.read_parquet(folder / "summary.parquet"))
        sweep_span = span(folder)
        collect = json.loads((folder / "sweep.json").read_text())["collect_seconds"]
    references += [boltzmann_seconds() for _ in range(5)]
    reference = statistics.median(references)

    print(
        f"load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
        f"after {os.getloadavg()[0]:.2f}; joblib on {args.workers} cores"
    )
    rows = [
        (f"PSA {args.draws} draws x {args.replicates}", psa_runs, psa_wall, psa_span),
        (f"seed sweep, jobs of {args.sweep_replicates}", sweep_runs, sweep_wall, sweep_span),
    ]
    print("| | runs | command wall (s) | ms a run | jobs' span (s) | ms a run | x Boltzmann |")
    print("|---|---|---|---|---|---|---|")
    for name, runs, wall, busy in rows:
        print(
            f"| {name} | {runs} | {wall:.1f} | {wall / runs * 1000:.1f} | {busy:.1f} "
            f"| {busy / runs * 1000:.1f} | {wall / runs / reference:.2f} |"
        )
    print(
        f"Mesa Boltzmann wealth (361 agents, 157 steps): {reference * 1000:.1f} ms a run "
        f"(median of {len(references)}, {min(references) * 1000:.1f} to "
        f"{max(references) * 1000:.1f}); the sweep's collect took {collect:.1f} s"
    )
    ratio_wall = (psa_wall / psa_runs) / (sweep_wall / sweep_runs)
    ratio_span = (psa_span / psa_runs) / (sweep_span / sweep_runs)
    print(
        f"PSA / seed sweep, per run: {ratio_wall:.2f} (whole commands), "
        f"{ratio_span:.2f} (jobs only); target: at most 1.25"
    )


if __name__ == "__main__":
    main()
