"""Shared helpers for the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from copsim.model.cop_model import CopModel

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real ``copsim`` command (as ``python -m copsim``) in ``cwd``."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("HYDRA_FULL_ERROR", None)
    return subprocess.run(
        [sys.executable, "-m", "copsim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
    )


# --- sweeps, shared by every launcher's test (tests/test_sweep.py, tests/test_sweep_ray.py) ---

SWEEP_POINTS = ["brokerage.hours_per_week=0,5", "site=poor_history,good_history", "weeks=20"]
SWEEP_REPLICATES = 2
# What may differ between two sweeps of the same points: timing, when, and the commit (others
# may commit to the checkout between two sweeps).
VOLATILE = ["compute_seconds", "created", "git_commit"]


def sweep(
    tmp_path: Path,
    *extra: str,
    folder: str = "sweep",
    points: list[str] = SWEEP_POINTS,
    replicates: int = SWEEP_REPLICATES,
    env: dict | None = None,
) -> tuple[subprocess.CompletedProcess, Path]:
    """Run ``copsim run -m`` over ``points`` into ``folder`` (relative to ``tmp_path``)."""
    proc = run_cli(
        "run",
        "-m",
        *points,
        f"replicates={replicates}",
        f"hydra.sweep.dir={folder}",
        *extra,
        cwd=tmp_path,
        env=env,
    )
    return proc, tmp_path / folder


def assert_same_tables(expected, other) -> None:
    """Two sweeps' collected tables (``SweepTables``) hold the same runs, value for value."""
    pd.testing.assert_frame_equal(
        expected.summary.drop(columns=VOLATILE),
        other.summary.drop(columns=VOLATILE),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(expected.weekly, other.weekly, check_exact=True)


@pytest.fixture
def small_model() -> CopModel:
    """A small, short model for mechanism tests."""
    return CopModel({"site.practitioners_per_agency": 5, "site.people": 60, "weeks": 30})
