"""Does the shipped posterior reproduce the targets it was calibrated to?

Runs ``--sets`` parameter sets of a shipped posterior with ``scenario=no_cop``, each on a
seed of its own that no test uses, and prints the mean over sets of turnover, vacancies and
the share of staff at risk of burnout (weekly, weeks 1-156), with the spread between sets,
beside issue 27's acceptance ranges; and the held-out drug and alcohol figures.

    python experiments/posterior_check.py [--posterior typical] [--sets 20] [--first-seed 97001]
"""

from __future__ import annotations

import argparse

import numpy as np

import copsim
from copsim import posterior

CHECKS = {
    "turnover_rate": (0.27, 0.33),
    "vacancy_rate": (0.06, 0.12),
    "share_at_risk_of_burnout_mean": (0.35, 0.65),
}
"""Issue 27's ranges for the mean over 20 sets."""

HELD_OUT = ("drug_alcohol_turnover_rate", "drug_alcohol_under_a_year")


def main() -> None:
    """Print the check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posterior", default="typical")
    parser.add_argument("--sets", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=97001)
    args = parser.parse_args()
    table = posterior.load(args.posterior)
    # Sets spread over the posterior (it is a resample: neighbouring rows may repeat).
    chosen = np.linspace(0, len(table) - 1, args.sets).round().astype(int)
    rows = []
    for i, k in enumerate(chosen):
        items = posterior.overrides(args.posterior, str(k))
        rows.append(copsim.run([*items, "scenario=no_cop"], seed=args.first_seed + i).summary)
    print(
        f"posterior={args.posterior}: {args.sets} sets ({', '.join(map(str, chosen))}), "
        f"scenario=no_cop, seeds {args.first_seed}-{args.first_seed + args.sets - 1}"
    )
    print("| quantity | mean over sets | sets' range | issue 27's range | met |")
    print("|---|---|---|---|---|")
    for name, (lo, hi) in CHECKS.items():
        values = np.array([r[name] for r in rows])
        mean = values.mean()
        print(
            f"| `{name}` | {mean:.1%} | {values.min():.1%}-{values.max():.1%} "
            f"| {lo:.0%}-{hi:.0%} | {'yes' if lo <= mean <= hi else 'no'} |"
        )
    for name in HELD_OUT:
        values = np.array([r[name] for r in rows], dtype=float)
        print(
            f"| `{name}` (held out) | {np.nanmean(values):.1%} | "
            f"{np.nanmin(values):.1%}-{np.nanmax(values):.1%} | | |"
        )


if __name__ == "__main__":
    main()
