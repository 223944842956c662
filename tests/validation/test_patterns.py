"""Pattern-oriented validation: each of the programme's patterns, over replicates.

Every experiment in experiments/ that states an expectation is run at its fixed seeds, and
each expectation must hold: its 95% interval lies entirely on the predicted side. These
tests only observe the model; nothing in the model knows about them.
"""

from __future__ import annotations

import pytest

from copsim.analysis.experiment import Experiment, available, check

WITH_EXPECTATIONS = [n for n in available() if Experiment.load(n).expect]

NO_LONGER_HOLD = {
    ("pattern8_value_for_money", "brokerage.hours_per_week=20 site.joint_working_history=0.5"),
    ("pattern8_value_for_money", "brokerage.hours_per_week=2 site.joint_working_history=0.2"),
    (
        "pattern2_setup_effort",
        "brokerage.hours_per_week=20 site.joint_working_history=0.2 brokerage.funded_weeks=104",
    ),
}
"""Expectations that no longer hold (pattern 8's since credible dynamics, issue 10; pattern
2's 20 broker hours since issue 24's defaults: +0.25, interval 0 to 0.5, over 12 seeds);
docs/results.md says why, with figures. They must still fail: if one holds again, the docs
are stale."""


def test_every_pattern_of_the_brief_has_an_experiment():
    patterns = {Experiment.load(n).pattern for n in available()}
    assert set(range(1, 9)) <= patterns


@pytest.mark.slow
@pytest.mark.parametrize("name", WITH_EXPECTATIONS)
def test_pattern_holds(name):
    experiment = Experiment.load(name)
    runs = experiment.run(workers=2)
    checks = check(experiment, runs)
    known = checks["config"].map(lambda c: (name, c) in NO_LONGER_HOLD)
    failing = checks[~checks["holds"] & ~known]
    assert failing.empty, failing.to_string()
    holding_again = checks[checks["holds"] & known]
    assert holding_again.empty, "holds again, update docs/results.md: " + holding_again.to_string()
