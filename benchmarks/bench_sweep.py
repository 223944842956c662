"""Benchmark (not a test): a sweep's parallel efficiency and Hydra's per-job cost.

1. Runs 200 default runs as one sweep through the real ``copsim`` command with the joblib
   launcher on ``--workers`` cores: 10 configurations (base seeds 0, 20, ..., 180) x
   ``replicates=20``. Prints parallel efficiency = (sum of the runs' own compute times /
   workers) / wall time of the whole command (start-up, jobs, collect).
2. Runs many tiny jobs (``weeks=1``) with the basic launcher, one after another in one
   process, to measure what Hydra costs per job outside copsim's task, next to the model's
   own time per job in step 1.

    python benchmarks/bench_sweep.py [--workers 2] [--configs 10] [--replicates 20]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd


def sweep(folder: Path, *overrides: str) -> float:
    """Run ``copsim run -m`` into ``folder``; the command's wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "copsim", "run", "-m", *overrides, f"hydra.sweep.dir={folder}"],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start


def jobs(folder: Path) -> pd.DataFrame:
    """The job records of a sweep folder."""
    return pd.DataFrame([json.loads(p.read_text()) for p in (folder / "jobs").glob("*.json")])


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--configs", type=int, default=10)
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--tiny-jobs", type=int, default=40)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "efficiency"
        seeds = ",".join(str(i * args.replicates) for i in range(args.configs))
        wall = sweep(
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
        print(
            f"sweep of {n} default runs ({args.configs} configurations x replicates="
            f"{args.replicates}), joblib launcher on {args.workers} cores"
        )
        print(f"  wall time of the command: {wall:.2f} s")
        print(f"  sum of the runs' own times: {own:.2f} s ({own / n * 1000:.0f} ms a run)")
        print(f"  collect at the end: {info['collect_seconds']:.2f} s")
        print(
            f"  copsim's own cost per job beyond its runs (store writes, provenance): "
            f"{(job['seconds'] - job['compute_seconds']).mean() * 1000:.0f} ms"
        )
        # Between one job's task and the next in the same worker: what Hydra and joblib
        # cost per job there (composing the job's config, pickling, run_job's set-up).
        job["start"] = job["ended"] - job["seconds"]
        gaps = [
            (g["start"].iloc[1:].to_numpy() - g["ended"].iloc[:-1].to_numpy()).mean()
            for _, g in job.sort_values("start").groupby("pid")
            if len(g) > 1
        ]
        if gaps:
            gap = sum(gaps) / len(gaps)
            print(f"  Hydra and joblib between jobs in a worker: {gap * 1000:.0f} ms")
        print(
            f"  parallel efficiency = ({own:.2f} / {args.workers}) / {wall:.2f} = "
            f"{own / args.workers / wall:.3f}"
        )

        tiny = Path(tmp) / "tiny"
        sweep(tiny, f"seed=range(0,{args.tiny_jobs})", "weeks=1")
        info = json.loads((tiny / "sweep.json").read_text())
        task = jobs(tiny)["seconds"].sum()
        span = info["ended"] - info["started"] - info["collect_seconds"]
        per_job = (span - task) / args.tiny_jobs
        model_per_job = own / args.configs
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
