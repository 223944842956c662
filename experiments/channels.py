"""The CoP's effect with each heterogeneity and retention channel switched off alone.

Runs the default CoP (scenario ``cop``) against its no-CoP twin (same site and seed) with
every heterogeneity at its default, then with each switched to homogeneous or each channel
to zero on its own, then with all of them off, and prints a markdown table of the CoP's
effect on turnover, leavers and net benefit (discounted, with practitioners' time and
set-up: ``net_benefit_pv``; mean and 95% t interval over the seeds). With every channel
that has a strength off, what is left is joined-up work (fewer failed referrals and crises
lower demand), which has no strength of its own (docs/ODD.md). The table in
docs/results.md is its output.

    python experiments/channels.py [--seeds 8]
"""

from __future__ import annotations

import argparse

import numpy as np

from copsim.analysis.plan import mean_interval
from copsim.model.schema import validate
from copsim.runs.runner import run_values

SWITCHES: dict[str, dict[str, float]] = {
    "all on (defaults)": {},
    "agency sizes equal": {"site.agency_size_spread": 0.0},
    "manager support equal": {"site.manager_support_spread": 0.0},
    "resilience equal": {"workforce.resilience_spread": 0.0},
    "sector rates equal": {"workforce.sector_differences": 0.0},
    "crisis proneness equal": {"needs.crisis_proneness_cv": 0.0},
    "no peer support": {"cop.peer_support": 0.0},
    "no stress buffering": {"cop.stress_buffering": 0.0},
    "no embeddedness (ties)": {"workforce.embeddedness_ties": 0.0},
    "no embeddedness (CoP)": {"cop.embeddedness": 0.0},
    "no nurture raise of manager support": {"nurture.manager_support": 0.0},
}
SWITCHES["all off"] = {k: v for d in list(SWITCHES.values())[1:] for k, v in d.items()}


def interval(values: list[float], digits: str = ".3g") -> str:
    """Mean and 95% t interval (:func:`copsim.analysis.plan.mean_interval`), as text."""
    mean, low, high = mean_interval(values)
    return f"{mean:{digits}} ({low:{digits}} to {high:{digits}})"


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=8)
    seeds = parser.parse_args().seeds
    print(
        "| configuration | no-CoP turnover | turnover avoided (points) | leavers avoided "
        "| net benefit, discounted, full cost (GBP) |"
    )
    print("|---|---|---|---|---|")
    for label, extra in SWITCHES.items():
        rows = [
            run_values({**validate({**extra, "seed": s}), "events": []}).summary
            for s in range(seeds)
        ]
        base = np.mean([r["turnover_rate"] + r["turnover_avoided"] for r in rows])
        print(
            f"| {label} | {100 * base:.1f}% "
            f"| {interval([100 * r['turnover_avoided'] for r in rows], '.2f')} "
            f"| {interval([r['leavers_avoided'] for r in rows], '.1f')} "
            f"| {interval([r['net_benefit_pv'] for r in rows], ',.0f')} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
