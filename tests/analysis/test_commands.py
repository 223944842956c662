"""copsim compare and copsim sensitivity through the real CLI."""

import pandas as pd
import pytest
from PIL import Image

from tests.conftest import run_cli

# Each runs many models (compare, sensitivity, calibration): the full tier, `make test`.
pytestmark = pytest.mark.slow


def test_compare_named_configurations(tmp_path):
    out = tmp_path / "cmp"
    proc = run_cli(
        "compare",
        "scenario=cop_nurtured,cop_unnurtured",
        "weeks=40",
        "replicates=3",
        "--baseline",
        "scenario=cop_unnurtured",
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    for name in (
        "report.md",
        "summary_stats.csv",
        "summary_stats.md",
        "paired_differences.csv",
        "paired_differences.md",
        "weekly_bands.png",
        "forest.png",
        "runs.parquet",
    ):
        assert (out / name).exists(), name
    diffs = pd.read_csv(out / "paired_differences.csv")
    assert set(diffs["config"]) == {"scenario=cop_nurtured"}
    assert set(diffs["baseline"]) == {"scenario=cop_unnurtured"}
    assert (diffs["low"] <= diffs["high"]).all()
    with Image.open(out / "forest.png") as img:
        assert "git" in img.info["Software"] and "copsim" in img.info["Software"]
    report = (out / "report.md").read_text()
    assert "![Paired differences](forest.png)" in report


def test_compare_draws_a_heatmap_for_two_swept_parameters(tmp_path):
    out = tmp_path / "grid"
    proc = run_cli(
        "compare",
        "brokerage.hours_per_week=0,5",
        "site.joint_working_history=0.2,0.8",
        "weeks=30",
        "replicates=2",
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "heatmap.png").exists()


def test_compare_bad_input_is_one_line(tmp_path):
    proc = run_cli("compare", "scenario=cop,nowhere", "replicates=2", cwd=tmp_path)
    assert proc.returncode == 2 and "nowhere" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_cli("compare", "scenario=cop,no_cop", "replicates=0", cwd=tmp_path)
    assert proc.returncode == 2 and "replicates" in proc.stderr


def test_sensitivity_morris_returns_every_parameter(tmp_path):
    params = ["brokerage.hours_per_week", "nurture.protected_time", "funding.agency_budget"]
    out = tmp_path / "sens"
    proc = run_cli(
        "sensitivity",
        "weeks=40",
        "--params",
        ",".join(params),
        "--range",
        "brokerage.hours_per_week=0:10",
        "--samples",
        "3",
        "--replicates",
        "2",
        "--output",
        "burnout_mean",
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    indices = pd.read_csv(out / "indices.csv")
    assert indices["parameter"].tolist() == params
    assert indices["mu_star"].notna().all() and (indices["mu_star_conf"] >= 0).all()
    assert indices.set_index("parameter").loc["funding.agency_budget", "mu_star"] > 0
    assert (out / "indices.png").exists()


def test_sensitivity_rejects_a_range_outside_the_schema(tmp_path):
    proc = run_cli(
        "sensitivity", "--params", "trust.gain", "--range", "trust.gain=0:2", cwd=tmp_path
    )
    assert proc.returncode == 2 and "trust.gain" in proc.stderr


def test_compare_a_collected_sweep_folder(tmp_path):
    sweep = tmp_path / "sweep"
    proc = run_cli(
        "run",
        "-m",
        "brokerage.hours_per_week=0,5",
        "site.joint_working_history=0.2,0.8",
        "weeks=30",
        "replicates=3",
        f"hydra.sweep.dir={sweep}",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "cmp"
    proc = run_cli(
        "compare",
        str(sweep),
        "--baseline",
        "brokerage.hours_per_week=0 site.joint_working_history=0.8",
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    diffs = pd.read_csv(out / "paired_differences.csv")
    assert diffs["config"].nunique() == 3 and (diffs["n"] == 3).all()
    assert (out / "heatmap.png").exists() and (out / "weekly_bands.png").exists()
