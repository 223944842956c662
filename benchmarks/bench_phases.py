"""Benchmark (not a test): where a run's CPU goes when seeds run side by side.

Steps ``--seeds`` default seeds side by side as a sweep job does (burn-in, no-CoP twin, then
the CoP run, each recording what it records in a sweep; a configuration without broker hours
is its own twin in a sweep, but is stepped twice here) and prints the CPU time a run of each
phase, of each of the week's mechanisms and of recording the weekly outputs. The profile to
read before speeding copsim up (issue 12's notes quote it).

    python benchmarks/bench_phases.py [--seeds 50] [--first-seed 1000] [overrides ...]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable

from copsim.config import compose, values_from_config
from copsim.model import burn_in, records
from copsim.model.cop_model import WEEK
from copsim.model.parameters import Parameters
from copsim.model.side_by_side import SideBySide
from copsim.runs import heap, outputs, runner


def timed(spent: Counter, name: str, step: Callable) -> Callable:
    """``step``, adding its CPU time to ``spent[name]``."""

    def run(model: object) -> object:
        start = time.process_time()
        out = step(model)
        spent[name] += time.process_time() - start
        return out

    return run


def main() -> None:
    """Print each phase's and mechanism's CPU time a run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=runner.SIDE_BY_SIDE)
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. scenario=cop")
    args = parser.parse_args()
    heap.keep_freed_memory()  # as run_side_by_side does
    values = values_from_config(compose(args.overrides))
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    phases: dict[str, Counter] = {}

    def week(phase: str) -> list[tuple[str, Callable]]:
        spent = phases[phase] = Counter()
        return [(name, timed(spent, name, step)) for name, step in WEEK]

    def recorder(phase: str, record: Callable) -> Callable:
        return timed(phases[phase], "recording outputs", record)

    started = time.process_time()
    p = Parameters(burn_in.burn_in_values({k: v for k, v in values.items() if k != "events"}))
    states = burn_in.BurnIn.side_by_side(p, seeds).run_each(week("burn-in"))
    twin = runner.twin_values(values)
    twin_week = week("no-CoP twin")
    SideBySide(
        twin, seeds, twin_week, recorder("no-CoP twin", outputs.twin_columns), states
    ).run_to_end()
    run_week = week("CoP run")
    model = SideBySide(
        values, seeds, run_week, recorder("CoP run", records.weekly_columns), states
    ).run_to_end()
    total = (time.process_time() - started) * 1000 / len(seeds)
    model.weekly_tables()

    print(f"{len(seeds)} default seeds side by side: {total:.1f} ms of CPU a run in all")
    for phase, spent in phases.items():
        print(f"  {phase}: {sum(spent.values()) * 1000 / len(seeds):.1f} ms a run")
        for name, seconds in spent.most_common():
            if seconds * 1000 / len(seeds) >= 0.5:
                print(f"    {name:20s} {seconds * 1000 / len(seeds):6.1f}")


if __name__ == "__main__":
    main()
