"""The Optuna form of copsim calibrate: the loss, its search space, a tiny run and a resume."""

import json

import pandas as pd
import pytest

from copsim.analysis import history_matching
from copsim.analysis.calibration import HELD_OUT, TARGETS, Target, loss, settings
from copsim.analysis.targets import TARGETS as REFERENCE
from copsim.model.schema import SCHEMA
from tests.conftest import run_cli

TINY = ["replicates=1", "weeks=30", "burn_in_weeks=26", "site.people=60"]


def test_loss_is_below_one_per_target_inside_every_range():
    inside = {t.name: (t.low + t.high) / 2 + 0.4 * (t.high - t.low) / 2 for t in TARGETS}
    assert loss(inside) < len(TARGETS)
    assert Target("x", 0.2, 0.4, "").loss(0.5) == pytest.approx(4.0)


def test_both_calibrations_read_one_set_of_targets():
    assert history_matching.TARGETS is REFERENCE
    assert {t.name for t in (*TARGETS, *HELD_OUT)} == {t.name for t in REFERENCE}
    assert [t.name for t in TARGETS] == ["turnover_rate", "vacancy_rate"]


def test_search_space_lies_within_the_schema():
    for name, (low, high) in settings()["params"].items():
        assert SCHEMA[name].low <= low < high <= SCHEMA[name].high, name


@pytest.mark.slow
def test_calibrate_runs_optuna_trials_and_resumes(tmp_path):
    out = tmp_path / "cal"
    args = ["calibrate", "trials=3", "batch=2", *TINY, "--out", str(out)]
    proc = run_cli(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    best = json.loads((out / "best.json").read_text())
    assert set(best["best_params"]) == set(settings()["params"])
    assert set(best["held_out_met"]) == {t.name for t in HELD_OUT}
    trials = pd.read_parquet(out / "trials.parquet")
    assert len(trials) == 3 and best["loss"] == trials["loss"].min()
    runs = {p: p.stat().st_mtime_ns for p in (out / "sweep" / "runs").glob("*/seed-*.parquet")}
    # The same command with more trials: the three are kept, their runs not redone.
    more = run_cli(*[a if a != "trials=3" else "trials=4" for a in args], cwd=tmp_path)
    assert more.returncode == 0, more.stderr
    again = pd.read_parquet(out / "trials.parquet")
    pd.testing.assert_frame_equal(again.head(3), trials)
    assert all(p.stat().st_mtime_ns == t for p, t in runs.items()) and len(again) == 4


def test_calibrate_rejects_a_bad_override(tmp_path):
    proc = run_cli("calibrate", "weeks=0", cwd=tmp_path)
    assert proc.returncode == 2 and "weeks" in proc.stderr
    assert list(tmp_path.iterdir()) == []
