"""Shared helpers for the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


@pytest.fixture
def small_model() -> CopModel:
    """A small, short model for mechanism tests."""
    return CopModel({"site.practitioners_per_agency": 5, "site.people": 60, "weeks": 30})
