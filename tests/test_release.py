"""What a release promises: one version everywhere, a licence, a valid citation file."""

from __future__ import annotations

import json
import tomllib

import pytest

import copsim
from tests.conftest import REPO, run_cli


def test_version_is_written_once():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    hatch = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["hatch"]["version"]
    assert hatch["path"] == "src/copsim/__init__.py"


@pytest.mark.slow
def test_cli_version_is_the_one_provenance_records(tmp_path):
    proc = run_cli("--version", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"copsim {copsim.__version__}"

    folder = tmp_path / "run"
    proc = run_cli("run", "weeks=4", f"hydra.run.dir={folder}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    prov = json.loads((folder / "provenance.json").read_text())
    assert f"copsim {prov['copsim_version']}" == run_cli("--version", cwd=tmp_path).stdout.strip()


def test_licence_is_the_one_pyproject_declares():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["license"] == {"text": "MIT"}
    licence = (REPO / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "copsim developers" in licence


def test_citation_file_is_valid_cff_with_copsim_version():
    import jsonschema
    import yaml

    # The CFF 1.2.0 schema as cffconvert ships it (tests/data/README.md), checked offline.
    schema = json.loads((REPO / "tests" / "data" / "citation-cff-1.2.0.schema.json").read_text())
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(citation)]
    assert not errors, errors
    assert citation["cff-version"] == "1.2.0"
    assert citation["version"] == copsim.__version__
    assert citation["license"] == "MIT"
    titles = " ".join(r["title"] for r in citation["references"])
    assert "Little Miracles" in titles and "Not just a talking shop" in titles


def test_citation_schema_check_catches_a_bad_file():
    import jsonschema

    schema = json.loads((REPO / "tests" / "data" / "citation-cff-1.2.0.schema.json").read_text())
    bad = {"cff-version": "1.2.0", "message": "cite", "title": "x", "authors": [{"nam": "y"}]}
    assert list(jsonschema.Draft7Validator(schema).iter_errors(bad))
