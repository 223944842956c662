"""Parameter distributions attach to the schema by name and stay inside its ranges."""

from __future__ import annotations

import numpy as np
import pytest

from copsim.model.schema import SCHEMA
from copsim.model.uncertainty import GROUPS, UNCERTAINTY, Distribution, beta, gamma

REQUIRED = {
    "needs.support_protection",
    "crises.ed_attendance_rate",
    "crises.ed_attendance_cost",
    "workforce.replacement_cost",
    "cop.peer_support",
    "nurture.manager_effect",
    "trust.gain",
    "brokerage.hourly_cost",
    "workforce.turnover_at_zero_burnout",
}


@pytest.mark.parametrize("name", sorted(UNCERTAINTY))
def test_distribution_names_a_parameter_and_stays_in_its_range(name):
    assert name in SCHEMA, f"{name} is not a parameter"
    param, dist = SCHEMA[name], UNCERTAINTY[name]
    lo, hi = dist.support()
    assert param.low <= lo and hi <= param.high, f"{name}: {dist.describe()} leaves its range"
    draws = dist.ppf(np.linspace(0.001, 0.999, 50))
    assert np.all((draws >= param.low) & (draws <= param.high))
    assert dist.basis and dist.group in GROUPS


def test_the_issue_lists_uncertain_parameters():
    assert set(UNCERTAINTY) >= REQUIRED
    assert any(n.endswith("_rate") and n.startswith("crises.") for n in UNCERTAINTY)


def test_an_unbounded_support_is_caught():
    loose = Distribution("gamma", (2.5, 0.6), "x", GROUPS[0])
    assert loose.support()[1] == np.inf  # what the range test would reject
    assert gamma(2.5, 0.6, "x", GROUPS[0], (0.0, 50.0)).support() == (0.0, 50.0)


def test_families_have_the_declared_moments():
    d = gamma(126.0, 25.0, "x", GROUPS[0], (0.0, 10000.0))
    assert d.mean() == pytest.approx(126.0, rel=1e-3)
    b = beta(3.0, 6.0, "x", GROUPS[0], 0.0, 0.9)
    assert b.mean() == pytest.approx(0.3, rel=1e-3)
    assert b.support() == (0.0, 0.9)
