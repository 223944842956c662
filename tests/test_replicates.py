"""Seeds stepped side by side (copsim.model.replicates) end exactly where each ends alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from copsim.model import burn_in, replicates
from copsim.model.cop_model import WEEK
from copsim.model.draws import Draws
from copsim.model.parameters import Parameters
from copsim.model.schema import SCHEMA
from copsim.model.side_by_side import SideBySide
from copsim.runs import runner
from copsim.runs.outputs import twin_columns, twin_outcome, twin_outcomes

SHORT = {"weeks": 26, "burn_in_weeks": 40, "site.people": 90}
SEEDS = [11, 12, 13]
# Sites that exercise every per-replicate rule: moves between agencies, an area file,
# a region (several localities a replicate), a commissioner who moves budgets, events.
CONFIGS = [
    {},
    {"region.move_rate": 0.5, "site.agencies_per_type": 2},
    {"site.file": "conf/areas/riverside.yaml"},
    {"region.localities": 2, "region.move_rate": 0.3},
    {"nurture.commissioner_engagement": 0.9, "commissioner.review_weeks": 4},
    # Several units of outreach a week: each broker's introductions and reviews unit by
    # unit across the seeds (brokerage._outreach_each_run).
    {"brokerage.hours_per_week": 12.0},
    # The rules before the defaults' keyed races and fading rises: least loaded, rises kept.
    {"casework.key_worker_choice": "least_loaded", "needs.crisis_shock_weeks": 0},
]


def _values(**extra) -> dict:
    return {**{n: p.default for n, p in SCHEMA.items()}, "events": [], **SHORT, **extra}


pytestmark = pytest.mark.usefixtures("fresh_caches")


def _assert_same(a, b, path: str = "") -> None:
    """Every array and number of two objects equal, bit for bit (and of the same type)."""
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, path
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), path
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _assert_same(a[k], b[k], f"{path}.{k}")
    elif hasattr(a, "__dict__"):
        for k, v in vars(a).items():
            if not k.startswith("_"):
                _assert_same(v, getattr(b, k), f"{path}.{k}")
    else:
        assert type(a) is type(b) and a == b, path


def _assert_same_state(got, alone) -> None:
    for part in ("agencies", "posts", "people"):
        _assert_same(getattr(got, part), getattr(alone, part), part)
    for x, y in zip(got.ties.view(), alone.ties.view(), strict=True):
        _assert_same(x, y, "ties")
    assert got.draws.seeds == alone.draws.seeds


@pytest.mark.parametrize("config", CONFIGS)
def test_burn_ins_side_by_side_equal_each_alone(config):
    p = Parameters(burn_in.burn_in_values(_values(**config)))
    together = burn_in.BurnIn.side_by_side(p, SEEDS).run_each(WEEK)
    for seed, got in zip(SEEDS, together, strict=True):
        alone = burn_in.BurnIn(Parameters({**p.as_dict(), "seed": seed})).run(WEEK)
        _assert_same_state(got, alone)


@pytest.mark.parametrize(
    "config",
    [*CONFIGS, {"events": [{"week": 5, "set": {"funding.agency_budget": 0.8}}]}],
)
def test_twins_side_by_side_equal_each_alone(config):
    values = runner.twin_values(_values(**config))
    together = SideBySide(values, SEEDS, WEEK, twin_columns).run_to_end()
    for seed, got in zip(SEEDS, twin_outcomes(together), strict=True):
        alone = runner.CopModel({**values, "seed": seed}, agents=False).run_to_end()
        assert got == twin_outcome(alone)


@pytest.mark.parametrize("hours", [5.0, 12.0])
def test_brokers_side_by_side_leave_each_tie_table_as_alone(hours):
    # Tie order matters later (among equally trusted ties the last is used): each seed's
    # outreach, taken unit by unit across the seeds, must add its ties in its own order.
    values = _values(**{"brokerage.hours_per_week": hours})
    together = SideBySide(values, SEEDS, WEEK, twin_columns).run_to_end()
    for seed, got in zip(SEEDS, together.each_alone(), strict=True):
        alone = runner.CopModel({**values, "seed": seed}, agents=False).run_to_end()
        assert alone.broker.introductions.sum() > 0
        for x, y in zip(got.ties.view(), alone.ties.view(), strict=True):
            _assert_same(x, y, "ties")


def test_analyses_run_seeds_side_by_side_with_the_results_of_runs_alone():
    from copsim.analysis.replicates import _batches, run_many

    jobs = [("a", _values(seed=s)) for s in SEEDS] + [("b", _values(seed=1, weeks=20))]
    # The seeds of "a" go together, "b" alone; two workers get a batch at least each.
    assert [len(b) for b in _batches(jobs, 1)] == [3, 1]
    assert [len(b) for b in _batches(jobs, 2)] == [2, 1, 1]
    got = run_many(jobs, workers=1)
    assert [label for label, _ in got] == ["a", "a", "a", "b"]
    for (_, values), (_, result) in zip(jobs, got, strict=True):
        alone = runner.run_values(values)
        pd.testing.assert_frame_equal(alone.weekly, result.weekly, check_exact=True)
        assert alone.summary == result.summary


def test_stack_then_unstack_gives_each_state_back():
    p = Parameters(burn_in.burn_in_values(_values(**{"region.localities": 2})))
    states = [burn_in.BurnIn(Parameters({**p.as_dict(), "seed": s})).run(WEEK) for s in SEEDS]
    stacked = replicates.stack(states)
    assert len(stacked.posts) == 3 * len(states[0].posts)
    assert stacked.agencies.n_localities == 6
    # A person's key worker and agencies are in their own replicate's block.
    block = len(states[0].posts)
    kw = stacked.people.key_worker.reshape(3, -1)
    assert all(((k < 0) | (k // block == r)).all() for r, k in enumerate(kw))
    for got, alone in zip(replicates.unstack(stacked), states, strict=True):
        _assert_same_state(got, alone)


def test_each_replicate_draws_what_its_seed_draws_alone():
    together = Draws.stack(Draws(s) for s in SEEDS)
    assert together.replicates == 3 and [d.seeds for d in together.each()] == [(s,) for s in SEEDS]
    n = 7
    words = together.identities("person", np.arange(3 * n), n, np.arange(3 * n) % 3)
    got = together.uniform("needs.noise", 5, words[:, None], np.arange(6))
    for r, seed in enumerate(SEEDS):
        alone = Draws(seed)
        own = alone.identities("person", np.arange(n), n, np.arange(r * n, (r + 1) * n) % 3)
        assert np.array_equal(own, words[r * n : (r + 1) * n])
        want = alone.uniform("needs.noise", 5, own[:, None], np.arange(6))
        assert np.array_equal(got[r * n : (r + 1) * n], want)
    # Seeds never share words: replicate 0's and 1's first people differ.
    assert len(set(words.tolist())) == len(words)


def test_the_counts_and_sums_of_one_replicate_are_plain():
    one = type("Alone", (), {"replicates": 1})()
    index, values = np.array([1, 4, 7]), np.array([0.1, 0.2, 0.3])
    assert replicates.count(one, index, 9) == 3
    assert replicates.sums(one, values, index, 9) == float(values.sum())
    three = type("Three", (), {"replicates": 3})()
    assert replicates.count(three, index, 9).tolist() == [1, 1, 1]
    assert replicates.sums(three, values, index, 9).tolist() == [0.1, 0.2, 0.3]


@pytest.mark.parametrize(
    "config",
    [
        *CONFIGS,
        {"brokerage.hours_per_week": 12.0, "brokerage.setup_weeks": 4},  # meetings, a CoP
        {"region.localities": 2, "brokerage.hours_per_week": 12.0, "brokerage.setup_weeks": 4},
        {"brokerage.hours_per_week": 0.0},  # its own twin
        {"casework.key_worker_choice": "least_loaded", "needs.crisis_shock_weeks": 0},
        {"events": [{"week": 6, "set": {"brokerage.hours_per_week": 0.0}}]},
    ],
)
def test_runs_side_by_side_equal_each_run_alone(config):
    runs = [_values(**{**config, "seed": s}) for s in SEEDS]
    alone = [runner.run_values(v) for v in runs]
    burn_in.clear_cache()
    runner._twin_by_key.cache_clear()
    together = runner.run_side_by_side(runs)
    for a, b in zip(alone, together, strict=True):
        pd.testing.assert_frame_equal(a.weekly, b.weekly, check_exact=True)
        assert (a.summary, a.localities, a.agencies, a.events) == (
            b.summary,
            b.localities,
            b.agencies,
            b.events,
        )


def test_runs_side_by_side_whose_burn_ins_are_partly_cached_equal_runs_alone():
    runs = [_values(seed=s) for s in SEEDS]
    alone = [runner.run_values(v) for v in runs[:2]]  # their burn-ins now cached
    together = runner.run_side_by_side(runs)  # one burn-in to compute, two to reuse
    alone.append(runner.run_values(runs[2]))
    for a, b in zip(alone, together, strict=True):
        pd.testing.assert_frame_equal(a.weekly, b.weekly, check_exact=True)
        assert a.summary == b.summary


def test_runs_side_by_side_must_differ_only_in_their_seeds():
    with pytest.raises(ValueError, match="only in their seeds"):
        runner.run_side_by_side([_values(seed=1), _values(seed=2, weeks=30)])
