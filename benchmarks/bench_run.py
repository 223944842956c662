"""Benchmark (not a test): the default run's time and the cost per agent-step.

Prints the median time of the default 3-year one-site run (the model alone, and the whole
``copsim.run`` with its no-CoP twin and summary), microseconds per agent-step, and the same
per agent-step figure at growing site sizes, which stays flat when a week costs time
linear in the number of agents.

    python benchmarks/bench_run.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import copsim
from copsim.model.cop_model import CopModel


def agents(model: CopModel) -> int:
    """Agents stepped each week: practitioners in post, people, agencies, broker, commissioner."""
    return int(model.posts.occupied.sum()) + len(model.people) + len(model.agencies) + 2


def time_model(params: dict, repeat: int) -> tuple[float, int, int]:
    """Median seconds to build and run a model; its agents and weeks."""
    times = []
    for seed in range(repeat):
        start = time.perf_counter()
        model = CopModel({**params, "seed": seed}).run_to_end()
        times.append(time.perf_counter() - start)
    return statistics.median(times), agents(model), model.p.weeks


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    copsim.run()  # warm imports and Hydra once
    t, n, weeks = time_model({}, args.repeat)
    print(f"default run, model only: {t * 1000:.1f} ms median of {args.repeat}")
    print(f"  {n} agents x {weeks} weeks: {t / (n * weeks) * 1e6:.2f} us per agent-step")
    full = []
    for seed in range(args.repeat):
        start = time.perf_counter()
        copsim.run(seed=seed)
        full.append(time.perf_counter() - start)
    print(
        f"default run via copsim.run (config, model, no-CoP twin, summary): "
        f"{statistics.median(full) * 1000:.1f} ms median"
    )

    print("scaling (site.agencies_per_type x, site.people x; 52 weeks):")
    for scale in (1, 5, 20):
        params = {"site.agencies_per_type": scale, "site.people": 300 * scale, "weeks": 52}
        t, n, weeks = time_model(params, 3)
        print(
            f"  x{scale:<3d} {n:6d} agents: {t * 1000:8.1f} ms, "
            f"{t / (n * weeks) * 1e6:.2f} us per agent-step"
        )


if __name__ == "__main__":
    main()
