"""The programme as it was run: a funded set-up, then a CoP that must stand on its own.

For a set of seeds, prints what the funded set-up leaves behind at a poor-, typical- and
good-history site: when the CoP was established, its meetings before and after funding
ended, and whether it outlived its funding; then, at a poor-history site funded for 52
weeks, what the trust threshold changes, paired by seed.

    python experiments/programme_as_run.py [--seeds 95001-95010]
"""

from __future__ import annotations

import argparse

import copsim

SITES = {"poor": 0.2, "typical": 0.5, "good": 0.8}
PLANS = {
    "default (5 h/week, 104 weeks)": [],
    "12 h/week, 104 weeks": ["brokerage.hours_per_week=12"],
    "5 h/week, 52 weeks": ["brokerage.funded_weeks=52"],
}


def seeds_from(text: str) -> list[int]:
    """``a-b`` (inclusive) or a comma-separated list."""
    if "-" in text:
        lo, hi = (int(x) for x in text.split("-"))
        return list(range(lo, hi + 1))
    return [int(x) for x in text.split(",")]


def meetings_after(weekly, week: int) -> int:
    """Meetings held after ``week``."""
    held = weekly["cop_meetings"].to_numpy()
    return int(held[-1] - held[week])


def main() -> None:
    """Print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="95001-95010")
    seeds = seeds_from(parser.parse_args().seeds)
    print(
        "| site | plan | established within funding | week established (range) "
        "| meets in weeks 105-156 | outlived funding |"
    )
    print("|---|---|---|---|---|---|")
    for site, history in SITES.items():
        for plan, extra in PLANS.items():
            runs = [
                copsim.run([f"site.joint_working_history={history}", *extra], seed=s) for s in seeds
            ]
            funded = runs[0].values["brokerage.funded_weeks"]
            weeks = [r.summary["cop_established_week"] for r in runs]
            within = [w is not None and w <= funded for w in weeks]
            seen = [w for w in weeks if w is not None]
            span = f"{min(seen)}-{max(seen)}" if seen else "never"
            late = [meetings_after(r.weekly, 104) > 0 for r in runs]
            outlived = [r.summary["cop_outlived_funding"] > 0 for r in runs]
            print(
                f"| {site} | {plan} | {sum(within)}/{len(runs)} | {span} "
                f"| {sum(late)}/{len(runs)} | {sum(outlived)}/{len(runs)} |"
            )
    print()
    print("Poor-history site funded for 52 weeks: trust threshold 0.45 against 0.6, by seed")
    print()
    print(
        "| seed | weeks established (0.45 / 0.6) | meetings | last meeting "
        "| turnover (points) | expected turnover (points) | net benefit PV (GBP) |"
    )
    print("|---|---|---|---|---|---|---|")
    base = ["site=poor_history", "brokerage.funded_weeks=52"]
    for s in seeds:
        lo = copsim.run([*base, "cop.trust_threshold=0.45"], seed=s).summary
        hi = copsim.run([*base, "cop.trust_threshold=0.6"], seed=s).summary
        print(
            f"| {s} | {lo['weeks_established']} / {hi['weeks_established']} "
            f"| {lo['cop_meetings']} / {hi['cop_meetings']} "
            f"| {lo['cop_last_meeting_week']} / {hi['cop_last_meeting_week']} "
            f"| {100 * (lo['turnover_rate'] - hi['turnover_rate']):+.2f} "
            f"| {100 * (lo['expected_turnover_rate'] - hi['expected_turnover_rate']):+.2f} "
            f"| {lo['net_benefit_pv'] - hi['net_benefit_pv']:+,.0f} |"
        )


if __name__ == "__main__":
    main()
