"""Same configuration and seed give identical results, in any process and through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

import copsim
from tests.conftest import run_cli

OVERRIDES = ["scenario=cop_nurtured", "site=poor_history", "weeks=60"]


@pytest.mark.slow
def test_same_seed_same_results_in_process():
    a = copsim.run(OVERRIDES, seed=4)
    b = copsim.run(OVERRIDES, seed=4)
    pd.testing.assert_frame_equal(a.weekly, b.weekly, check_exact=True)
    assert a.summary == b.summary


@pytest.mark.slow
def test_different_seeds_differ():
    a = copsim.run(OVERRIDES, seed=4)
    b = copsim.run(OVERRIDES, seed=5)
    assert not a.weekly.equals(b.weekly)


@pytest.mark.slow
def test_same_seed_same_results_in_a_separate_process(tmp_path):
    out = tmp_path / "weekly.parquet"
    code = (
        "import copsim, sys; r = copsim.run(sys.argv[1:-1], seed=4); "
        "r.weekly.to_parquet(sys.argv[-1])"
    )
    subprocess.run([sys.executable, "-c", code, *OVERRIDES, str(out)], check=True, timeout=120)
    here = copsim.run(OVERRIDES, seed=4).weekly
    pd.testing.assert_frame_equal(pd.read_parquet(out), here, check_exact=True)


@pytest.mark.slow
def test_api_and_cli_give_identical_tables(tmp_path):
    proc = run_cli("run", *OVERRIDES, "seed=4", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (folder,) = (tmp_path / "results" / "runs").iterdir()
    api = copsim.run(OVERRIDES, seed=4)
    pd.testing.assert_frame_equal(
        pd.read_parquet(folder / "weekly.parquet"), api.weekly, check_exact=True
    )
    assert json.loads((folder / "summary.json").read_text()) == api.summary
