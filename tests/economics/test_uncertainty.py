"""Parameter distributions attach to the schema by name and stay inside its ranges; every
prior has its evidence, and every retention strength a prior."""

from __future__ import annotations

import re

import numpy as np
import pytest

from copsim.analysis.psa import POSTERIOR, PRIOR, calibrated_columns, uncertain
from copsim.model.schema import SCHEMA
from copsim.model.uncertainty import (
    CALIBRATION_PRIORS,
    EVIDENCE,
    GRADES,
    GROUPS,
    RETENTION_STRENGTHS,
    UNCERTAINTY,
    Distribution,
    beta,
    gamma,
    halfnormal,
)

PRIORS = {**UNCERTAINTY, **CALIBRATION_PRIORS}

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


@pytest.mark.parametrize("name", sorted(PRIORS))
def test_distribution_names_a_parameter_and_stays_in_its_range(name):
    assert name in SCHEMA, f"{name} is not a parameter"
    param, dist = SCHEMA[name], PRIORS[name]
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
    h = halfnormal(0.5, "x", GROUPS[0], (0.0, 5.0))
    assert h.mean() == pytest.approx(0.5 * np.sqrt(2 / np.pi), rel=1e-3)
    assert h.describe() == "halfnormal(scale 0.5, truncated to 0-5)"


def test_the_psa_draws_calibrated_inputs_from_the_posterior_and_the_rest_from_priors():
    assert not set(UNCERTAINTY) & set(CALIBRATION_PRIORS)
    calibrated = set(calibrated_columns(POSTERIOR))
    # Every calibration prior, every retention strength, comes from the posterior's sets.
    assert set(CALIBRATION_PRIORS) | set(RETENTION_STRENGTHS) <= calibrated
    assert set(uncertain([], POSTERIOR)) == set(UNCERTAINTY) - calibrated
    # --prior: every prior, the calibrated inputs' independently.
    assert set(uncertain([], PRIOR)) == set(UNCERTAINTY) | set(CALIBRATION_PRIORS)
    assert calibrated_columns(PRIOR) == []


@pytest.mark.parametrize("name", sorted(PRIORS))
def test_every_prior_has_its_evidence(name):
    ev = EVIDENCE[name]
    assert ev.study.strip() and ev.effect.strip() and ev.conversion.strip(), name
    assert ev.grade in GRADES, f"{name}: grade {ev.grade!r} not in {GRADES}"
    # A calibrated input says why its prior alone is not enough; the others need not.
    assert bool(ev.calibrated.strip()) == (name in CALIBRATION_PRIORS), name


def test_evidence_is_kept_for_priors_only():
    assert set(EVIDENCE) == set(PRIORS)


def test_every_retention_strength_has_a_prior():
    # Strengths acting on leaving or burnout, found by name so that a new one is caught; a
    # site's own manager support (and its spread) describes the site, and the nurture
    # levers (manager support, protected time) are the programme's choices, not strengths.
    strength = re.compile(r"embeddedness|buffering|peer_support|manager_effect$")
    found = {n for n, p in SCHEMA.items() if p.group != "site" and strength.search(n)}
    assert found <= set(RETENTION_STRENGTHS), found - set(RETENTION_STRENGTHS)
    assert {"cop.embeddedness", "workforce.embeddedness_ties"} <= found
    for name in RETENTION_STRENGTHS:
        assert name in SCHEMA and name in PRIORS, f"{name} has no prior"
