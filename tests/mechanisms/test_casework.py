import numpy as np

from copsim.model.cop_model import CopModel
from copsim.model.mechanisms import casework


def test_referral_success_rises_with_trust_knowledge_and_capacity():
    f = casework.referral_success
    one = np.ones(1)
    base = f(one.astype(bool), one * 0.3, one * 0.3, one * 0.7, 0.5)
    assert f(one.astype(bool), one * 0.8, one * 0.3, one * 0.7, 0.5) > base
    assert f(one.astype(bool), one * 0.3, one * 0.8, one * 0.7, 0.5) > base
    assert f(one.astype(bool), one * 0.3, one * 0.3, one * 1.0, 0.5) > base
    no_tie = f(np.zeros(1, bool), one * 0.9, one * 0.3, one * 0.7, 0.5)
    assert no_tie < base  # any tie beats the front door


def test_exclusion_more_likely_at_higher_severity():
    p = casework.exclusion_probability(np.array([10.0, 40.0]), 0.3, 48.0)
    assert p[1] > p[0] and p[1] <= 0.3


def test_capacity_is_at_most_one_and_falls_with_vacancies():
    m = CopModel({"brokerage.hours_per_week": 0})
    casework.refresh_caseloads(m)
    assert np.all(m.agencies.capacity <= 1.0)
    full = m.agencies.capacity[0]
    staff = np.flatnonzero(m.posts.occupied & (m.posts.agency == 0))
    m.posts.occupied[staff[:5]] = False
    casework.refresh_caseloads(m)
    assert m.agencies.capacity[0] < full
    assert m.posts.pressure[staff[5]] > 0


def test_key_workers_go_to_the_least_loaded_at_the_agency_of_greatest_need():
    m = CopModel({"brokerage.hours_per_week": 0, "burn_in_weeks": 0})
    people = m.people
    primary = np.argmax(people.needs, axis=1)
    target = people.home_agency[np.arange(len(people)), primary]
    assert np.all(m.posts.agency[people.key_worker] == target)
    loads = np.bincount(people.key_worker, minlength=len(m.posts))
    for agency in range(len(m.agencies)):
        staff = np.flatnonzero(m.posts.occupied & (m.posts.agency == agency))
        assert loads[staff].max() - loads[staff].min() <= 1


def test_failed_referrals_bounce_or_exclude_and_count_as_demand():
    m = CopModel(
        {
            "casework.attempt_rate": 1.0,
            "casework.cold_referral": 0.0,
            "site.cross_ties_per_practitioner": 0.0,
            "casework.exclusion_risk": 1.0,
        }
    )
    m.steps = 1
    casework.step(m)
    assert m.totals.referrals > 0 and m.totals.referrals_accepted == 0
    assert m.totals.exclusions > 0
    assert m.posts.failed_week.sum() == m.totals.referrals
    assert (m.people.excluded_until > 1).any()


def test_least_loaded_fills_the_lowest_loads_first():
    load = np.array([3, 0, 1, 5])
    got = casework.least_loaded(np.array([0, 1, 2, 3]), load, 4)
    # loads 3, 0, 1, 5: post 1 takes two (0, then 1 tying post 2 at 1), post 2 one, then
    # post 1 again or post 2 at 2: ties go to the lower post.
    assert sorted(got.tolist()) == [1, 1, 1, 2]


def test_excluded_people_lose_no_engagement_to_the_bounce():
    m = CopModel(
        {
            "casework.attempt_rate": 1.0,
            "casework.cold_referral": 0.0,
            "casework.exclusion_risk": 1.0,
            "casework.tie_from_referral": 0.0,
            "site.cross_ties_per_practitioner": 0.0,
            "brokerage.hours_per_week": 0.0,
            "burn_in_weeks": 0,
        }
    )
    m.people.severity[:] = m.severity_max  # every failure excludes
    before = m.people.engagement.copy()
    casework.step(m)
    assert m.totals.exclusions > 0
    assert np.array_equal(m.people.engagement, before)
