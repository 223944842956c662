"""Referrals and who is supported: the faster forms give exactly what the plain ones did."""

import numpy as np
import pytest

from copsim.model import site
from copsim.model.cop_model import CopModel
from copsim.model.domains import DOMAIN_WEIGHTS, DOMAINS
from copsim.model.mechanisms import crises, needs
from copsim.model.mechanisms.cohort import ReferralQueue


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


def _entry_profile_plainly(p, agencies, n, rng, locality):
    """entry_profile and home_agencies as first written: draws and arithmetic interleaved."""
    n_dom = len(DOMAINS)
    if agencies.need_share is None:
        weights = DOMAIN_WEIGHTS
        prob = np.clip(DOMAIN_WEIGHTS * p.needs.domains_per_person / DOMAIN_WEIGHTS.sum(), 0, 1)
    else:
        weights = prob = agencies.need_share
    active = rng.random((n, n_dom)) < prob
    none = ~active.any(axis=1)
    active[none, np.argmax(weights)] = True
    spread = 1.0 - p.needs.initial_level
    level = p.needs.initial_level + spread * (rng.beta(4, 4, size=(n, n_dom)) - 0.5)
    quiet = rng.uniform(0, p.needs.threshold * 0.8, size=(n, n_dom))
    locality = np.broadcast_to(np.asarray(locality, dtype=np.int64), (n,))
    needs_ = np.clip(np.where(active, level, quiet), 0.0, 1.0)
    engagement = rng.uniform(0.3, 0.8, size=n)
    total = agencies.home_total[locality]
    slot = rng.integers(0, np.maximum(total, 1))
    k = (agencies.home_cum[locality] <= slot[..., None]).sum(axis=-1)
    k = np.minimum(k, agencies.home_agency.shape[2] - 1)
    chosen = agencies.home_agency[locality[:, None], np.arange(n_dom)[None, :], k]
    return {
        "needs": needs_,
        "engagement": engagement,
        "home_agency": np.where(total > 0, chosen, -1),
        "proneness": site.crisis_proneness(p.needs.crisis_proneness_cv, rng, n),
    }


def test_a_one_value_range_draws_nothing():
    """What _home_slots relies on to skip the draw where every slot can only be 0."""
    rng = np.random.default_rng(3)
    before = rng.bit_generator.state
    assert not rng.integers(0, np.ones((8, 6), dtype=np.int64)).any()
    assert rng.bit_generator.state == before


@pytest.mark.parametrize(
    "config",
    [
        {"site.agencies_per_type": 1},
        {"site.agencies_per_type": 2},
        {"site.file": "conf/areas/riverside.yaml", "region.localities": 2},
    ],
)
def test_referral_blocks_drawn_together_equal_each_drawn_alone(config):
    m = CopModel({**config, "site.people": 40, "weeks": 4}, agents=False)
    places = np.array([5, 0, len(m.people) - 1, 33])
    queue = ReferralQueue(len(m.people), m.p.seed)
    queue.arrivals[places] = [0, 8, 40, 3]
    got = queue.next(m, places)  # every place starts a block (none is drawn yet)
    for i, place in enumerate(places):
        block = (queue.arrivals[place] - 1) // ReferralQueue.BLOCK
        rng = m.streams.keyed("referrals", place, block)
        alone = _entry_profile_plainly(m.p, m.agencies, 8, rng, m.people.locality[place])
        row = (queue.arrivals[place] - 1) % ReferralQueue.BLOCK
        for name, values in alone.items():
            assert values[row].tobytes() == got[name][i].tobytes(), name
            assert values.tobytes() == queue.profiles[name][place].tobytes(), name


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
    assert a.one_home_slot == (not (np.maximum(a.home_total, 1) > 1).any())
    for loc in range(a.n_localities):
        for d in range(a.home_total.shape[1]):
            members = np.flatnonzero((a.locality == loc) & (a.domain == d))
            assert a.home_first[loc, d] == (members[0] if len(members) else -1)
