"""Credible dynamics: burn-in and stationarity, the open cohort, heterogeneity and every
retention channel, each switchable on its own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copsim.model import burn_in
from copsim.model.cop_model import CopModel
from copsim.model.mechanisms import cohort, workforce
from copsim.model.schema import SCHEMA
from copsim.runs.runner import run_values

SHORT = {"weeks": 20, "burn_in_weeks": 20, "site.people": 120}

HETEROGENEITY = {
    "site.agency_size_spread": 0.0,
    "site.manager_support_spread": 0.0,
    "workforce.resilience_spread": 0.0,
    "workforce.sector_differences": 0.0,
    "needs.crisis_proneness_cv": 0.0,
}
"""Each heterogeneity, and the value that makes it homogeneous."""

CHANNELS = {
    "cop.stress_buffering": 0.0,
    "cop.embeddedness": 0.0,
    "workforce.embeddedness_ties": 0.0,
    "cop.peer_support": 0.0,
    "nurture.manager_support": 0.0,
}
"""Each channel from a CoP to retention, and the value that turns it off."""

STATIONARY = ("burnout_mean", "staff_in_post", "people_in_crisis", "unmet_need_share")


def _drift(burn_in_weeks: int | None = None) -> dict[str, float]:
    """Each output's mean over weeks 1-13 minus weeks 104-156, in standard errors.

    Paired by seed (16 seeds, no CoP): each seed's difference is independent of the
    others', however slowly the weeks of one run wander, so the t statistic is honest.
    """
    extra = {} if burn_in_weeks is None else {"burn_in_weeks": burn_in_weeks}
    frames = [
        CopModel({"brokerage.hours_per_week": 0.0, "seed": s, **extra}, agents=False)
        .run_to_end()
        .weekly_table()
        .set_index("week")
        for s in range(16)
    ]
    out = {}
    for name in STATIONARY:
        d = np.array([f.loc[1:13, name].mean() - f.loc[104:156, name].mean() for f in frames])
        out[name] = d.mean() / (d.std(ddof=1) / np.sqrt(len(d)))
    return out


@pytest.mark.slow
def test_without_a_cop_the_site_is_stationary_after_burn_in():
    """The first quarter's mean equals that of the third year, within 3 standard errors.

    Without burn-in the same test finds the drift from the site as built.
    """
    for name, t in _drift().items():
        assert abs(t) < 3, (name, t)
    assert max(abs(t) for t in _drift(burn_in_weeks=0).values()) > 3


def test_results_are_the_same_whether_burn_in_was_computed_or_reused():
    burn_in.clear_cache()
    first = CopModel(SHORT).run_to_end().weekly_table()
    assert len(burn_in._cache) == 1
    again = CopModel(SHORT).run_to_end().weekly_table()  # reused from the cache
    pd.testing.assert_frame_equal(first, again)
    burn_in.clear_cache()
    fresh = CopModel(SHORT).run_to_end().weekly_table()
    pd.testing.assert_frame_equal(first, fresh)


def test_a_run_and_its_twin_share_one_burn_in():
    burn_in.clear_cache()
    values = {**SCHEMA_DEFAULTS(), **SHORT, "events": []}
    run_values(values)
    assert len(burn_in._cache) == 1  # the twin reused the run's burned-in state


def SCHEMA_DEFAULTS() -> dict:
    return {name: p.default for name, p in SCHEMA.items()}


@pytest.mark.parametrize("name", sorted(n for n in SCHEMA if burn_in.inert(n)))
def test_programme_settings_cannot_act_during_burn_in(name):
    """Changing an inert parameter leaves the burned-in state unchanged."""
    param = SCHEMA[name]
    if param.kind is bool or param.kind is str:
        pytest.skip("no numeric alternative")
    other = param.low if param.default != param.low else param.high
    other = param.kind(other if name != "weeks" else 30)
    a = burn_in.BurnIn(_params({**SHORT, "brokerage.hours_per_week": 0.0})).run(_week())
    b = burn_in.BurnIn(_params({**SHORT, name: other, "brokerage.hours_per_week": 0.0})).run(
        _week()
    )
    assert np.array_equal(a.posts.burnout, b.posts.burnout)
    assert np.array_equal(a.people.needs, b.people.needs)


def _params(values):
    from copsim.model.parameters import Parameters

    return Parameters(values)


def _week():
    from copsim.model.cop_model import WEEK

    return WEEK


def test_week_zero_is_the_end_of_burn_in():
    m = CopModel({**SHORT, "brokerage.hours_per_week": 0.0})
    df = m.weekly_table()
    assert df["week"].iloc[0] == 0
    assert df["people_in_crisis"].iloc[0] > 0  # crises happened during burn-in
    assert m.totals.crisis_events == 0 and m.totals.leavers == 0  # tallies start at week 0
    assert (m.people.entered <= 0).all()


def test_open_cohort_keeps_its_places_and_refers_people_in():
    m = CopModel(SHORT).run_to_end()
    df = m.weekly_table()
    assert df["people_referred_in"].iloc[-1] > 0
    t = m.totals
    assert t.referrals_in == t.left_moved_on + t.left_discharged + t.left_prison + t.left_died
    assert len(m.person_agents) == len(m.people) == SHORT["site.people"]
    followed, maintained, recovered, _ = cohort.follow_up(m)
    assert followed == SHORT["site.people"] + t.referrals_in
    assert 0 <= recovered <= followed and 0 <= maintained <= followed


def test_exit_routes_follow_their_hazards():
    h = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 3.0, 1.0]])
    equal = lambda who: np.ones((len(who), 4))  # noqa: E731 (equal race keys)
    leave, route = cohort.choose_exits(h, np.array([0.0, 0.0]), equal)
    assert leave.tolist() == [0, 1] and route.tolist() == [0, 2]  # the larger hazard wins
    leave, _ = cohort.choose_exits(h, np.array([0.999, 0.999]), equal)
    assert len(leave) == 0
    # A route wins in proportion to its hazard.
    many = np.tile(h[1], (40_000, 1))
    keys = lambda who: np.random.default_rng(1).exponential(size=(len(who), 4))  # noqa: E731
    _, route = cohort.choose_exits(many, np.zeros(len(many)), keys)
    # The weekly chance of leaving is 1 - exp(-H / 52), H the total.
    u = np.random.default_rng(2).random(100_000)
    leave, _ = cohort.choose_exits(np.tile(h[1], (len(u), 1)), u, keys)
    assert len(leave) / len(u) == pytest.approx(1 - np.exp(-4 / 52), abs=0.003)
    assert np.bincount(route, minlength=4) / len(many) == pytest.approx(
        [0, 0, 0.75, 0.25], abs=0.01
    )


@pytest.mark.parametrize("name", [*HETEROGENEITY, *CHANNELS])
def test_each_heterogeneity_and_channel_switches_off_alone(name):
    value = {**HETEROGENEITY, **CHANNELS}[name]
    m = CopModel({**SHORT, name: value}).run_to_end()
    assert len(m.weekly_table()) == SHORT["weeks"] + 1


def test_everything_off_is_homogeneous():
    m = CopModel({**SHORT, **HETEROGENEITY, **CHANNELS}).run_to_end()
    assert len(set(m.agencies.size.tolist())) == 1
    assert np.allclose(m.agencies.manager_base, m.p.site.manager_support)
    assert np.allclose(m.posts.resilience, 1.0)
    assert np.allclose(m.people.proneness, 1.0)
    domain = m.agencies.domain[m.posts.agency]
    rates = workforce.sector_turnover(0.2, domain, m.p.workforce.sector_differences)
    assert np.allclose(rates, 0.2)


def test_nurture_raises_manager_support_only_where_the_cop_acts():
    m = CopModel({**SHORT, "nurture.manager_support": 1.0})
    m.posts.member[:] = False
    workforce.refresh_manager_support(m)
    assert np.array_equal(m.agencies.manager_support, m.agencies.manager_base)
    staff = m.agencies.staff_of(m.posts, 0)
    m.posts.member[staff[0]] = True
    workforce.refresh_manager_support(m)
    assert m.agencies.manager_support[0] == 1.0
    assert np.array_equal(m.agencies.manager_support[1:], m.agencies.manager_base[1:])


def test_stress_buffering_helps_more_under_pressure():
    demand = np.array([0.5, 1.0, 2.0, 3.0])
    s = workforce.support(np.zeros(4), np.ones(4), demand, 0.25, 0.5, 1.0)
    assert s[0] == s[1] < s[2] < s[3]
    flat = workforce.support(np.zeros(4), np.ones(4), demand, 0.25, 0.5, 0.0)
    assert np.all(flat == flat[0])


@given(st.floats(0.0, 0.5), st.floats(0.0, 0.5), st.floats(0.0, 0.9), st.integers(0, 20))
def test_stronger_embeddedness_means_less_leaving(k1, k2, c, ties):
    lo, hi = sorted([k1, k2])
    e = workforce.embeddedness(np.array([ties, ties]), np.array([1, 1]), np.array([lo, hi]), c)
    p = workforce.leaving_probability(np.full(2, 0.4), np.full(2, 100), 0.2, 3.0, 1.5, e)
    assert p[1] <= p[0]


@pytest.mark.slow
@settings(max_examples=8, deadline=None)
@given(st.integers(0, 1000))
def test_stronger_embeddedness_gives_fewer_leavers_in_expectation(seed):
    """Over a few seeds the same site loses fewer staff with strong embeddedness."""
    base = {**SHORT, "weeks": 52, "brokerage.hours_per_week": 0.0}
    weak = sum(
        CopModel({**base, "seed": seed + i, "workforce.embeddedness_ties": 0.0})
        .run_to_end()
        .totals.leavers
        for i in range(4)
    )
    strong = sum(
        CopModel({**base, "seed": seed + i, "workforce.embeddedness_ties": 0.5})
        .run_to_end()
        .totals.leavers
        for i in range(4)
    )
    assert strong <= weak


def test_sector_rates_keep_their_mean_and_order():
    domain = np.arange(6)
    rates = workforce.sector_turnover(0.2, domain, 1.0)
    assert rates.mean() == pytest.approx(0.2)
    assert rates[1] < rates[5]  # drugs and alcohol below adult social care


def test_a_place_admits_the_same_referrals_whatever_the_timing():
    """Each place's k-th newcomer is the same person in any run of the site and seed."""
    a = CopModel(SHORT)
    b = CopModel({**SHORT, "brokerage.hours_per_week": 0.0})
    cohort.admit(a, np.array([3, 7]))
    cohort.admit(b, np.array([7]))  # place 7 moves on first in b
    b.step()
    cohort.admit(b, np.array([3]))
    assert np.array_equal(a.people.needs[3], b.people.needs[3])
    assert a.people.identity[3] == b.people.identity[3]
