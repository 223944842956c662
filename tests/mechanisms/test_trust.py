import numpy as np
import pytest

from copsim.model.cop_model import CopModel
from copsim.model.mechanisms import trust


def test_gain_saturates_and_loss_is_proportional():
    assert trust.gain(0.5, 0.2) == pytest.approx(0.6)
    assert trust.gain(0.9, 0.2) == pytest.approx(0.92)  # smaller step near 1
    assert trust.gain(0.5, 0.2, times=2) == pytest.approx(trust.gain(0.6, 0.2))
    assert trust.loss(0.5, 0.2) == pytest.approx(0.4)
    assert trust.loss(0.1, 0.2) == pytest.approx(0.08)


def test_decay_moves_towards_baseline_from_either_side():
    assert trust.decay(0.9, 0.5, 0.1) == pytest.approx(0.86)
    assert trust.decay(0.1, 0.5, 0.1) == pytest.approx(0.14)
    assert trust.decay(0.5, 0.5, 0.1) == pytest.approx(0.5)


def test_record_joint_work_counts_every_use(small_model):
    m = small_model
    _, _, tr, used = m.ties.view()
    tr[:] = 0.5
    m.steps = 7
    edges = np.array([0, 0, 1])
    trust.record_joint_work(m, edges, np.array([True, True, False]))
    g, lo = m.p.trust.gain, m.p.trust.loss
    assert tr[0] == pytest.approx(trust.gain(0.5, g, 2))
    assert tr[1] == pytest.approx(trust.loss(0.5, lo))
    assert used[0] == used[1] == 7


def test_unused_ties_decay_and_are_forgotten():
    m = CopModel({"trust.forget_weeks": 10, "brokerage.hours_per_week": 0})
    _, _, tr, used = m.ties.view()
    tr[:] = 0.9
    used[:] = 0  # last used at week 0 ...
    used[: len(used) // 2] = -20  # ... or long ago
    n_before = len(m.ties)
    m.steps = 1
    trust.step(m)
    assert len(m.ties) == n_before - n_before // 2
    assert np.all(m.ties.view()[2] < 0.9)


def test_unused_ties_drift_back_to_their_own_baselines():
    m = CopModel({"site.joint_working_history": 0.2, "weeks": 10}, agents=False)
    ties = m.ties
    first = len(ties)
    free = np.flatnonzero(m.posts.occupied)
    a, b = free[:2], free[-2:]  # different agencies: the site's first and last
    ties.add(a, b, 0.9, m.week, np.array([0.7, 0.5]))
    ties.keep(np.arange(len(ties)) >= first - 3)  # removing rows keeps each its baseline
    assert ties.baselines()[-2:].tolist() == [0.7, 0.5]
    for _ in range(700):
        m.steps += 1
        ties.view()[3][:] = m.week - 1  # idle, but never forgotten
        trust.step(m)
    _, _, tr, _ = ties.view()
    assert np.allclose(tr[-2:], [0.7, 0.5], atol=1e-3)
    assert np.allclose(tr[:-2], 0.2, atol=1e-3)  # ties of the site: its history


def test_a_tie_formed_at_a_meeting_starts_at_the_trust_in_the_room():
    m = CopModel({"site.joint_working_history": 0.2, "brokerage.hours_per_week": 12.0})
    while m.cop.meetings[0] < 6:
        m.step()
    base = m.ties.baselines()
    made_at_meetings = base[(base != 0.2)]
    assert len(made_at_meetings) > 0 and (made_at_meetings > 0.2).all()
