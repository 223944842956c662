"""The programme as it was run: funded weeks, the convenor, and a CoP left to stand alone."""

import json

import numpy as np
import pytest

from copsim.model.cop_model import CopModel
from copsim.model.mechanisms import cop, workforce
from copsim.runs.outputs import summary_text
from tests.update_baseline import BASELINE

GOOD = {"site.joint_working_history": 0.8, "brokerage.hours_per_week": 5.0}


def _run_to(m: CopModel, week: int) -> CopModel:
    while m.week < week:
        m.step()
    return m


def test_broker_costs_stop_when_funding_stops():
    m = _run_to(CopModel({**GOOD, "brokerage.funded_weeks": 30, "weeks": 60}), 30)
    cost, hours, intros = m.ledger.broker_cost, m.totals.broker_hours, m.broker.introductions
    assert cost == pytest.approx(30 * 5.0 * m.p.brokerage.hourly_cost)
    _run_to(m, 60)
    assert m.ledger.broker_cost == cost and m.totals.broker_hours == hours
    assert (m.broker.introductions == intros).all()
    # Meetings after funding are members' time, never the programme's backfill.
    backfill = m.ledger.backfill_cost
    _run_to(m, 60)
    assert m.ledger.backfill_cost == backfill


def test_a_cop_without_a_convenor_is_never_established_and_stops_with_its_funding():
    m = CopModel({**GOOD, "cop.convenor_rate": 0.0, "brokerage.funded_weeks": 52})
    meetings_at = []
    while not m.finished:
        before = m.totals.meetings
        m.step()
        if m.totals.meetings > before:
            meetings_at.append(m.week)
    assert m.cop.qualified.all(), "the meetings qualified: only the convenor was missing"
    assert m.cop.first_week is None and m.cop.weeks_established.sum() == 0
    assert max(meetings_at) <= 52
    # Unheld meetings are missed: its members lapse, and the managers' backing goes with them.
    assert not (m.posts.member & m.posts.occupied).any()
    assert np.allclose(m.agencies.manager_support, m.agencies.manager_base)


def test_an_established_cop_outlives_its_funding_under_its_convenor():
    m = CopModel({**GOOD, "cop.convenor_rate": 1.0, "brokerage.funded_weeks": 52})
    m.run_to_end()
    assert m.cop.first_week is not None and m.cop.first_week <= 52
    assert m.cop.last_meeting[0] > 52 + 52
    assert m.cop.convenor[0] >= 0 and m.posts.member[m.cop.convenor[0]]


def test_convenor_rate_raises_the_chance_of_establishment():
    # Each seed alone, so the comparison holds with common random numbers.
    weeks = {rate: [] for rate in (0.05, 0.5)}
    for seed in range(3):
        for rate in weeks:
            m = CopModel({**GOOD, "cop.convenor_rate": rate, "weeks": 104}, rng=seed)
            m.run_to_end()
            weeks[rate].append(m.cop.first_week or 105)
    assert all(hi <= lo for lo, hi in zip(weeks[0.05], weeks[0.5], strict=True))
    assert sum(weeks[0.5]) < sum(weeks[0.05])


def test_losing_the_convenor_ends_establishment_until_another_steps_up():
    m = _run_to(CopModel({**GOOD, "cop.convenor_rate": 1.0}), 40)
    assert m.cop.established[0]
    post = int(m.cop.convenor[0])
    workforce.depart(m, np.array([post]))
    cop._lose_convenors(m)
    assert m.cop.convenor[0] == -1 and not m.cop.established[0]
    _run_to(m, 48)  # the next due meeting: with rate 1 a member steps up at once
    assert m.cop.established[0] and m.cop.convenor[0] not in (-1, post)


def test_peer_support_lasts_its_stated_weeks():
    m = _run_to(CopModel({**GOOD, "cop.peer_support_weeks": 3, "weeks": 30}), 20)
    ago = np.arange(len(m.posts)) % 6  # 0..5 weeks since a meeting attended
    m.posts.last_attended[:] = m.week - ago
    assert np.array_equal(workforce.peer_supported(m), ago < 3)
    m.p.set("cop.peer_support_weeks", 1)  # the meeting's own week only
    assert np.array_equal(workforce.peer_supported(m), ago == 0)


@pytest.mark.slow
def test_establishment_at_a_good_site_is_likely_but_not_clockwork():
    weeks = [
        CopModel({**GOOD, "weeks": 104}, rng=seed, agents=False).run_to_end().cop.first_week
        for seed in range(6)
    ]
    assert sum(w is not None for w in weeks) >= 4
    assert len(set(weeks)) > 1


def test_the_printed_summary_says_what_outlived_the_funding():
    base = json.loads(BASELINE.read_text())["default/seed=0"]
    lasting = summary_text({**base, "cop_outlived_funding": 1, "weeks_met_after_funding": 49})
    assert "still established after its funding ended" in lasting
    faded = summary_text({**base, "cop_outlived_funding": 0, "weeks_met_after_funding": 12})
    assert "met for 12 weeks after its funding ended" in faded
    never = summary_text({**base, "cop_outlived_funding": 0, "weeks_met_after_funding": 0})
    assert "after its funding ended" not in never
