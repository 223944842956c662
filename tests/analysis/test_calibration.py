"""Calibration through Hydra's Optuna sweeper, end to end on a tiny budget."""

import re

import pytest
import yaml

from copsim.analysis.calibration import TARGETS, Target, loss
from copsim.config import conf_dir
from copsim.model.schema import SCHEMA
from tests.conftest import run_cli

# Each runs many models (compare, sensitivity, calibration): the full tier, `make test`.
pytestmark = pytest.mark.slow


def test_loss_is_below_one_per_target_inside_every_range():
    inside = {t.name: (t.low + t.high) / 2 + 0.4 * (t.high - t.low) / 2 for t in TARGETS}
    assert loss(inside) < len(TARGETS)
    assert Target("x", 0.2, 0.4, "").loss(0.5) == pytest.approx(4.0)


def test_search_space_lies_within_the_schema():
    cfg = yaml.safe_load((conf_dir() / "calibration.yaml").read_text())
    for name, spec in cfg["hydra"]["sweeper"]["params"].items():
        low, high = map(float, re.findall(r"[-\d.]+", spec))
        assert SCHEMA[name].low <= low < high <= SCHEMA[name].high, name


def test_calibrate_runs_optuna_trials(tmp_path):
    out = tmp_path / "cal"
    proc = run_cli(
        "calibrate",
        "hydra.sweeper.n_trials=2",
        "replicates=1",
        "weeks=30",
        f"hydra.sweep.dir={out}",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    result = yaml.safe_load((out / "optimization_results.yaml").read_text())
    assert set(result["best_params"]) == {
        "workforce.turnover_at_zero_burnout",
        "workforce.hiring_lag_weeks",
    }
    assert (out / "0" / "trial.json").exists()


def test_calibrate_rejects_a_bad_override(tmp_path):
    proc = run_cli("calibrate", "weeks=0", cwd=tmp_path)
    assert proc.returncode == 2 and "weeks" in proc.stderr
