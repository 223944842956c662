"""Benchmark (not a test): the default run's time and the cost per agent-step.

Prints the median time of the default 3-year one-site run (the model alone, and the whole
``copsim.run`` with its no-CoP twin and summary), microseconds per agent-step beside Mesa's
trivial Boltzmann wealth model of the same size measured in the same process (and their
ratio, which holds when the machine's speed drifts), and the per agent-step figure at
growing site sizes, which stays flat when a week costs time linear in the number of agents.

    python benchmarks/bench_run.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import copsim
from copsim.model.cop_model import CopModel

try:
    from benchmarks.reference import boltzmann_seconds
except ImportError:  # run as a script: benchmarks/ is on sys.path
    from reference import boltzmann_seconds


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
    per_step = t / (n * weeks) * 1e6
    print(f"  {n} agents x {weeks} weeks: {per_step:.2f} us per agent-step")
    ref = boltzmann_seconds(n, weeks + 1, args.repeat)
    ref_step = ref / (n * (weeks + 1)) * 1e6
    print(
        f"  Mesa Boltzmann wealth, {n} agents x {weeks + 1} steps, same process: "
        f"{ref * 1000:.1f} ms, {ref_step:.2f} us per agent-step"
    )
    print(f"  copsim / Boltzmann per agent-step: {per_step / ref_step:.2f}")
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
