"""Experiment files are well formed and their derived outputs compute."""

import pytest

from copsim.analysis.experiment import Experiment, add_derived, available
from copsim.analysis.replicates import run_configurations
from copsim.model.schema import ConfigError


@pytest.mark.parametrize("name", available())
def test_experiment_loads(name):
    experiment = Experiment.load(name)
    assert experiment.title and experiment.configurations
    assert experiment.baseline in experiment.configurations
    if experiment.expect:  # a pattern names the result that would falsify it
        assert experiment.falsified_if


def test_derived_outputs():
    runs = run_configurations(
        {"cop": ["weeks=30", "brokerage.hours_per_week=10"]}, replicates=2, workers=1
    )
    add_derived(
        runs,
        [
            "cross_agency_ties@10",
            "cop_attendance@13-30",
            "established_within@20",
            "establishment_week",
            "share_maintained minus share_recovered_followed",
        ],
    )
    s = runs.summary
    weekly = runs.weekly[runs.weekly["seed"] == s["seed"][0]].set_index("week")
    assert s["cross_agency_ties@10"][0] == weekly.loc[10, "cross_agency_ties"]
    assert s["cop_attendance@13-30"][0] == pytest.approx(weekly.loc[13:30, "cop_attendance"].mean())
    assert set(s["established_within@20"]) <= {0.0, 1.0}
    assert (s["establishment_week"] <= 31).all()
    assert s["share_maintained minus share_recovered_followed"][0] == pytest.approx(
        s["share_maintained"][0] - s["share_recovered_followed"][0]
    )
    with pytest.raises(ConfigError):
        add_derived(runs, ["nonsense"])


def test_unknown_experiment_is_a_clear_error():
    with pytest.raises(ConfigError, match="pattern1_ties_and_trust"):
        Experiment.load("pattern9")
