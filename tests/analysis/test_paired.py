import numpy as np
import pytest

from copsim.analysis import compare, describe, paired_difference, run_configurations

OUTPUTS = ["turnover_rate", "burnout_mean", "crises_per_person_year", "cross_agency_trust"]

# Each runs many models (compare, sensitivity, calibration): the full tier, `make test`.
pytestmark = pytest.mark.slow


def test_identical_samples_give_exactly_zero():
    x = np.array([0.3, 0.5, 0.2, 0.4])
    d = paired_difference(x, x.copy())
    assert (d.mean, d.low, d.high, d.effect_size, d.effect_size_paired) == (0, 0, 0, 0, 0)


def test_paired_difference_of_a_constant_shift():
    base = np.array([0.3, 0.5, 0.2, 0.4, 0.9])
    d = paired_difference(base + 0.1, base)
    assert d.mean == pytest.approx(0.1)
    assert d.low == pytest.approx(0.1) and d.high == pytest.approx(0.1)
    assert d.unpaired_low < 0.1 < d.unpaired_high  # without pairing the shift is blurred
    assert d.n == 5


def test_missing_values_are_dropped_in_pairs():
    d = paired_difference(np.array([1.0, np.nan, 3.0]), np.array([0.0, 1.0, np.nan]))
    assert d.n == 1 and d.mean == 1.0


@pytest.fixture(scope="module")
def runs():
    configs = {
        "typical": ["site=typical", "weeks=60"],
        "typical again": ["site.joint_working_history=0.5", "weeks=60"],
        "poor history": ["site=poor_history", "weeks=60"],
    }
    return run_configurations(configs, replicates=12, workers=2)


def test_identical_configurations_differ_by_exactly_zero(runs):
    diffs = compare(runs, baseline="typical", outputs=runs.outputs)
    same = diffs[diffs["config"] == "typical again"]
    assert len(same) == len(runs.outputs)
    assert (same[["mean", "low", "high"]].fillna(0) == 0).all().all()


def test_paired_interval_is_narrower_than_unpaired(runs):
    diffs = compare(runs, baseline="typical", outputs=OUTPUTS).set_index("output")
    poor = diffs[diffs["config"] == "poor history"]
    paired_width = poor["high"] - poor["low"]
    unpaired_width = poor["unpaired_high"] - poor["unpaired_low"]
    assert (paired_width < unpaired_width).all(), poor[
        ["low", "high", "unpaired_low", "unpaired_high"]
    ]


def test_describe_gives_mean_median_and_interval(runs):
    stats = describe(runs, ["turnover_rate"])
    assert set(stats["config"]) == set(runs.configs)
    row = stats.iloc[0]
    assert row["low"] <= row["median"] <= row["high"] and row["n"] == 12
    assert row["mean_low"] <= row["mean"] <= row["mean_high"]


def test_baseline_must_name_one_configuration(runs):
    with pytest.raises(ValueError, match="matches 0"):
        runs.resolve("weeks=60")
