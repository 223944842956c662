"""Benchmark (not a test): what a sweep's run costs outside the model's mechanisms.

A run of a sweep over seeds is the CoP run and its computed no-CoP twin, each built from
the burned-in state and stepped, then summarised and published into the sweep folder. This
times each piece of that which is not a mechanism (in one process, each piece alone, the
minimum of repeats, so that other processes on the machine disturb it little) and prints
their sum: the per-run overhead. Stepping is timed with the week's mechanisms removed, so
it is Mesa's step, the weekly collector and the tallies.

    python benchmarks/bench_overhead.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

import copsim.model.cop_model as cop_model
from copsim.config import compose, values_from_config
from copsim.model.cop_model import CopModel
from copsim.runs import outputs, runner
from copsim.runs.provenance import config_hash
from copsim.sweep.store import SweepStore


def main() -> None:
    """Print each piece's time and their sum."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    def ms(f: Callable[[], object], number: int = 10) -> float:
        return min(timeit.repeat(f, number=number, repeat=args.repeat)) / number * 1000

    values = {**values_from_config(compose([])), "seed": 3}
    twin_values = runner.twin_values(values)
    result = runner.run_values(values)  # burns in (cached from here on)
    run = CopModel(values, agents=False).run_to_end()
    twin = CopModel(twin_values, agents=False, columns=outputs.TWIN_COLUMNS).run_to_end()
    weekly = run.weekly_table()
    twin_out = outputs.twin_outcome(twin)
    summary = outputs.summarise(run, weekly, twin_out)

    def stepping(vals: dict, **kw: object) -> float:
        week, cop_model.WEEK = cop_model.WEEK, ()
        try:
            return ms(lambda: CopModel(vals, agents=False, **kw).run_to_end(), 3) - ms(
                lambda: CopModel(vals, agents=False, **kw), 3
            )
        finally:
            cop_model.WEEK = week

    store = SweepStore(Path(tempfile.mkdtemp()))
    record = {
        "point": "p",
        "config_hash": config_hash(values),
        "seed": 3,
        "job": 0,
        "tags": {},
        "choices": {},
        "values": values,
        "summary": result.summary,
        "localities": result.localities,
        "compute_seconds": 1.0,
        "provenance": {},
    }
    pieces = {
        "2 models' construction (burned-in state cached)": 2
        * ms(lambda: CopModel(values, agents=False)),
        "run: stepping without mechanisms (Mesa, collector, tallies)": stepping(values),
        "twin: stepping without mechanisms": stepping(twin_values, columns=outputs.TWIN_COLUMNS),
        "run: weekly_table": ms(run.weekly_table),
        "twin_outcome": ms(lambda: outputs.twin_outcome(twin)),
        "summarise": ms(lambda: outputs.summarise(run, weekly, twin_out)),
        "locality and agency summaries": ms(
            lambda: (
                outputs.locality_summaries(run, weekly, summary),
                outputs.agency_summaries(run),
            )
        ),
        "twin key": ms(lambda: runner._key(runner.twin_values(values)), 100),
        "burned-in state source (sweep over seeds)": ms(
            lambda: store.burn_ins.prepare(values), 100
        ),
        "record's config_hash": ms(lambda: config_hash(values), 100),
        "store.write_run": ms(lambda: store.write_run(record, weekly)),
    }
    for name, value in pieces.items():
        print(f"  {name}: {value:.2f} ms")
    print(f"outside the model, per run: {sum(pieces.values()):.1f} ms")


if __name__ == "__main__":
    main()
