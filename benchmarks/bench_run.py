"""Benchmark (not a test): the default run's time and the cost per agent-step.

Prints the median time of the default 3-year one-site run of a seed new to the process (the
model alone with its burn-in, and the whole ``copsim.run`` with its no-CoP twin and summary,
as a sweep runs it), microseconds per agent-step over every week stepped (burn-in and run)
beside Mesa's trivial Boltzmann wealth model of the same size measured in the same process
before and after (and their ratio, which holds when the machine's speed drifts), and the
per agent-step figure at growing site sizes, which stays flat or falls when a week costs
time linear in the number of agents. It also times default runs side by side, as a sweep
job runs its replicates (``copsim.runs.runner.run_side_by_side``), per run and per
agent-step.

    python benchmarks/bench_run.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import copsim
from copsim.config import compose, values_from_config
from copsim.model import burn_in
from copsim.model.cop_model import CopModel
from copsim.runs.runner import SIDE_BY_SIDE, _twin_by_key, run_side_by_side

try:
    from benchmarks.reference import boltzmann_seconds
except ImportError:  # run as a script: benchmarks/ is on sys.path
    from reference import boltzmann_seconds


def agents(model: CopModel) -> int:
    """Agents stepped each week: practitioners in post, people, agencies, broker, commissioner."""
    return int(model.posts.occupied.sum()) + len(model.people) + len(model.agencies) + 2


def time_model(params: dict, repeat: int) -> tuple[float, int, int]:
    """Median seconds to build and run a model; its agents and the weeks it stepped.

    Each seed is new to the process, so the time includes its burn-in: the weeks stepped
    are ``burn_in_weeks + weeks``.
    """
    times = []
    for seed in range(repeat):
        burn_in.clear_cache()
        start = time.perf_counter()
        model = CopModel({**params, "seed": seed}).run_to_end()
        times.append(time.perf_counter() - start)
    return statistics.median(times), agents(model), model.p.burn_in_weeks + model.p.weeks


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    copsim.run()  # warm imports and Hydra once
    ref_before = boltzmann_seconds(365, 157, args.repeat)
    t, n, weeks = time_model({}, args.repeat)
    print(f"default run with its burn-in, model only: {t * 1000:.1f} ms median of {args.repeat}")
    per_step = t / (n * weeks) * 1e6
    print(f"  {n} agents x {weeks} weeks (burn-in and run): {per_step:.2f} us per agent-step")
    # The machine's speed drifts within minutes: the yardstick is measured before and after.
    ref = statistics.median([boltzmann_seconds(n, 157, args.repeat), ref_before])
    ref_step = ref / (n * 157) * 1e6
    print(
        f"  Mesa Boltzmann wealth, {n} agents x 157 steps, same process: "
        f"{ref * 1000:.1f} ms, {ref_step:.2f} us per agent-step"
    )
    print(f"  copsim / Boltzmann per agent-step: {per_step / ref_step:.2f}")
    full = []
    for seed in range(args.repeat):
        burn_in.clear_cache()
        _twin_by_key.cache_clear()
        start = time.perf_counter()
        copsim.run(seed=seed)
        full.append(time.perf_counter() - start)
    print(
        f"default run via copsim.run, as a sweep ran it run by run (config, burn-in, model, "
        f"no-CoP twin, summary): "
        f"{statistics.median(full) * 1000:.1f} ms median"
    )
    # As a sweep job runs its replicates now: SIDE_BY_SIDE seeds new to the process at once.
    values = values_from_config(compose([]))
    runs = [{**values, "seed": 1000 + i} for i in range(SIDE_BY_SIDE)]
    start = time.perf_counter()
    run_side_by_side(runs)
    each = (time.perf_counter() - start) / len(runs)
    stepped = values["burn_in_weeks"] + 2 * values["weeks"]  # burn-in, run and twin
    per_step = each / (n * stepped) * 1e6
    print(
        f"default runs side by side, as a sweep job runs them ({len(runs)} seeds; burn-in, "
        f"run, twin, summary): {each * 1000:.1f} ms a run, {per_step:.2f} us per agent-step "
        f"over the {stepped} weeks each steps (Boltzmann {ref_step:.2f}; ratio "
        f"{per_step / ref_step:.2f})"
    )

    print("scaling (site.agencies_per_type x, site.people x; burn-in and 52 weeks):")
    for scale in (1, 5, 20):
        params = {"site.agencies_per_type": scale, "site.people": 300 * scale, "weeks": 52}
        t, n, weeks = time_model(params, 3)
        print(
            f"  x{scale:<3d} {n:6d} agents: {t * 1000:8.1f} ms, "
            f"{t / (n * weeks) * 1e6:.2f} us per agent-step"
        )


if __name__ == "__main__":
    main()
