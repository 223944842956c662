import numpy as np
import pytest

from copsim.model.cop_model import CopModel
from copsim.model.events import parse_events
from copsim.model.schema import ConfigError
from copsim.model.streams import RandomStreams


def test_streams_depend_on_seed_and_name_only():
    a, b = RandomStreams(3), RandomStreams(3)
    b["crises"].random(100)  # drawing from one stream never shifts another
    assert np.array_equal(a["needs"].random(5), b["needs"].random(5))
    assert not np.array_equal(RandomStreams(3)["needs"].random(5), a["crises"].random(5))
    assert not np.array_equal(
        RandomStreams(4)["needs"].random(5), RandomStreams(3)["needs"].random(5)
    )
    with pytest.raises(KeyError):
        a["undeclared"]


def test_events_are_validated_sorted_and_labelled():
    events = parse_events(
        [
            {"week": 9, "set": {"nurture": {"protected_time": 0.0}}, "label": "withdrawn"},
            {"week": 3, "set": {"funding.agency_budget": 0.8}},
        ],
        weeks=10,
    )
    assert [e.week for e in events] == [3, 9]
    assert events[0].label == "funding.agency_budget=0.8"
    assert events[1].changes == {"nurture.protected_time": 0.0}
    with pytest.raises(ConfigError, match="events\\[0\\].week"):
        parse_events([{"week": 11, "set": {"trust.gain": 0.1}}], weeks=10)


def test_event_changes_the_parameter_from_its_week():
    m = CopModel({"weeks": 10, "events": [{"week": 4, "set": {"funding.agency_budget": 0.5}}]})
    for week in range(1, 11):
        m.step()
        expected = 0.5 if week >= 4 else 1.0
        assert m.p.funding.agency_budget == expected
    assert m.agencies.funded.sum() == 30
    assert [e.week for e in m.event_log] == [4]


def test_seed_states_equal_numpys_seed_sequence():
    from copsim.model.streams import seed_states

    rng = np.random.default_rng(11)
    seeds = [0, 1, 12345, 2**32 - 1, 2**32, 2**64 + 7, 2**128 - 1, 2**128, 2**160 + 3]
    for seed in seeds:
        for parts in (1, 2, 3):
            keys = rng.integers(0, 2**32, size=(6, parts))
            keys[0] = 0
            keys[1] = 2**32 - 1
            if parts > 1:
                keys[2, 1] = 2**40  # above 32 bits: left to numpy
            got = seed_states(seed, keys)
            want = [
                np.random.SeedSequence(seed, spawn_key=tuple(map(int, row))).generate_state(
                    4, np.uint64
                )
                for row in keys
            ]
            assert got.dtype == np.uint64 and got.shape == (6, 4)
            assert np.array_equal(got, want), (seed, parts)
    assert seed_states(3, np.empty((0, 2), dtype=np.int64)).shape == (0, 4)


def test_generators_from_keyed_states_equal_keyed_ones():
    from copsim.model.mechanisms.cohort import SEED_GROUP, referral_seed

    streams = RandomStreams(42)
    keys = np.array([[0, 0], [5, 3], [SEED_GROUP, 1], [3 * SEED_GROUP + 7, 12]])
    words = streams.keyed_states("referrals", keys)
    for row, (place, block) in zip(words, keys, strict=True):
        want = streams.keyed("referrals", place, block)
        for got in (streams.from_state(row), streams.from_state(referral_seed(42, place, block))):
            assert got.bit_generator.state == want.bit_generator.state
            assert np.array_equal(got.random(5), streams.keyed("referrals", place, block).random(5))
