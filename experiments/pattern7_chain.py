"""Lesson 4's chain, insight -> decisions -> outcomes, from pattern 7's runs.

Reads what ``copsim experiment pattern7_commissioning`` wrote (its runs and its runs under
the overturning setting, ``commissioner.perception_noise=0``, on the same seeds) and
prints, paired by seed, what the commissioner's noisy view costs with and without a CoP
(the engaged arms: noise 1 less noise 0), and the CoP's insight's gain: that cost without
a CoP less the cost with one. For funding_misdirected the gain is the insight's effect on
decisions; for unmet need and crises, on outcomes.

    python experiments/pattern7_chain.py [results/experiments/pattern7_commissioning]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from copsim.analysis.paired import paired_difference

OUTPUTS = ["funding_misdirected", "unmet_need_share", "crises_per_person_year"]


def main() -> None:
    """Print the table."""
    folder = Path(
        sys.argv[1] if len(sys.argv) > 1 else "results/experiments/pattern7_commissioning"
    )
    noisy = pd.read_parquet(folder / "runs.parquet")
    exact = pd.read_parquet(folder / "overturned" / "runs.parquet")

    def by_seed(runs: pd.DataFrame, config: str, output: str) -> pd.Series:
        return runs[runs["config"] == config].set_index("seed")[output].astype(float).sort_index()

    def text(d) -> str:
        return f"{d.mean:.3g} ({d.low:.3g} to {d.high:.3g})"

    print("| output | noise's cost, with a CoP | noise's cost, without | insight's gain |")
    print("|---|---|---|---|")
    for output in OUTPUTS:
        cost = {
            c: by_seed(noisy, c, output) - by_seed(exact, c, output)
            for c in ("engaged", "engaged, no CoP")
        }
        with_cop = paired_difference(cost["engaged"].to_numpy(), np.zeros(len(cost["engaged"])))
        without = cost["engaged, no CoP"]
        without_d = paired_difference(without.to_numpy(), np.zeros(len(without)))
        gain = paired_difference(without.to_numpy(), cost["engaged"].to_numpy())
        print(f"| {output} | {text(with_cop)} | {text(without_d)} | {text(gain)} |")


if __name__ == "__main__":
    main()
