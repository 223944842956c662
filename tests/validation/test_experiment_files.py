"""Experiment files are well formed and their derived outputs compute."""

import pandas as pd
import pytest
import yaml

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


def test_overturning_setting_is_run_and_reported(tmp_path, capsys):
    """overturned_by: every configuration again with the setting, the same checks, a verdict."""
    from copsim.analysis.commands import experiment_command
    from copsim.analysis.experiment import falsified

    path = tmp_path / "tiny.yaml"
    path.write_text(
        "title: tiny\n"
        "fixed: [weeks=20]\n"
        "configurations:\n"
        "  no broker: [brokerage.hours_per_week=0.0]\n"
        "  broker: [brokerage.hours_per_week=10.0]\n"
        "baseline: no broker\n"
        "replicates: 3\n"
        "outputs: [cross_agency_ties]\n"
        "expect:\n"
        "  - {config: broker, output: cross_agency_ties, sign: +}\n"
        "falsified_if: the broker adds no ties\n"
        "overturned_by:\n"
        "  setting: [brokerage.funded_weeks=0]\n"
        "  note: a broker who is never paid introduces nobody\n"
    )
    experiment = Experiment.load(path)
    assert experiment.overturned_by == ["brokerage.funded_weeks=0"]
    assert experiment.overturned_configurations["broker"][-1] == "brokerage.funded_weeks=0"
    experiment_command([str(path), "--out", str(tmp_path / "out"), "--workers", "1"])
    printed = capsys.readouterr().out
    assert "holds: broker: cross_agency_ties" in printed
    assert "Under the overturning setting brokerage.funded_weeks=0" in printed
    assert "falsified if: MET there" in printed
    folder = tmp_path / "out" / "tiny"
    over = pd.read_csv(folder / "expectations_overturned.csv")
    assert not over["holds"].any() and falsified(experiment, over)
    readme = (folder / "README.md").read_text()
    assert "## Under the overturning setting" in readme and "**met**" in readme


@pytest.mark.parametrize(
    "value",
    [["weeks=5"], {"note": "no setting"}, {"setting": "weeks=5"}, {"setting": [], "note": "x"}],
)
def test_overturned_by_malformed_is_a_clear_error(tmp_path, value):
    path = tmp_path / "bad.yaml"
    body = {"configurations": {"a": ["weeks=5"]}, "overturned_by": value}
    path.write_text(yaml.safe_dump(body))
    with pytest.raises(ConfigError, match="overturned_by"):
        Experiment.load(path)
