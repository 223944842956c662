"""Benchmark (not a test): a sweep's parallel efficiency and Hydra's per-job cost.

1. Runs 200 default runs as one sweep through the real ``copsim`` command with the joblib
   launcher on ``--workers`` cores: 10 configurations (base seeds 0, 20, ..., 180) x
   ``replicates=20``. Prints parallel efficiency = (sum of the runs' own compute times /
   workers) / wall time of the whole command (start-up, jobs, collect, exit), and where the
   rest of the wall time went. ``--repeat N`` runs it N times and gives the median.
2. Runs many tiny jobs (``weeks=1``) with the basic launcher, one after another in one
   process, to measure what Hydra costs per job outside copsim's task, next to the model's
   own time per job in step 1.

3. With ``--runs N``: the wall time of a sweep of N default runs (each with its no-CoP
   twin), through ``copsim run -m`` and the joblib launcher, as jobs of ``--replicates``
   seeds. With ``--project-from M`` it runs M of them and projects the wall time of N from
   that (start-up and collect once, the jobs in proportion). Printed beside it: the load
   average, and the wall time per run divided by Mesa's trivial Boltzmann wealth model of
   the same size (361 agents, 157 steps) measured in the same benchmark, a ratio that
   holds when the machine's speed drifts.

Other processes on the machine lower the figure: the load average is printed with it.

    python benchmarks/bench_sweep.py [--workers 2] [--configs 10] [--replicates 20] [--repeat 1]
    python benchmarks/bench_sweep.py --runs 10000 [--project-from 1000] [--replicates 50]
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
    from benchmarks.reference import boltzmann_seconds
except ImportError:  # run as a script: benchmarks/ is on sys.path
    from reference import boltzmann_seconds


def sweep(folder: Path, *overrides: str) -> tuple[float, float]:
    """Run ``copsim run -m`` into ``folder``; the command's start (epoch) and wall time."""
    epoch, start = time.time(), time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "copsim", "run", "-m", *overrides, f"hydra.sweep.dir={folder}"],
        check=True,
        capture_output=True,
        text=True,
    )
    return epoch, time.perf_counter() - start


def jobs(folder: Path) -> pd.DataFrame:
    """The job records of a sweep folder, with each job's task start (epoch seconds)."""
    job = pd.DataFrame([json.loads(p.read_text()) for p in (folder / "jobs").glob("*.json")])
    job["start"] = job["ended"] - job["seconds"]
    return job


def efficiency(tmp: Path, args: argparse.Namespace) -> float:
    """Run the 200-run sweep once; print its figures; return its parallel efficiency."""
    folder = tmp / f"efficiency-{time.monotonic_ns()}"
    seeds = ",".join(str(i * args.replicates) for i in range(args.configs))
    load = os.getloadavg()[0]
    epoch, wall = sweep(
        folder,
        f"seed={seeds}",
        f"replicates={args.replicates}",
        "hydra/launcher=joblib",
        f"hydra.launcher.n_jobs={args.workers}",
    )
    summary = pd.read_parquet(folder / "summary.parquet")
    own = summary["compute_seconds"].sum()
    info = json.loads((folder / "sweep.json").read_text())
    job = jobs(folder)
    n = len(summary)
    eff = own / args.workers / wall
    print(
        f"sweep of {n} default runs ({args.configs} configurations x replicates="
        f"{args.replicates}), joblib launcher on {args.workers} cores "
        f"(load average before: {load:.2f})"
    )
    print(f"  wall time of the command: {wall:.2f} s")
    print(f"  sum of the runs' own times: {own:.2f} s ({own / n * 1000:.0f} ms a run)")
    print(f"  parallel efficiency = ({own:.2f} / {args.workers}) / {wall:.2f} = {eff:.3f}")
    print("  where the rest went:")
    print(
        f"    command start to first job's task (start-up, workers' imports): "
        f"{job['start'].min() - epoch:.2f} s"
    )
    # Between one job's task and the next in the same worker: what Hydra and joblib
    # cost per job there (composing the job's config, pickling, run_job's set-up).
    gaps = [
        (g["start"].iloc[1:].to_numpy() - g["ended"].iloc[:-1].to_numpy()).mean()
        for _, g in job.sort_values("start").groupby("pid")
        if len(g) > 1
    ]
    if gaps:
        print(
            f"    Hydra and joblib between two jobs in a worker: "
            f"{sum(gaps) / len(gaps) * 1000:.0f} ms"
        )
    print(
        f"    copsim's own cost per job beyond its runs (store writes, provenance): "
        f"{(job['seconds'] - job['compute_seconds']).mean() * 1000:.0f} ms"
    )
    print(
        f"    last job's end to command end (collect {info['collect_seconds']:.2f} s, exit): "
        f"{epoch + wall - job['ended'].max():.2f} s"
    )
    return eff


def throughput(tmp: Path, args: argparse.Namespace) -> None:
    """Time a sweep of ``--runs`` default runs (or project it from ``--project-from``)."""
    measured = args.project_from or args.runs
    per_job = min(args.replicates, measured)
    configs = -(-measured // per_job)
    folder = tmp / f"throughput-{time.monotonic_ns()}"
    # The yardstick is measured before and after the sweep (five medians of five runs
    # each): the machine's speed drifts within minutes, and one or two measurements in ten
    # come out up to 2x slow, so the median is of ten and the spread is printed too.
    references = [boltzmann_seconds() for _ in range(5)]
    load = os.getloadavg()
    epoch, wall = sweep(
        folder,
        "seed=" + ",".join(str(i * per_job) for i in range(configs)),
        f"replicates={per_job}",
        "hydra/launcher=joblib",
        f"hydra.launcher.n_jobs={args.workers}",
    )
    references += [boltzmann_seconds() for _ in range(5)]
    reference = statistics.median(references)
    runs = len(pd.read_parquet(folder / "summary.parquet"))
    info = json.loads((folder / "sweep.json").read_text())
    start_up = jobs(folder)["start"].min() - epoch
    fixed = start_up + info["collect_seconds"]
    print(
        f"sweep of {runs} default runs, each with its no-CoP twin ({configs} jobs of "
        f"replicates={per_job}), joblib on {args.workers} cores; load average before "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, after {os.getloadavg()[0]:.2f}"
    )
    print(f"  wall time: {wall:.1f} s ({wall / runs * 1000:.1f} ms a run)")
    total = wall
    if runs < args.runs:
        total = fixed + (wall - fixed) * args.runs / runs
        print(
            f"  projected wall time of {args.runs} runs: {total:.0f} s "
            f"(start-up {start_up:.1f} s and collect {info['collect_seconds']:.1f} s once, "
            f"the jobs in proportion)"
        )
    print(
        f"  Mesa Boltzmann wealth (361 agents, 157 steps) here and now: "
        f"{reference * 1000:.1f} ms a run (median of {len(references)} measurements, "
        f"{min(references) * 1000:.1f} to {max(references) * 1000:.1f})"
    )
    per_run = total / args.runs
    print(
        f"  wall time per run / Boltzmann run: {per_run / reference:.2f} "
        f"({per_run / max(references):.2f} to {per_run / min(references):.2f} over the "
        f"yardstick's spread; target: at most 1.4)"
    )


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--configs", type=int, default=10)
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--tiny-jobs", type=int, default=40)
    parser.add_argument("--runs", type=int, help="time a sweep of this many default runs")
    parser.add_argument("--project-from", type=int, help="run this many, project to --runs")
    args = parser.parse_args()

    if args.runs:
        with tempfile.TemporaryDirectory() as tmp:
            throughput(Path(tmp), args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        effs = [efficiency(Path(tmp), args) for _ in range(args.repeat)]
        if args.repeat > 1:
            print(
                f"parallel efficiency, median of {args.repeat}: {statistics.median(effs):.3f} "
                f"(all: {', '.join(f'{e:.3f}' for e in effs)})"
            )

        tiny = Path(tmp) / "tiny"
        sweep(tiny, f"seed=range(0,{args.tiny_jobs})", "weeks=1")
        info = json.loads((tiny / "sweep.json").read_text())
        task = jobs(tiny)["seconds"].sum()
        span = info["ended"] - info["started"] - info["collect_seconds"]
        per_job = (span - task) / args.tiny_jobs
        model = pd.read_parquet(next(Path(tmp).glob("efficiency-*")) / "summary.parquet")
        model_per_job = model["compute_seconds"].sum() / args.configs
        print(
            f"Hydra's cost per job (basic launcher, {args.tiny_jobs} jobs of weeks=1): "
            f"{per_job * 1000:.0f} ms outside copsim's task"
        )
        print(
            f"  against {model_per_job:.2f} s of model time in a job of replicates="
            f"{args.replicates} default runs: {per_job / model_per_job:.1%}"
        )


if __name__ == "__main__":
    main()
