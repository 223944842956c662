"""copsim plan: the Pareto flag, the choice, bad input, determinism and resuming after kill -9."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from copsim.analysis.plan import (
    OBJECTIVES,
    choose,
    non_dominated,
    split_args,
    wilson,
)
from copsim.errors import CopsimError
from tests.conftest import REPO, kill_after_runs, run_cli, run_cli_forked

AREA = str(REPO / "conf" / "areas" / "riverside.yaml")
# Tiny: a short burn-in and a short run; funded weeks leave the year a plan needs after them.
TINY = [
    "weeks=60",
    "burn_in_weeks=26",
    "brokerage.funded_weeks=4:8",
    "site.people=80",
    "trials=6",
    "batch=2",
    "replicates=2",
]


def _table(rows) -> pd.DataFrame:
    cols = ["cost_pv", "p_survive", "p_pays"]
    t = pd.DataFrame(rows, columns=cols)
    t.insert(0, "trial", range(len(t)))
    return t


def _dominated_by_another(t: pd.DataFrame, i: int) -> bool:
    a = t.loc[i]
    for j in t.index:
        b = t.loc[j]
        no_worse = b.cost_pv <= a.cost_pv and b.p_survive >= a.p_survive and b.p_pays >= a.p_pays
        better = b.cost_pv < a.cost_pv or b.p_survive > a.p_survive or b.p_pays > a.p_pays
        if j != i and no_worse and better:
            return True
    return False


def test_non_dominated_rows_are_dominated_by_none_and_the_others_are():
    rng = np.random.default_rng(3)
    rows = np.column_stack(
        [rng.uniform(1e3, 5e4, 60), rng.integers(0, 5, 60) / 4, rng.integers(0, 5, 60) / 4]
    )
    t = _table(np.vstack([rows, rows[:3]]))  # ties: equal rows dominate neither
    flags = non_dominated(t)
    assert any(flags) and not all(flags)
    for i, flag in enumerate(flags):
        assert flag == (not _dominated_by_another(t, i)), i
    assert [d for _, d in OBJECTIVES] == ["minimize", "maximize", "maximize"]


def test_the_cheapest_plan_meeting_the_targets_is_chosen():
    t = _table(
        [
            [9000, 0.9, 0.9],  # meets, dearer
            [5000, 0.8, 0.5],  # meets, cheapest that does
            [1000, 0.5, 0.9],  # cheapest, misses survival
            [5000, 0.7, 1.0],
        ]
    )
    assert choose(t, {"survival": 0.8, "pays": 0.5, "budget": None}) == (1, True)
    # a budget below it: none meets; the closest misses by least
    row, met = choose(t, {"survival": 0.8, "pays": 0.5, "budget": 4000})
    assert not met and row == 1  # 25% over budget, against 0.3 short (row 2)
    row, met = choose(t, {"survival": 0.95, "pays": 0.5, "budget": None})
    assert not met and row == 0  # 0.05 short: the nearest
    # ties in distance go to the cheaper plan
    assert choose(t, {"survival": 0.0, "pays": 0.0, "budget": None}) == (2, True)


def test_wilson_interval():
    low, high = wilson(0, 8)
    assert low == 0 and 0.3 < high < 0.33
    low, high = wilson(8, 8)
    assert high == 1 and 0.67 < low < 0.7
    assert wilson(0, 0) == (0.0, 1.0)
    # The interval holds its estimate for every count (a bound a hair beyond it, as the
    # textbook formula's rounding left at 0 of 3, broke the figure's error bars).
    for n in range(1, 21):
        for k in range(n + 1):
            low, high = wilson(k, n)
            assert 0.0 <= low <= k / n <= high <= 1.0, (k, n)


def test_arguments_are_read():
    req = split_args(["brokerage.hours_per_week=1:10", "nurture.protected_time=0.5", "pays=0.6"])
    assert (req.ranges["brokerage.hours_per_week"].low, req.targets["pays"]) == (1.0, 0.6)
    assert "nurture.protected_time" not in req.ranges and req.fixed
    for bad in (
        ["survival=1.5"],
        ["budget=-3"],
        ["brokerage.hours_per_week=10:1"],
        ["brokerage.hours_per_week=0:60"],
        ["brokerage.funded_weeks=4.5:10"],
        ["trials=0"],
        ["seed=3"],
    ):
        with pytest.raises(CopsimError):
            split_args(bad)


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["survival=1.5"], "invalid value for survival: '1.5' (allowed: a probability"),
        (["pays=x"], "invalid value for pays: 'x'"),
        (["budget=0"], "invalid value for budget: '0' (allowed: a sum of money above 0"),
        (["brokerage.hours_per_week=5:50"], "brokerage.hours_per_week: '5:50' (allowed: LOW:HIGH"),
        (["nurture.protected_time=0.9:0.2"], "LOW below HIGH"),
        (["weeks=104", "brokerage.funded_weeks=20:80"], "funded weeks up to 52"),
        (["weeks=40"], "invalid value for weeks: 40"),
        (["replicates=500"], "allowed: 1 to 200"),
        (["trials=0"], "invalid value for trials: '0'"),
        (["hydra.sweep.dir=x"], "copsim plan sets hydra.sweep.dir itself"),
        (["trust.gian=1"], "unknown key 'trust.gian'"),
        (["hydra/launcher=nope"], "nope"),
        (
            [f"{k}=1" for k in ("brokerage.hours_per_week", "brokerage.funded_weeks")]
            + [f"{k}=0.5" for k in ("nurture.protected_time", "nurture.manager_support")],
            "nothing to search",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, args, expect):
    out = tmp_path / "out"
    proc = run_cli_forked("plan", *args, "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and expect in proc.stderr, proc.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def _plan(tmp_path, name: str, *extra: str):
    out = tmp_path / name
    proc = run_cli("plan", f"site.file={AREA}", *TINY, *extra, "--out", str(out), cwd=tmp_path)
    return proc, out


@pytest.mark.slow
def test_plan_writes_its_files_and_is_deterministic(tmp_path):
    first, out = _plan(tmp_path, "a")
    assert first.returncode == 0, first.stderr
    for name in ("pareto.parquet", "plan.json", "pareto.png", "report.md"):
        assert (out / name).exists(), name
    table = pd.read_parquet(out / "pareto.parquet")
    assert len(table) == 6 and table["chosen"].sum() == 1
    for i in table.index[table["non_dominated"]]:
        assert not _dominated_by_another(table, i)
    assert (
        table[["p_survive_low", "p_pays_low"]]
        .le(table[["p_survive", "p_pays"]].values)
        .all(axis=None)
    )
    result = json.loads((out / "plan.json").read_text())
    chosen = table[table["chosen"]].iloc[0]
    assert result["plan"]["brokerage.funded_weeks"] == chosen["brokerage.funded_weeks"]
    assert 4 <= table["brokerage.funded_weeks"].min() <= table["brokerage.funded_weeks"].max() <= 8
    assert result["meets_targets"] == bool(chosen["meets_targets"])
    assert "## How sure this is" in (out / "report.md").read_text()
    # every plan meets the same 2 futures: one twin and one burn-in each, shared
    assert len(list((out / "sweep" / "twins").iterdir())) == 2

    second, again = _plan(tmp_path, "b")
    assert second.returncode == 0, second.stderr
    pd.testing.assert_frame_equal(table, pd.read_parquet(again / "pareto.parquet"))

    # Another search into the same folder is refused, not mixed in.
    other, _ = _plan(tmp_path, "a", "nurture.protected_time=0.5")
    assert other.returncode == 2 and "holds another search" in other.stderr, other.stderr


@pytest.mark.slow
def test_plan_killed_then_rerun_redoes_no_finished_candidate(tmp_path):
    import optuna
    from optuna.trial import TrialState

    out = tmp_path / "plan"
    args = ["plan", f"site.file={AREA}", *TINY, "--out", str(out)]
    runs = out / "sweep" / "runs"
    finished = kill_after_runs(*args, cwd=tmp_path, runs=runs)
    assert not (out / "plan.json").exists()
    storage = optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(out / "study.journal"))
    )
    before = optuna.load_study(study_name="copsim", storage=storage).get_trials()
    told = {t.number: t.params for t in before if t.state == TrialState.COMPLETE}
    assert len(finished) >= 5 and told  # the first batch was told

    again = run_cli(*args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    for path, (mtime, data) in finished.items():
        assert path.stat().st_mtime_ns == mtime and path.read_bytes() == data
    assert len(list(runs.glob("*/seed-*.parquet"))) <= 12  # 6 candidates x 2 futures
    table = pd.read_parquet(out / "pareto.parquet")
    assert len(table) == 6
    for number, params in told.items():  # told trials kept, never asked again
        row = table[table["trial"] == number].iloc[0]
        assert all(row[k] == pytest.approx(v) for k, v in params.items())
