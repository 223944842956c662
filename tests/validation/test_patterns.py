"""Pattern-oriented validation: each of the programme's patterns, over replicates.

Every experiment in experiments/ that states an expectation is run at its fixed seeds, and
each expectation must hold: its 95% interval lies entirely on the predicted side. These
tests only observe the model; nothing in the model knows about them.
"""

from __future__ import annotations

import pytest

from copsim.analysis.experiment import Experiment, available, check

WITH_EXPECTATIONS = [n for n in available() if Experiment.load(n).expect]


def test_every_pattern_of_the_brief_has_an_experiment():
    patterns = {Experiment.load(n).pattern for n in available()}
    assert set(range(1, 9)) <= patterns


@pytest.mark.slow
@pytest.mark.parametrize("name", WITH_EXPECTATIONS)
def test_pattern_holds(name):
    experiment = Experiment.load(name)
    runs = experiment.run(workers=2)
    checks = check(experiment, runs)
    failing = checks[~checks["holds"]]
    assert failing.empty, failing.to_string()
