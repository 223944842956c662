"""Benchmark (not a test): the scale check of a region.

A region of about 2,000 practitioners and 20,000 people in 10 localities (six agencies of
34 posts on average each, 2,000 places each), run for 156 weeks with moves between
agencies. Prints the seconds to build and burn in, to run, and the peak resident memory
(``ru_maxrss``). Measure the whole process with ``/usr/bin/time -v`` too:

    /usr/bin/time -v python benchmarks/bench_region.py [--burn-in WEEKS]
"""

from __future__ import annotations

import argparse
import resource
import time

from copsim.model.cop_model import CopModel

REGION = {
    "region.localities": 10,
    "site.people": 2000,
    "site.practitioners_per_agency": 34,
    "region.move_rate": 0.5,
    "weeks": 156,
}


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burn-in", type=int, help="burn_in_weeks (default: the schema's)")
    args = parser.parse_args()
    values = dict(REGION)
    if args.burn_in is not None:
        values["burn_in_weeks"] = args.burn_in
    start = time.perf_counter()
    model = CopModel(values)
    built = time.perf_counter() - start
    staff, people = int(model.posts.occupied.sum()), len(model.people)
    model.run_to_end()
    ran = time.perf_counter() - start - built
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"region: {model.n_localities} localities, {staff} practitioners in post at week 0, "
        f"{people} people; burn-in {model.p.burn_in_weeks} weeks"
    )
    print(f"  build and burn-in {built:.1f} s, 156 weeks {ran:.1f} s, total {built + ran:.1f} s")
    print(f"  peak resident memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
