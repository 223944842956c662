import numpy as np

from copsim.model.ties import TieTable


def table():
    t = TieTable(capacity=2)
    t.add(np.array([0, 0, 1]), np.array([2, 3, 3]), np.array([0.2, 0.9, 0.5]), week=0)
    return t


def test_add_skips_self_duplicate_and_existing_pairs_and_grows():
    t = table()
    assert len(t) == 3
    t.add(np.array([2, 4, 4, 5]), np.array([0, 4, 6, 6]), 0.5, week=1)
    assert len(t) == 5  # (2,0) exists, (4,4) is a self-tie; (4,6) and (5,6) are new
    t.add(np.array([7, 8]), np.array([8, 7]), 0.5, week=1)
    assert len(t) == 6  # the same pair twice in one batch


def test_best_into_picks_the_most_trusted_tie_per_agency():
    t = table()
    agency = np.array([0, 0, 1, 1])
    trust, edge = t.best_into(np.array([0, 1, 2, 0]), np.array([1, 1, 0, 0]), agency)
    assert trust.tolist() == [0.9, 0.5, 0.2, -1.0]
    assert edge.tolist() == [1, 2, 0, -1]


def test_remove_posts_and_keep():
    t = table()
    assert t.remove_posts(np.array([3])) == 2
    assert len(t) == 1 and t.view()[1].tolist() == [2]
    t.keep(np.array([False]))
    assert len(t) == 0


def test_degree_and_mean_trust():
    t = table()
    assert t.degree(5).tolist() == [2, 1, 1, 2, 0]
    mean = t.mean_trust_by_post(5)
    assert np.isclose(mean[0], 0.55) and np.isnan(mean[4])
