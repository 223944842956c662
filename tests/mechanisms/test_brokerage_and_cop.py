import numpy as np
import pytest

from copsim.model.cop_model import CopModel
from copsim.model.mechanisms import brokerage, cop


def test_setup_hours_all_go_to_outreach_then_meetings_are_funded_first():
    assert brokerage.split_hours(5, True, 8, 4) == (0.0, 5)
    assert brokerage.split_hours(5, False, 8, 4) == (2.0, 3.0)
    assert brokerage.split_hours(1, False, 8, 4) == (1.0, 0.0)


def test_zero_brokerage_costs_nothing_and_introduces_no_one():
    m = CopModel({"brokerage.hours_per_week": 0.0, "weeks": 40})
    m.run_to_end()
    assert m.ledger.programme_cost == 0
    assert m.broker.introductions == 0 and m.totals.meetings == 0
    assert not m.posts.member.any()


def test_introductions_make_members_and_cross_agency_ties():
    m = CopModel({"brokerage.hours_per_week": 30.0, "weeks": 5})
    n = len(m.ties)
    brokerage.introduce(m, 10)
    assert m.broker.introductions + m.broker.reviews == 10
    assert m.broker.introductions > 0
    assert m.posts.member.sum() >= m.broker.introductions
    assert len(m.ties) > n
    a, b, _, _ = m.ties.view()
    assert np.all(m.posts.agency[a] != m.posts.agency[b])


def test_availability_shields_attendance_with_protected_time():
    pressure = np.array([1.0, 1.5, 2.0])
    none = cop.availability(pressure, 0.0, 2.0)
    full = cop.availability(pressure, 1.0, 2.0)
    assert np.all(np.diff(none) < 0)  # pressure squeezes attendance
    assert np.allclose(full, 1.0)  # fully protected time does not
    p = cop.attendance_probability(pressure, np.array([0.2, 0.2, 0.2]), 0.5, 2.0, 0.9)
    q = cop.attendance_probability(pressure, np.array([0.8, 0.8, 0.8]), 0.5, 2.0, 0.9)
    assert np.all(q > p)


def test_meetings_fall_after_setup_at_the_interval():
    weeks = [w for w in range(1, 30) if cop.meeting_due(w, 12, 4)]
    assert weeks == [13, 17, 21, 25, 29]


def test_meeting_needs_attendance_agencies_and_trust_to_qualify():
    p = CopModel().p
    assert cop.qualifies(10, 5, 0.7, p)
    assert not cop.qualifies(3, 5, 0.7, p)
    assert not cop.qualifies(10, 2, 0.7, p)
    assert not cop.qualifies(10, 5, 0.3, p)


@pytest.mark.slow
def test_establishment_is_measured_not_timed():
    # Enough qualifying meetings establish the CoP; the same number failing ends it.
    m = CopModel({"brokerage.hours_per_week": 10.0, "site.joint_working_history": 0.9})
    m.run_to_end()
    assert m.cop.first_week is not None
    assert m.cop.first_week > m.p.brokerage.setup_weeks
    m2 = CopModel({"brokerage.hours_per_week": 10.0, "cop.min_attendees": 500})
    m2.run_to_end()
    assert m2.cop.first_week is None and m2.totals.meetings > 0


def test_established_cop_holds_meetings_without_its_broker():
    m = CopModel(
        {
            "brokerage.hours_per_week": 10.0,
            "site.joint_working_history": 0.9,
            "events": [{"week": 80, "set": {"brokerage.hours_per_week": 0.0}}],
        }
    )
    for _ in range(80):
        m.step()
    assert m.cop.established
    before = m.totals.meetings
    for _ in range(40):
        m.step()
    assert m.totals.meetings > before


@pytest.mark.parametrize("hours", [0.0, 5.0])
def test_members_in_post_only(hours):
    m = CopModel({"brokerage.hours_per_week": hours, "weeks": 60}).run_to_end()
    assert not (m.posts.member & ~m.posts.occupied).any()
