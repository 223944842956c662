import numpy as np
import pytest

from copsim.model.agents import PersonState
from copsim.model.cop_model import CopModel
from copsim.model.mechanisms import commissioner, economics, knowledge, outcomes


def test_reallocation_is_budget_neutral_and_follows_the_gaps():
    share = np.ones(6)
    gaps = np.array([10.0, 0, 0, 0, 0, 0])
    new = commissioner.reallocate(share, gaps, 0.1)
    assert new.sum() == pytest.approx(6.0)
    assert new[0] > 1 > new[1]
    assert np.array_equal(commissioner.reallocate(share, gaps, 0.0), share)
    assert np.array_equal(commissioner.reallocate(share, np.zeros(6), 0.1), share)
    size = np.array([5, 7, 9, 11, 13, 15])
    new = commissioner.reallocate(share, gaps, 0.1, size)
    assert (new * size).sum() == pytest.approx(size.sum())


def test_perception_is_exact_at_full_insight_and_noisy_without():
    gaps = np.array([10.0, 20.0, 30.0])
    z = np.array([1.0, -1.0, 0.5])
    assert np.allclose(commissioner.perceived(gaps, z, 1.0, 1.0), gaps)
    assert not np.allclose(commissioner.perceived(gaps, z, 1.0, 0.0), gaps)
    assert np.allclose(commissioner.perceived(gaps, z, 0.0, 0.0), gaps)


def test_without_insight_no_funding_moves():
    m = CopModel({"nurture.commissioner_engagement": 0.0, "weeks": 60}).run_to_end()
    assert m.commissioner.insight == 0 and m.commissioner.funding_moved == 0


def test_engaged_commissioner_moves_funding():
    m = CopModel({"nurture.commissioner_engagement": 1.0, "brokerage.hours_per_week": 8.0})
    m.run_to_end()
    assert m.commissioner.insight > 0 and m.commissioner.funding_moved > 0
    size = m.agencies.size
    assert (m.agencies.budget_share * size).sum() == pytest.approx(size.sum())
    df = m.weekly_table()
    assert (df["funded_posts"] == 60).all()  # budget-neutral in posts, every week


def test_knowledge_spreads_upwards_only():
    k = np.array([[0.2], [0.6]])
    out = knowledge.spread(k, np.array([[0.4], [0.4]]), 0.5)
    assert out[:, 0].tolist() == pytest.approx([0.3, 0.6])


def test_breadth_ignores_own_domain():
    m = CopModel({"burn_in_weeks": 0})
    assert knowledge.breadth(m) == pytest.approx(m.p.knowledge.other_domains)


def test_net_benefit_and_roi_against_twin():
    run = economics.Ledger(programme_cost=100, crisis_cost=800, turnover_cost=100)
    twin = economics.Ledger(programme_cost=0, crisis_cost=1000, turnover_cost=150)
    assert economics.net_benefit(run, twin) == 150
    assert economics.roi(run, twin) == 1.5
    assert economics.roi(twin, twin) is None


def test_outcome_states():
    sev = np.array([30.0, 30.0, 8.0, 20.0])
    ago = np.array([20.0, 30.0, 9.0, 25.0])
    crisis = np.array([False, False, False, True])
    got = outcomes.classify(sev, ago, crisis, 12.0)
    assert got.tolist() == [
        PersonState.UNSTABLE,
        PersonState.STABLE,
        PersonState.RECOVERED,
        PersonState.CRISIS,
    ]


@pytest.mark.parametrize("insight", [0.0, 1.0])
def test_misdirected_funding_is_what_a_noisy_view_gets_wrong(insight):
    m = CopModel({"nurture.commissioner_engagement": 1.0, "weeks": 30})
    while m.week < 12:
        m.step()
    m.commissioner.insight = insight / (1.0 - m.p.commissioner.insight_decay)  # after fading
    m.step()  # week 13: a review
    assert m.commissioner.funding_moved > 0
    if insight == 1.0:  # the true gaps seen: nothing misdirected
        assert m.commissioner.funding_misdirected == pytest.approx(0.0, abs=1e-12)
    else:
        assert m.commissioner.funding_misdirected > 0.01
