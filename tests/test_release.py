"""What a release promises: one version everywhere, a licence, a valid citation file."""

from __future__ import annotations

import json
import tomllib

import copsim
from tests.conftest import REPO, run_cli


def test_version_is_written_once():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    hatch = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["hatch"]["version"]
    assert hatch["path"] == "src/copsim/__init__.py"


def test_cli_version_is_the_one_provenance_records(tmp_path):
    proc = run_cli("--version", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"copsim {copsim.__version__}"

    folder = tmp_path / "run"
    proc = run_cli("run", "weeks=4", f"hydra.run.dir={folder}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    prov = json.loads((folder / "provenance.json").read_text())
    assert f"copsim {prov['copsim_version']}" == run_cli("--version", cwd=tmp_path).stdout.strip()
