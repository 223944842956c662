"""Referrals and who is supported: the faster forms give exactly what the plain ones did."""

import numpy as np
import pytest

from copsim.model import site
from copsim.model.cop_model import CopModel
from copsim.model.mechanisms import cohort, crises, needs


def _supported_plainly(model) -> np.ndarray:
    """supported() as first written: referral episodes, then each key worker's domain."""
    people = model.people
    sup = people.supported_until > model.week
    kw = people.key_worker
    has = kw >= 0
    own = model.agencies.domain[model.posts.agency[kw[has]]]
    sup[np.flatnonzero(has), own] = True
    return sup


def _coverage_plainly(needs_, is_supported, threshold) -> np.ndarray:
    active = needs_ > threshold
    n_active = active.sum(axis=1).astype(float)
    n_met = (active & is_supported).sum(axis=1).astype(float)
    return np.where(n_active > 0, n_met / np.maximum(n_active, 1), 1.0)


def test_supported_and_coverage_match_their_plain_forms_every_week(small_model):
    m = small_model
    threshold = m.p.needs.threshold
    for _ in range(30):
        m.step()
        sup = needs.supported(m)
        assert np.array_equal(sup, _supported_plainly(m))
        got = crises.coverage(m.people.needs, sup, threshold)
        assert got.tobytes() == _coverage_plainly(m.people.needs, sup, threshold).tobytes()


@pytest.mark.parametrize(
    "config",
    [
        {"site.agencies_per_type": 1},
        {"site.agencies_per_type": 2},
        {"site.file": "conf/areas/riverside.yaml", "region.localities": 2},
    ],
)
def test_a_places_kth_referral_is_the_same_person_whenever_they_arrive(config):
    m = CopModel({**config, "site.people": 40, "weeks": 4}, agents=False)
    places = np.array([5, 0, len(m.people) - 1, 33])
    k = m.people.referral[places] + 1
    want = m.draws.identities("person", places, len(m.people), k)
    profile = site.entry_profile(m.p, m.agencies, m.draws, want, m.people.locality[places])
    cohort.admit(m, places[::-1])  # in any order, and in any week
    assert np.array_equal(m.people.referral[places], k)
    assert np.array_equal(m.people.identity[places], want)
    for name, values in profile.items():
        assert getattr(m.people, name)[places].tobytes() == values.tobytes(), name
    # Each person's profile is theirs alone: drawn with others or by themself.
    for i, word in enumerate(want):
        one = site.entry_profile(
            m.p, m.agencies, m.draws, want[i : i + 1], m.people.locality[places[i : i + 1]]
        )
        for name, values in one.items():
            assert values[0].tobytes() == profile[name][i].tobytes(), name
        assert word != m.draws.identities("person", places[i : i + 1], len(m.people), k[i] + 1)[0]


def test_entry_profiles_have_their_documented_laws():
    m = CopModel({"site.agencies_per_type": 3, "weeks": 1}, agents=False)
    n = 40_000
    words = m.draws.identities("person", np.arange(n) % 300, 300, np.arange(n) // 300 + 1)
    got = site.entry_profile(m.p, m.agencies, m.draws, words, 0)
    # An active need's level: initial_level + (1 - initial_level)(Beta(4, 4) - 1/2).
    active = got["needs"] > m.p.needs.threshold
    level = (got["needs"][active] - m.p.needs.initial_level) / (1 - m.p.needs.initial_level)
    assert level.mean() == pytest.approx(0.0, abs=0.005)
    assert level.var() == pytest.approx(1 / 36, rel=0.03)  # Beta(4, 4): variance 1/36
    assert got["engagement"].min() >= 0.3 and got["engagement"].max() <= 0.8
    assert got["engagement"].mean() == pytest.approx(0.55, abs=0.003)
    cv = m.p.needs.crisis_proneness_cv
    assert got["proneness"].mean() == pytest.approx(1.0, abs=0.03)
    assert got["proneness"].std() / got["proneness"].mean() == pytest.approx(cv, rel=0.06)
    # Home agencies: each of a type's three agencies equally often (equal home weights).
    share = np.bincount(got["home_agency"].ravel(), minlength=len(m.agencies)) / (n * 6)
    assert share == pytest.approx(np.full(len(m.agencies), 1 / len(m.agencies)), abs=0.004)


@pytest.mark.parametrize(
    "config",
    [
        {"site.agencies_per_type": 1, "region.localities": 2},
        {"site.agencies_per_type": 2},
        {"site.file": "conf/areas/riverside.yaml", "region.localities": 2},
    ],
)
def test_home_tables_kept_on_agencies_equal_their_plain_forms(config):
    m = CopModel({**config, "site.people": 40, "weeks": 4}, agents=False)
    a = m.agencies
    for loc in range(a.n_localities):
        for d in range(a.home_total.shape[1]):
            members = np.flatnonzero((a.locality == loc) & (a.domain == d))
            assert a.home_first[loc, d] == (members[0] if len(members) else -1)
