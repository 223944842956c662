import numpy as np
import pytest

from copsim.model.cop_model import CopModel
from copsim.model.mechanisms import funding, workforce
from copsim.model.schema import SCHEMA
from copsim.runs.runner import run_side_by_side


def test_weekly_probability_compounds_to_the_annual_one():
    p_week = workforce.weekly_from_annual(0.3)
    assert 1 - (1 - p_week) ** 52 == pytest.approx(0.3)


def test_burnout_is_a_bounded_stock_filled_by_demand_drained_by_support():
    b = np.array([0.4, 0.4, 0.4])
    nxt = workforce.burnout_next(b, np.array([1.0, 2.0, 1.0]), np.array([1, 1, 2.0]), 0.03, 0.05)
    assert nxt[1] > nxt[0] > nxt[2]
    extreme = workforce.burnout_next(np.array([0.99]), np.array([100.0]), np.ones(1), 0.5, 0.0)
    assert 0 <= extreme[0] <= 1


def test_leaving_rises_with_burnout_and_in_the_first_year():
    p = workforce.leaving_probability(
        np.array([0.0, 1.0, 0.0]), np.array([100, 100, 10]), 0.2, 3.0, 1.5
    )
    assert p[1] == pytest.approx(3 * p[0])
    assert p[2] == pytest.approx(1.5 * p[0])


def test_leavers_lose_their_ties_and_their_people_lose_continuity():
    m = CopModel({"brokerage.hours_per_week": 10.0, "weeks": 30})
    for _ in range(20):
        m.step()
    post = int(np.argmax(m.posts.caseload))
    clients = np.flatnonzero(m.people.key_worker == post)
    engagement = m.people.engagement[clients].copy()
    n_agents = len(m.agents)
    workforce.depart(m, np.array([post]))
    a, b, _, _ = m.ties.view()
    assert post not in a and post not in b
    assert np.all(m.people.key_worker[clients] == -1)
    assert np.all(m.people.engagement[clients] < engagement)
    assert len(m.agents) == n_agents - 1 and m.practitioners[post] is None
    assert m.ledger.turnover_cost == m.totals.leavers * m.p.workforce.replacement_cost


def test_hires_fill_funded_vacancies_only_and_start_with_less_knowledge():
    m = CopModel({"workforce.hiring_lag_weeks": 1.0})
    staff = np.flatnonzero(m.posts.occupied & (m.posts.agency == 0))
    workforce.depart(m, staff[:4])
    stay = len(staff) - 4
    m.agencies.funded[0] = stay + 2  # a cut: only two of the four posts are still funded
    workforce.hire(m)
    new = np.flatnonzero(m.posts.occupied & (m.posts.agency == 0))
    assert len(new) == stay + 2
    hired = np.setdiff1d(new, staff[4:])
    assert np.all(m.posts.knowledge[hired, 0] < m.p.knowledge.own_domain)
    assert not m.posts.member[hired].any()


def test_funded_posts_follow_budget_within_reserved_posts():
    out = funding.funded_posts(10 * np.array([0.04, 0.8, 1.0, 9.0]), 25)
    assert out.tolist() == [1, 8, 10, 25]


def test_funded_posts_keep_the_rounded_total():
    budget = np.array([9.6, 10.4, 10.5, 9.5, 10.0, 10.0])  # 60 in all
    out = funding.funded_posts(budget, 25)
    assert out.sum() == 60 and np.all(np.abs(out - budget) < 1)


def vacant_posts_reference(agencies, posts):
    """Each agency's first ``funded - in post`` empty posts, agency by agency."""
    out = []
    for a in range(len(agencies)):
        block = np.arange(agencies.first_post[a], agencies.first_post[a] + agencies.n_posts)
        staff = int(posts.occupied[block].sum())
        empty = block[~posts.occupied[block]]
        out.extend(empty[: max(0, int(agencies.funded[a]) - staff)].tolist())
    return np.array(out, dtype=np.int64)


def test_vacant_posts_equals_the_plain_rule_on_random_states():
    m = CopModel({"brokerage.hours_per_week": 0, "site.agencies_per_type": 2}, agents=False)
    rng = np.random.default_rng(1)
    for _ in range(100):
        m.posts.occupied[:] = rng.random(len(m.posts)) < rng.random()
        m.agencies.funded = rng.integers(0, m.agencies.n_posts + 1, len(m.agencies))
        got = m.agencies.vacant_posts(m.posts)
        assert got.tolist() == vacant_posts_reference(m.agencies, m.posts).tolist()


def test_base_hazard_is_kept_until_its_parameters_change():
    m = CopModel({"brokerage.hours_per_week": 0}, agents=False)

    def fresh():
        domain = m.agencies.domain[m.posts.agency]
        w = m.p.workforce
        rates = workforce.sector_turnover(w.turnover_at_zero_burnout, domain, w.sector_differences)
        return workforce.weekly_from_annual(rates)

    assert np.array_equal(workforce.base_hazard(m), fresh())
    m.p.set("workforce.turnover_at_zero_burnout", 0.4)  # as a policy event does
    assert np.array_equal(workforce.base_hazard(m), fresh())


def test_funded_posts_kept_from_last_week_equal_fresh_ones():
    m = CopModel({"brokerage.hours_per_week": 0}, agents=False)
    for budget in (1.0, 1.0, 0.8, 0.8, 1.3):
        m.p.set("funding.agency_budget", budget)
        funding.step(m)
        fresh = funding.funded_posts(
            budget * m.agencies.size * m.agencies.budget_share, m.agencies.n_posts
        )
        assert m.agencies.funded.tolist() == fresh.tolist()
        m.agencies.funded[0] = 0  # a change to this week's copy reaches no later week


def test_expected_leavers_add_each_weeks_leaving_probabilities_of_the_staff_in_post():
    # Every hazard the same (no burnout, starter, sector or embeddedness effect): a week's
    # expected leavers are the staff in post times the weekly hazard.
    m = CopModel(
        {
            "burn_in_weeks": 0,
            "brokerage.hours_per_week": 0,
            "workforce.burnout_leave_ratio": 1.0,
            "workforce.new_starter_leave_ratio": 1.0,
            "workforce.sector_differences": 0.0,
            "workforce.embeddedness_ties": 0.0,
            "workforce.turnover_at_zero_burnout": 0.3,
        }
    )
    hazard = workforce.weekly_from_annual(0.3)
    expected = 0.0
    for week in range(1, 6):
        in_post = int(m.posts.occupied.sum())
        m.steps = week
        workforce.step(m)
        expected += in_post * hazard
    assert m.totals.expected_leavers == pytest.approx(expected, rel=1e-12)


@pytest.mark.slow
def test_expected_turnover_is_the_realised_turnover_on_average():
    values = {n: p.default for n, p in SCHEMA.items()}
    values.update(events=[], burn_in_weeks=26, weeks=52)
    rows = [r.summary for r in run_side_by_side([{**values, "seed": s} for s in range(40)])]
    gap = np.array([r["turnover_rate"] - r["expected_turnover_rate"] for r in rows])
    # Realised leavers are draws below the hazards the expected ones sum: equal on average.
    assert abs(gap.mean()) < 3 * gap.std(ddof=1) / np.sqrt(len(gap))
    # ... and the expected one has none of the draws' luck: its spread is the hazards'.
    expected = np.array([r["expected_turnover_rate"] for r in rows])
    assert expected.std(ddof=1) < np.array([r["turnover_rate"] for r in rows]).std(ddof=1)
