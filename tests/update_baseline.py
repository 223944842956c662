"""Regenerate the baseline regression file, tests/baselines/summaries.json.

Run it (``python tests/update_baseline.py``) only after a deliberate change to the model,
and say in the commit why the numbers moved; ``test_baseline.py`` fails until you do.
"""

from __future__ import annotations

import json
from pathlib import Path

BASELINE = Path(__file__).parent / "baselines" / "summaries.json"

CASES: dict[str, list[str]] = {
    "default": [],
    "no_cop": ["scenario=no_cop"],
    "poor_history_nurtured": ["site=poor_history", "scenario=cop_nurtured"],
    "good_history_unnurtured_cut": [
        "site=good_history",
        "scenario=cop_unnurtured",
        "events=[{week:52,set:{funding.agency_budget:0.8}}]",
    ],
}
SEEDS = (0, 1)


def compute() -> dict[str, dict]:
    """The summaries of every case and seed, as the baseline file holds them."""
    import copsim

    return {
        f"{name}/seed={seed}": copsim.run(overrides, seed=seed).summary
        for name, overrides in CASES.items()
        for seed in SEEDS
    }


def main() -> None:
    """Write the baseline file."""
    BASELINE.parent.mkdir(exist_ok=True)
    BASELINE.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {BASELINE}")


if __name__ == "__main__":
    main()
