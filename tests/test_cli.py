"""``copsim run`` end to end: the five files of a run folder."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from PIL import Image

from copsim.model.cop_model import CopModel
from copsim.model.records import WEEKLY
from copsim.runs.folder import RUN_FILES
from copsim.runs.outputs import SUMMARY
from tests.conftest import run_cli


@pytest.mark.slow
def test_default_run_writes_the_five_files(tmp_path):
    proc = run_cli("run", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (folder,) = (tmp_path / "results" / "runs").iterdir()
    for name in RUN_FILES:
        assert (folder / name).stat().st_size > 0, name
    assert not list(folder.glob(".tmp.*"))
    assert "run written to" in proc.stdout and "turnover" in proc.stdout

    weekly = pd.read_parquet(folder / "weekly.parquet")
    assert list(weekly.columns) == [o.name for o in WEEKLY]
    assert len(weekly) == 157
    summary = json.loads((folder / "summary.json").read_text())
    assert list(summary) == [o.name for o in SUMMARY]

    prov = json.loads((folder / "provenance.json").read_text())
    for key in ("copsim_version", "git_commit", "packages", "seed", "command", "config_hash"):
        assert key in prov
    assert prov["packages"]["mesa"].startswith("3.5")

    with Image.open(folder / "overview.png") as img:
        assert img.width >= 1000 and img.height >= 600
        assert "copsim" in img.info.get("Software", "")

    # The resolved config reproduces the run on its own.
    tree = yaml.safe_load((folder / "config.yaml").read_text())
    flat = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    again = CopModel(flat).run_to_end().weekly_table()
    pd.testing.assert_frame_equal(again, weekly, check_exact=True)


def test_python_module_entry_point_and_version(tmp_path):
    proc = run_cli("--version", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith("copsim ")
