import numpy as np
import pytest

from copsim.model import ties
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


def best_into_reference(t, posts, agencies, agency_of_post):
    """Plain loop: the most trusted tie of each post into each agency (ties to the last)."""
    a, b, trust, _ = t.view()
    ends = [(a[e], b[e], e) for e in range(len(a))] + [(b[e], a[e], e) for e in range(len(a))]
    trust_out, edge_out = [], []
    for post, agency in zip(posts, agencies, strict=True):
        best, edge = -1.0, -1
        for near, far, e in ends:
            if near == post and agency_of_post[far] == agency and trust[e] >= best:
                best, edge = trust[e], e
        trust_out.append(best)
        edge_out.append(edge)
    return np.array(trust_out), np.array(edge_out)


@pytest.mark.parametrize("cells", [0, 10**9], ids=["sorted", "table"])
def test_best_into_equals_a_plain_search_on_random_tables(cells, monkeypatch):
    # Both ways of answering: by sorting the ends, and by a table of (post, agency) cells.
    monkeypatch.setattr(ties, "CELLS_PER_ENTRY", cells)
    rng = np.random.default_rng(3)
    for _ in range(200):
        n_posts = int(rng.integers(2, 30))
        agency_of_post = np.sort(rng.integers(0, int(rng.integers(1, 6)), n_posts))
        t = TieTable(capacity=2)
        n = int(rng.integers(0, 40))
        a, b = rng.integers(0, n_posts, n), rng.integers(0, n_posts, n)
        cross = agency_of_post[a] != agency_of_post[b]
        # Few distinct trusts, so that equal trusts (ties to the last) are common.
        t.add(a[cross], b[cross], rng.integers(0, 4, int(cross.sum())) / 4.0, week=0)
        q = int(rng.integers(0, 25))
        posts = rng.integers(0, n_posts, q)
        agencies = rng.integers(0, agency_of_post.max() + 1, q)
        trust, edge = t.best_into(posts, agencies, agency_of_post)
        want_trust, want_edge = best_into_reference(t, posts, agencies, agency_of_post)
        assert trust.tolist() == want_trust.tolist()
        assert edge.tolist() == want_edge.tolist()


def test_has_and_remove_posts_equal_np_isin_on_random_tables():
    rng = np.random.default_rng(4)
    for _ in range(200):
        t = TieTable(capacity=2)
        n = int(rng.integers(0, 40))
        t.add(rng.integers(0, 30, n), rng.integers(0, 30, n), rng.random(n), week=0)
        a, b, trust, _ = (x.copy() for x in t.view())
        q = int(rng.integers(0, 20))  # below and above SMALL_QUERY
        qa, qb = rng.integers(0, 30, q), rng.integers(0, 30, q)
        key = np.minimum(a, b) * (1 << 32) + np.maximum(a, b)
        query = np.minimum(qa, qb) * (1 << 32) + np.maximum(qa, qb)
        assert t.has(qa, qb).tolist() == np.isin(query, key).tolist()
        leaving = rng.integers(0, 30, int(rng.integers(1, 5)))
        gone = np.isin(a, leaving) | np.isin(b, leaving)
        assert t.remove_posts(leaving) == int(gone.sum())
        a2, b2, trust2, _ = t.view()
        assert a2.tolist() == a[~gone].tolist() and b2.tolist() == b[~gone].tolist()
        assert trust2.tolist() == trust[~gone].tolist()


def test_add_takes_one_trust_for_all_or_one_each_and_nothing_from_empty():
    t, u = TieTable(), TieTable()
    t.add(np.array([0, 1]), np.array([2, 3]), 0.4, week=0)
    u.add(np.array([0, 1]), np.array([2, 3]), np.array([0.4, 0.4]), week=0)
    assert t.view()[2].tolist() == u.view()[2].tolist() == [0.4, 0.4]
    t.add(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 0.4, week=1)
    assert len(t) == 2
