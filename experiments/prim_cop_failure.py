"""Which conditions make a CoP fail to establish within a year? (EMA Workbench + PRIM)

Samples the history of joint working, trust dynamics and caseload (uncertainties) and the
programme's levers (broker hours, set-up weeks, protected time) with Latin hypercubes, runs
each experiment over several seeds, and asks PRIM for the box of conditions in which most
runs fail to establish a CoP within 52 weeks.

    python experiments/prim_cop_failure.py [--scenarios 200] [--replications 5]

Writes results/experiments/prim_cop_failure/: experiments.csv, the PRIM box limits and
statistics, and the peeling trade-off figure.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from ema_workbench import MultiprocessingEvaluator, SequentialEvaluator
from ema_workbench.analysis import prim

from copsim.ema import copsim_model
from copsim.runs.plotting import save

OUT = Path("results/experiments/prim_cop_failure")


def main() -> None:
    """Run the experiments and the scenario discovery."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=60)
    parser.add_argument("--seed", type=int, default=42, help="seed of the LHS sample")
    parser.add_argument("--sequential", action="store_true", help="no worker processes")
    args = parser.parse_args()

    # Levers are sampled with the uncertainties (as uncertainties), so each experiment is a
    # new point of the joint space and PRIM can box conditions and levers together.
    model = copsim_model(
        uncertainties={
            "site.joint_working_history": (0.1, 0.9),
            "trust.decay": (0.0, 0.05),
            "workforce.background_caseload": (30.0, 60.0),
            "brokerage.hours_per_week": (0.5, 15.0),
            "brokerage.setup_weeks": (0, 26),
            "nurture.protected_time": (0.0, 1.0),
        },
        outcomes=["established_within_year", "turnover_rate"],
        replications=args.replications,
        overrides=[f"weeks={args.weeks}"],
    )
    evaluator = SequentialEvaluator if args.sequential else MultiprocessingEvaluator
    with evaluator(model) as ev:
        experiments, outcomes = ev.perform_experiments(
            scenarios=args.scenarios, uncertainty_sampling_kwargs={"rng": args.seed}
        )
    x = experiments[[p.name for p in model.uncertainties]].copy()
    failed = outcomes["established_within_year"] < 0.5
    OUT.mkdir(parents=True, exist_ok=True)
    experiments.assign(**{k: v for k, v in outcomes.items()}).to_csv(
        OUT / "experiments.csv", index=False
    )
    print(f"{failed.mean():.0%} of {len(failed)} experiments fail to establish within a year")

    box = prim.Prim(x, failed, peel_alpha=0.1).find_box()
    trajectory = box.peeling_trajectory
    # The densest box that still covers at least half of the failures.
    eligible = trajectory[trajectory["coverage"] >= 0.5]
    chosen = int(eligible["density"].idxmax()) if len(eligible) else len(trajectory) - 1
    box.select(chosen)
    limits = box.box_lims[chosen]
    trajectory.to_csv(OUT / "peeling_trajectory.csv")
    pd.DataFrame(limits).to_csv(OUT / "box_limits.csv")
    print(
        f"PRIM box {chosen}: coverage {trajectory.loc[chosen, 'coverage']:.2f}, "
        f"density {trajectory.loc[chosen, 'density']:.2f}"
    )
    print(limits.to_string())
    box.show_tradeoff()
    save(plt.gcf(), str(OUT / "prim_tradeoff.png"))
    print(f"written to {OUT}")


if __name__ == "__main__":
    main()
