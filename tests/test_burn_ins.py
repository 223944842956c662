"""Burned-in states shared through a sweep folder (copsim.sweep.burn_ins)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pandas as pd
import pytest

from copsim.model import burn_in
from copsim.model.schema import SCHEMA
from copsim.runs import runner
from copsim.runs.runner import run_values
from copsim.sweep import burn_ins
from copsim.sweep.burn_ins import BurnInCache
from copsim.sweep.job import shares_burn_ins, shares_twins, swept_keys

SHORT = {"weeks": 20, "burn_in_weeks": 20, "site.people": 120}


def _values(**extra) -> dict:
    return {**{n: p.default for n, p in SCHEMA.items()}, "events": [], **SHORT, **extra}


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.weekly, b.weekly, check_exact=True)
    assert (a.summary, a.localities, a.agencies) == (b.summary, b.localities, b.agencies)


pytestmark = pytest.mark.usefixtures("fresh_caches")


def _forget() -> None:
    """A new process, as far as burn-ins and twins go."""
    burn_in.clear_cache()
    runner._twin_by_key.cache_clear()


def test_results_are_the_same_whether_the_burn_in_was_computed_or_read(tmp_path):
    values = _values(seed=3)
    computed = run_values(values)
    _forget()
    cache = BurnInCache(tmp_path, publish=True)
    published = run_values(values, burn_ins=cache)
    assert (cache.computed, cache.reused) == (1, 0)
    assert len(list(tmp_path.glob("*.pickle"))) == 1
    assert not list(tmp_path.glob("*.lock"))
    _forget()
    reader = BurnInCache(tmp_path)
    read = run_values(values, burn_ins=reader)
    assert (reader.computed, reader.reused) == (0, 1)
    _same(computed, published)
    _same(computed, read)


def test_programme_settings_share_one_burn_in(tmp_path):
    cache = BurnInCache(tmp_path, publish=True)
    for setting in ({"cop.learning_rate": 0.2}, {"brokerage.hours_per_week": 9.0}):
        _forget()
        run_values(_values(**setting), burn_ins=cache)
    assert (cache.computed, cache.reused) == (1, 1)
    _forget()
    run_values(_values(seed=1), burn_ins=cache)  # another seed: another state
    assert len(list(tmp_path.glob("*.pickle"))) == 2


def test_nothing_is_published_unless_asked(tmp_path):
    cache = BurnInCache(tmp_path)
    run_values(_values(), burn_ins=cache)
    assert not tmp_path.exists() or not list(tmp_path.iterdir())
    assert (cache.computed, cache.reused) == (0, 0)


@pytest.mark.parametrize("damage", [b"", b"not a pickle", None], ids=["empty", "junk", "cut"])
def test_a_damaged_burn_in_is_moved_aside_and_computed_again(tmp_path, capsys, damage):
    import pickle

    values = _values(seed=2)
    reference = run_values(values)
    _forget()
    run_values(values, burn_ins=BurnInCache(tmp_path, publish=True))
    (path,) = tmp_path.glob("*.pickle")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage is None else damage)
    _forget()
    cache = BurnInCache(tmp_path, publish=True)
    again = run_values(values, burn_ins=cache)
    assert cache.computed == 1
    assert "computed again" in capsys.readouterr().err
    assert len(list(tmp_path.glob("*.pickle.bad-*"))) == 1
    # The file published again: a checksum line, then the pickle it covers.
    assert isinstance(pickle.loads(path.read_bytes().partition(b"\n")[2]), burn_in.SiteState)
    _same(reference, again)


def test_a_state_from_other_code_is_not_read(tmp_path, monkeypatch):
    run_values(_values(), burn_ins=BurnInCache(tmp_path, publish=True))
    _forget()
    monkeypatch.setattr(burn_ins, "code_digest", lambda: "another model")
    cache = BurnInCache(tmp_path, publish=True)
    run_values(_values(), burn_ins=cache)
    assert (cache.computed, cache.reused) == (1, 0)


def test_a_sweep_knows_its_swept_keys_from_multirun_yaml(tmp_path):
    task = ["brokerage.hours_per_week=0,5", "seed=range(0,4)", "weeks=20", "scenario=glob(*)"]
    (tmp_path / "multirun.yaml").write_text(f"hydra:\n  overrides:\n    task: {task}\n")
    assert swept_keys(tmp_path) == {"brokerage.hours_per_week", "seed", "scenario"}
    assert swept_keys(tmp_path / "elsewhere") is None


def test_a_points_sweep_declares_the_keys_its_points_vary(tmp_path):
    # copsim plan's candidates differ in levers a twin and a burn-in ignore: shared.
    (tmp_path / "multirun.yaml").write_text(
        "hydra:\n  overrides:\n    task: [weeks=20]\n  sweeper:\n"
        "    varied: [brokerage.hours_per_week]\n"
    )
    keys = swept_keys(tmp_path)
    assert keys == {"brokerage.hours_per_week"} and shares_twins(keys) and shares_burn_ins(keys)


def test_only_points_over_what_cannot_act_before_week_0_publish():
    assert shares_burn_ins(["brokerage.hours_per_week", "seed"])
    assert shares_burn_ins(["scenario"]) and shares_burn_ins(["weeks"])
    assert shares_burn_ins(["site", "cop.learning_rate"])
    assert not shares_burn_ins(["seed", "replicates"])
    assert not shares_burn_ins(["site", "site.people", "nurture.commissioner_engagement"])


def test_only_points_over_what_a_twin_ignores_publish_twins():
    assert shares_twins(["brokerage.hours_per_week", "seed"]) and shares_twins(["scenario"])
    assert shares_twins(["site", "nurture.protected_time"])
    # The run's length and unit costs act on a twin: its points' twins differ.
    assert not shares_twins(["weeks"]) and not shares_twins(["crises.arrest_custody_cost"])
    assert not shares_twins(["seed", "replicates"])
    assert not shares_twins(["site", "nurture.commissioner_engagement"])


def _prepare(folder: str) -> tuple[int, int]:
    cache = BurnInCache(Path(folder), publish=True)
    for seed in range(3):
        cache.prepare(_values(seed=seed))
    return cache.computed, cache.reused


@pytest.mark.slow
def test_each_burn_in_is_computed_once_across_processes(tmp_path):
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        results = pool.map(_prepare, [str(tmp_path)] * 3)
    assert sum(computed for computed, _ in results) == 3
    assert sum(reused for _, reused in results) == 6
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".pickle"] * 3  # no lock left


@pytest.mark.slow
def test_a_sweep_over_seeds_publishes_no_burn_in_and_no_twin(tmp_path):
    from tests.conftest import run_cli

    proc = run_cli(
        "run", "-m", "seed=0,2", "weeks=20", "replicates=2", "hydra.sweep.dir=sweep", cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "sweep" / "burn-ins").exists()  # weeks=20 is not swept
    assert not (tmp_path / "sweep" / "twins").exists()
