"""The statistics of benchmarks/bench_crn.py (issue 24's yardstick) on synthetic data."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from benchmarks.bench_crn import (
    NB_PARTS,
    fate_changes,
    identical_share,
    paired_spread,
    parse_seeds,
    parts_spread,
    psa_folder_values,
    replicates_needed,
)

from copsim.analysis.psa_replicates import anova_blocked, anova_split, replicates_for_mc_share


def test_seeds_are_ranges_and_lists():
    assert parse_seeds("91001-91003") == [91001, 91002, 91003]
    assert parse_seeds("1-2,7") == [1, 2, 7]
    with pytest.raises(ValueError):
        parse_seeds("5-3")


def test_paired_spread_is_the_sd_of_the_differences_seed_by_seed():
    base = np.array([10.0, 20.0, 30.0, 40.0])
    x = base + np.array([1.0, -1.0, 3.0, -3.0])
    spread = paired_spread(x, base)
    assert spread["mean"] == 0.0
    assert spread["sd"] == pytest.approx(math.sqrt(20 / 3))  # (1 + 1 + 9 + 9) / (4 - 1)
    assert (spread["min"], spread["max"], spread["n"]) == (-3.0, 3.0, 4)
    # A shift common to every seed is no noise, however large the spread between seeds.
    assert paired_spread(base + 5.0, base)["sd"] == 0.0


def test_replicates_needed_for_a_one_point_interval():
    # SD 0.0131: (1.96 x 0.0131 / 0.01)^2 = 6.59..., so 7 replicates.
    assert replicates_needed(0.0131) == 7
    assert replicates_needed(0.0131, z=1.96) == math.ceil((1.96 * 0.0131 / 0.01) ** 2)
    # Exactly on a whole number, no replicate more: (1.96 x 0.01 / 0.0196)^2 = 1.
    assert replicates_needed(0.01, half_width=0.0196, z=1.96) == 1
    assert replicates_needed(0.0) == 1
    assert replicates_needed(0.05, half_width=0.01, z=2.0) == 100


def test_anova_splits_a_balanced_design_into_its_known_components():
    # Draw means -1, 0, 1 (between-draw variance 1); within each draw +/- 2 (variance 8).
    values = np.array([[m - 2.0, m + 2.0] for m in (-1.0, 0.0, 1.0)])
    split = anova_split(values)
    assert split["msw"] == pytest.approx(8.0)  # 3 draws x (4 + 4) / (3 x 1)
    assert split["msb"] == pytest.approx(2.0)  # 2 x (1 + 0 + 1) / 2
    assert split["between"] == pytest.approx((2.0 - 8.0) / 2)
    assert split["mc_sd"] == pytest.approx(2.0)  # sqrt(8 / 2)
    assert (split["draws"], split["replicates"]) == (3, 2)


def test_anova_recovers_the_variances_it_was_simulated_with():
    rng = np.random.default_rng(7)
    means = rng.normal(0.0, 3.0, size=(4000, 1))  # between variance 9
    values = means + rng.normal(0.0, 6.0, size=(4000, 5))  # within variance 36
    split = anova_split(values)
    assert split["within"] == pytest.approx(36.0, rel=0.03)
    assert split["between"] == pytest.approx(9.0, rel=0.1)
    # MC error variance 36 / n at most 10% of 9: n >= 40.
    assert replicates_for_mc_share(36.0, 9.0) == 40
    assert replicates_for_mc_share(36.0, 9.0, share=0.5) == 8


def test_blocked_anova_takes_the_seeds_shared_effect_out_of_the_noise():
    rng = np.random.default_rng(8)
    means = rng.normal(0.0, 3.0, size=(4000, 1))  # between variance 9
    seeds = np.array([[-15.0, -5.0, 0.0, 5.0, 15.0]])  # the same five seeds in every draw
    values = means + seeds + rng.normal(0.0, 2.0, size=(4000, 5))  # residual variance 4
    blocked = anova_blocked(values)
    assert blocked["residual"] == pytest.approx(4.0, rel=0.05)
    assert blocked["between"] == pytest.approx(9.0, rel=0.1)
    assert blocked["seed"] == pytest.approx(seeds.var(ddof=1), rel=0.05)
    # The one-way split counts the seeds' shared effect as within-draw noise.
    assert anova_split(values)["within"] > 20 * blocked["residual"]
    with pytest.raises(ValueError):
        anova_blocked(np.ones((1, 4)))


def test_anova_needs_two_draws_of_two_replicates():
    with pytest.raises(ValueError):
        anova_split(np.ones((1, 4)))
    with pytest.raises(ValueError):
        anova_split(np.ones((4, 1)))


def test_no_replicates_suffice_without_variance_between_draws():
    assert replicates_for_mc_share(5.0, 0.0) is None
    assert replicates_for_mc_share(5.0, -1.0) is None


def test_identical_share_counts_places_alike_in_every_week():
    a = np.array([[0, 1, 0, 2], [1, 0, 0, 0]])
    b = np.array([[0, 1, 1, 2], [1, 0, 0, 1]])
    assert identical_share(a, b) == 0.5  # places 0 and 1


def test_a_psa_folder_is_read_as_draws_by_the_seeds_every_draw_has(tmp_path):
    rows = [
        {"draw": d, "seed": s, "net_benefit_pv": 10.0 * d + s, "other": 0.0}
        for d in range(3)
        for s in range(4)
        if (d, s) != (2, 3)  # a draw still running: seed 3 is left out for all
    ]
    pd.DataFrame(rows).to_parquet(tmp_path / "psa.parquet")
    values = psa_folder_values(tmp_path)
    assert values.tolist() == [[0, 1, 2], [10, 11, 12], [20, 21, 22]]


def _summary(crises, turnover, programme, staff):
    parts = dict(zip((n for n, _ in NB_PARTS), (crises, turnover, programme, staff), strict=True))
    return {**parts, "net_benefit_pv": crises + turnover - programme - staff}


def test_parts_spread_splits_the_net_benefit_noise_by_where_it_comes_from():
    base = [_summary(100.0, 50.0, 30.0, 20.0) for _ in range(4)]
    # Only crisis savings move, by +/-1 and +/-3: their SD is the total's; covariances none.
    nudged = [_summary(100.0 + d, 50.0, 30.0, 20.0) for d in (1.0, -1.0, 3.0, -3.0)]
    spread = parts_spread(nudged, base)
    assert spread["savings_crises_pv"] == pytest.approx(math.sqrt(20 / 3))
    assert spread["savings_turnover_pv"] == spread["staff_time_cost_pv"] == 0.0
    assert spread["correlation"] == pytest.approx(0.0)
    # Staff time rising with crisis savings offsets them (a cost is subtracted): the total
    # moves less than its parts, so the covariances take variance away.
    offset = [_summary(100.0 + d, 50.0, 30.0, 20.0 + d / 2) for d in (1.0, -1.0, 3.0, -3.0)]
    assert parts_spread(offset, base)["correlation"] < 0


def test_fate_changes_count_the_seeds_whose_membership_or_leavers_differ():
    def row(nb, members, leavers):
        return {"net_benefit_pv": nb, "cop_member_weeks": members, "leavers_total": leavers}

    base = [row(0.0, 100.0, 10.0) for _ in range(4)]
    nudged = [row(1.0, 102.0, 10.0), row(-1.0, 100.0, 10.0), row(50.0, 98.0, 11.0)]
    nudged.append(row(3.0, 104.0, 10.0))
    g = fate_changes(nudged, base)
    assert g["cop_member_weeks"]["differs"] == 0.75
    assert g["cop_member_weeks"]["mean"] == pytest.approx(1.0)
    assert g["leavers_total"] == {"differs": 0.25, "mean": 0.25, "sd": pytest.approx(0.5)}
    # The seed whose leavers differ (and whose net benefit moved most) is left out.
    assert g["nb_sd_same_leavers"] == pytest.approx(np.std([1.0, -1.0, 3.0], ddof=1))
    assert fate_changes(nudged[2:3] * 2, base[:2])["nb_sd_same_leavers"] is None


def test_parts_spread_refuses_parts_that_do_not_add_up():
    bad = {**_summary(100.0, 50.0, 30.0, 20.0), "net_benefit_pv": 0.0}
    with pytest.raises(ValueError, match="parts add to"):
        parts_spread([bad, bad], [bad, bad])


def test_the_parts_add_up_to_net_benefit_in_every_baseline_summary():
    baselines = Path(__file__).parent / "baselines" / "summaries.json"
    summaries = [s for s in json.loads(baselines.read_text()).values() if isinstance(s, dict)]
    assert summaries
    for row in summaries:
        total = sum(sign * row[name] for name, sign in NB_PARTS)
        assert total == pytest.approx(row["net_benefit_pv"], rel=1e-9, abs=1e-6)
