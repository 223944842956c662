import numpy as np
import pytest

from copsim.model.cop_model import CopModel
from copsim.model.domains import CRISIS_KINDS, DOMAINS, SEVERITY_MAX
from copsim.model.mechanisms import crises, needs


def test_severity_spans_the_ndt_scale():
    n = len(DOMAINS)
    assert SEVERITY_MAX == 48
    assert needs.severity(np.zeros((1, n)), np.ones(1))[0] == 0
    assert needs.severity(np.ones((1, n)), np.zeros(1))[0] == 48


def test_unsupported_active_needs_worsen_supported_ones_improve_quiet_ones_hold():
    level = np.array([[0.6, 0.6, 0.1]])
    sup = np.array([[False, True, False]])
    out = needs.drift(level, sup, np.array([0.8]), 0.01, 0.01, np.zeros((1, 3)), 0.35)
    assert out[0, 0] > 0.6  # active, unmet: worse
    assert out[0, 1] < 0.6  # active, supported: better
    assert out[0, 2] == pytest.approx(0.1)  # not an active need: unchanged


def test_improvement_scales_with_engagement():
    level = np.full((2, 1), 0.6)
    sup = np.ones((2, 1), dtype=bool)
    out = needs.drift(level, sup, np.array([0.2, 1.0]), 0.0, 0.02, np.zeros((2, 1)), 0.35)
    assert out[1, 0] < out[0, 0] < 0.6


def test_key_worker_supports_their_own_domain(small_model):
    m = small_model
    sup = needs.supported(m)
    kw = m.people.key_worker
    has = (kw >= 0).nonzero()[0]  # the people allocated a key worker
    assert len(has) > len(kw) / 2
    own = m.agencies.domain[m.posts.agency[kw[has]]]
    assert sup[has, own].all()


def test_crisis_probability_rises_with_need_and_falls_with_coverage():
    rates = np.ones(len(CRISIS_KINDS)) * 2.0
    low, high = np.full((1, len(DOMAINS)), 0.2), np.full((1, len(DOMAINS)), 0.8)
    p_low = crises.weekly_probability(low, np.zeros(1), rates, 0.5)
    p_high = crises.weekly_probability(high, np.zeros(1), rates, 0.5)
    p_covered = crises.weekly_probability(high, np.ones(1), rates, 0.5)
    assert np.all(p_high > p_low)
    hazard_high = -np.log(1 - p_high)
    assert np.allclose(p_covered, 1 - np.exp(-hazard_high * 0.5))  # half the hazard


def test_coverage_is_share_of_active_needs_met():
    lv = np.array([[0.8, 0.8, 0.1, 0.1], [0.1, 0.1, 0.1, 0.1]])
    met = np.array([[True, False, True, False], [False] * 4])
    assert crises.coverage(lv, met, 0.35).tolist() == [0.5, 1.0]


def test_crises_are_charged_at_unit_costs_and_raise_needs():
    m = CopModel({"crises.ed_attendance_rate": 50.0, "weeks": 5, "brokerage.hours_per_week": 0})
    before = m.people.needs.copy()
    m.steps = 1
    crises.step(m)
    assert m.totals.crisis_events > 0
    assert m.ledger.crisis_cost >= m.totals.crisis_events * min(crises.unit_costs(m.p))
    hit = m.people.last_crisis == 1
    assert np.all(m.people.needs[hit].sum(axis=1) >= before[hit].sum(axis=1))


def test_fade_releases_a_share_of_what_is_left_each_week():
    shock = np.array([[0.04, 0.0], [0.02, 0.01]])
    left = shock.copy()
    released = sum(needs.fade(left, 10) for _ in range(5))
    assert np.allclose(left, shock * 0.9**5)
    assert np.allclose(released + left, shock)  # nothing lost or made


def _quiet(**extra) -> CopModel:
    """A model whose needs move only by crises and their fading."""
    return CopModel(
        {
            "needs.noise": 0.0,
            "needs.deterioration": 0.0,
            "needs.improvement": 0.0,
            "crises.ed_attendance_rate": 50.0,
            "brokerage.hours_per_week": 0,
            "burn_in_weeks": 0,
            **extra,
        },
        agents=False,
    )


@pytest.mark.parametrize("weeks", [0, 4])
def test_a_crisis_rise_lasts_or_fades_with_crisis_shock_weeks(weeks):
    m = _quiet(**{"needs.crisis_shock_weeks": weeks})
    m.steps = 1
    before = m.people.needs.copy()
    crises.step(m)
    rise = m.people.needs - before
    assert rise.max() > 0
    assert np.array_equal(m.people.shock, rise if weeks else np.zeros_like(rise))
    for week in range(2, 8):
        m.steps = week
        needs.step(m)
    # Rises kept for good, or released at a quarter of what is left a week.
    expected = rise if weeks == 0 else rise * 0.75**6
    assert np.allclose(m.people.needs - before, expected)


def test_a_newcomer_brings_no_rise_of_the_person_before():
    from copsim.model.mechanisms import cohort

    m = _quiet(**{"needs.crisis_shock_weeks": 10})
    m.steps = 1
    crises.step(m)
    places = m.people.shock.sum(axis=1).nonzero()[0][:3]
    assert len(places) == 3
    cohort.admit(m, places)
    assert not m.people.shock[places].any()
