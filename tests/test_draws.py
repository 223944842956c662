"""Keyed draws (copsim.model.draws): common random numbers by agent slot.

The laws of the values, what they depend on (seed, decision, week, slot, and nothing else),
races that move little when weights move little, and the individual-level test of Klein et
al. (2024): a change to the population or to one agency leaves other people's crises alone.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copsim.model.draws import DECISIONS, KINDS, Draws, mix, ordered, pair, winners
from copsim.model.site import _poisson_quantile

N = 200_000


def _words(n: int = N, seed: int = 5, kind: str = "person") -> np.ndarray:
    return Draws(seed).identities(kind, np.arange(n), n)


def test_uniforms_are_uniform_and_independent_of_neighbours():
    u = Draws(5).uniform("crises", 3, _words())
    assert u.min() > 0.0 and u.max() < 1.0
    assert u.mean() == pytest.approx(0.5, abs=0.003)
    assert u.var() == pytest.approx(1 / 12, rel=0.01)
    counts = np.bincount((u * 20).astype(int), minlength=20)
    chi2 = ((counts - N / 20) ** 2 / (N / 20)).sum()
    assert chi2 < 43.8  # chi-square, 19 degrees of freedom, p = 0.001
    d = Draws(5)
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.01  # neighbouring slots
    later = d.uniform("crises", 4, _words())  # the same slots the next week
    other = d.uniform("needs.noise", 3, _words())  # another decision
    sub = d.uniform("crises", 3, _words(), 1)  # another value of the same decision
    for v in (later, other, sub):
        assert abs(np.corrcoef(u, v)[0, 1]) < 0.01


def test_normals_are_standard_normal():
    z = Draws(8).normal("needs.noise", 1, _words())
    assert np.isfinite(z).all()
    assert z.mean() == pytest.approx(0.0, abs=0.01)
    assert z.std() == pytest.approx(1.0, abs=0.01)
    assert np.mean(z < -1.959964) == pytest.approx(0.025, abs=0.002)


def test_values_depend_on_seed_decision_week_and_slot_only():
    a, b = Draws(3), Draws(3)
    w = a.identities("post", np.arange(10), 10, np.arange(10))
    a.uniform("crises", 1, np.arange(100, dtype=np.uint64))  # drawing never moves another
    assert np.array_equal(a.uniform("workforce.leave", 7, w), b.uniform("workforce.leave", 7, w))
    assert np.array_equal(w, b.identities("post", np.arange(10), 10, np.arange(10)))
    assert not np.array_equal(w, Draws(4).identities("post", np.arange(10), 10, np.arange(10)))
    assert not np.array_equal(w, a.identities("practitioner", np.arange(10), 10, np.arange(10)))
    assert not np.array_equal(w, a.identities("post", np.arange(10), 10, np.arange(10) + 1))
    # One slot alone draws what it draws among others.
    assert a.uniform("workforce.leave", 7, w[3]) == a.uniform("workforce.leave", 7, w)[3]
    with pytest.raises(KeyError, match="unknown random decision"):
        a.uniform("undeclared", 1, w)
    assert "crises" in DECISIONS and "person" in KINDS


def test_identities_of_replicates_side_by_side_are_each_run_alone():
    together = Draws.stack([Draws(11), Draws(12)])
    words = together.all_identities("agency", 6)
    assert np.array_equal(words[:6], Draws(11).all_identities("agency", 6))
    assert np.array_equal(words[6:], Draws(12).all_identities("agency", 6))


def test_pairs_are_symmetric_and_ordered_pairs_are_not():
    w = _words(50)
    a, b = w[:25], w[25:]
    assert np.array_equal(pair(a, b), pair(b, a))
    assert not np.array_equal(ordered(a, b), ordered(b, a))
    assert len(set(mix(np.arange(1000, dtype=np.uint64)).tolist())) == 1000


def test_races_win_in_proportion_to_weight():
    d = Draws(2)
    n, weights = 100_000, np.array([1.0, 2.0, 3.0, 4.0, 0.0])
    events = _words(n)
    keys = d.race("moves.agency", 9, ordered(events[:, None], _words(5, 99)[None, :]), weights)
    won = np.bincount(keys.argmin(axis=1), minlength=5) / n
    assert won == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.0], abs=0.005)


@settings(max_examples=25, deadline=None)
@given(
    candidate=st.integers(0, 9),
    factor=st.floats(1.001, 1.05),
)
def test_a_small_change_in_one_weight_changes_few_winners(candidate, factor):
    d, n = Draws(4), 20_000
    weights = np.linspace(1.0, 3.0, 10)
    words = ordered(_words(n)[:, None], _words(10, 77)[None, :])
    before = d.race("moves.agency", 2, words, weights).argmin(axis=1)
    nudged = weights.copy()
    nudged[candidate] *= factor
    after = d.race("moves.agency", 2, words, nudged).argmin(axis=1)
    changed = before != after
    # Only races the nudged candidate now wins change, and about as many as its extra share.
    assert (after[changed] == candidate).all()
    share = weights[candidate] / weights.sum()
    extra = nudged[candidate] / nudged.sum() - share
    assert changed.mean() <= 3 * extra + 0.002


def test_winners_are_each_groups_least_key():
    keys = np.array([0.5, 0.2, np.inf, 0.9, 0.1, 0.3])
    group = np.array([0, 0, 1, 2, 2, 0])
    assert winners(keys, group, 4).tolist() == [1, -1, 4, -1]


def test_poisson_quantiles_have_the_poisson_law():
    u = Draws(1).uniform("site.ties.count", 0, _words())
    k = _poisson_quantile(1.6, u)
    assert k.mean() == pytest.approx(1.6, abs=0.01)
    assert k.var() == pytest.approx(1.6, rel=0.02)
    assert (_poisson_quantile(0.0, u) == 0).all()
    assert _poisson_quantile(2.0, np.array([1 - 2**-53])).item() > 10  # ends


@pytest.mark.slow
def test_other_people_keep_their_crisis_histories_when_the_site_changes():
    """Starsim's individual-level test: 300 vs 301 people, and one agency's budget nudged.

    Over the 52 weeks after the change: the site's people from its build (no burn-in, the
    change being the site's size), the budget from week 0.
    """
    from benchmarks.bench_crn import crisis_histories, identical_share

    built = {"site.people": 300, "burn_in_weeks": 0}
    for seed in (71, 72):
        base, _ = crisis_histories(built, seed, 52)
        more, _ = crisis_histories({**built, "site.people": 301}, seed, 52)
        assert identical_share(base, more[:, :300]) >= 0.95
        base, _ = crisis_histories({}, seed, 52)
        budget, _ = crisis_histories({}, seed, 52, budget_post=0)
        assert identical_share(base, budget) >= 0.95
        # Runs that share no draw match only where neither had a crisis.
        other, _ = crisis_histories({}, seed + 1000, 52)
        assert identical_share(base, other) < 0.5


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**40),
    slots=st.lists(st.integers(0, 2**20), min_size=1, max_size=8),
    numbers=st.integers(0, 2**16),
    week=st.integers(-(2**30), 2**20),
    sub=st.integers(0, 50),
)
def test_values_are_the_splitmix_formula(seed, slots, numbers, week, sub):
    """Identities, bits and uniforms are the formulas of the module docstring, in Python ints."""
    from copsim.model.draws import _GOLDEN, _MASK, _key, _kind, _mix_int

    d = Draws(seed)
    seed_key = _mix_int(_mix_int(seed + 1) ^ _GOLDEN)
    words = d.identities("person", np.array(slots), 1 << 21, numbers)
    expect = [_mix_int(seed_key ^ _mix_int(((s << 24) + numbers) ^ _kind("person"))) for s in slots]
    assert words.tolist() == expect
    key = int(_key("crises", week))
    bits = [_mix_int(((w ^ key) + sub * _GOLDEN) & _MASK) for w in expect]
    assert d.bits("crises", week, words, sub).tolist() == bits
    assert d.bits("crises", week, words, np.full(len(words), sub)).tolist() == bits
    units = [((h >> 11) + 0.5) * 2.0**-53 for h in bits]
    assert d.uniform("crises", week, words, sub).tolist() == units
    both = d.uniforms([("crises", sub), ("needs.noise", 0)], week, words)
    assert both[:, 0].tolist() == units
    assert d.uniform("crises", week, words[0], sub) == units[0]  # a 0-d word: a scalar
    assert mix(np.array(expect, dtype=np.uint64)).tolist() == [_mix_int(w) for w in expect]
