"""Docs that match the code: generated dictionaries are current, the ODD covers the model."""

from __future__ import annotations

import re
from pathlib import Path

from copsim.dictionaries import write_dictionaries
from copsim.model.cop_model import WEEK
from copsim.model.prices import UNIT_COSTS
from copsim.model.schema import PARAMS
from copsim.model.uncertainty import CALIBRATION_PRIORS, UNCERTAINTY

REPO = Path(__file__).resolve().parents[1]
MECHANISMS = sorted(
    p.stem for p in (REPO / "src/copsim/mechanisms").glob("*.py") if p.stem != "__init__"
)


def test_generated_dictionaries_are_current():
    assert write_dictionaries(REPO / "docs", check=True) == [], "run `copsim docs`"


def test_evidence_register_is_generated_and_in_the_site(tmp_path):
    written = {p.name for p in write_dictionaries(tmp_path)}
    assert "evidence.md" in written
    text = (tmp_path / "evidence.md").read_text()
    for name in [*UNCERTAINTY, *CALIBRATION_PRIORS]:
        assert f"| `{name}` |" in text, name
    costs = text.split("## Unit costs")[1].splitlines()
    for name, cost in UNIT_COSTS.items():
        row = next(line for line in costs if line.startswith(f"| `{name}` | "))
        assert f"| {cost.price_year} |" in row, name
    assert "evidence.md" in (REPO / "mkdocs.yml").read_text()
    for page in ("economics.md", "calibration.md"):
        assert "(evidence.md)" in (REPO / "docs" / page).read_text(), page


def test_odd_has_every_section_step_and_mechanism():
    odd = (REPO / "docs/ODD.md").read_text()
    for section in (
        "Purpose and patterns",
        "Entities, state variables and scales",
        "Process overview and scheduling",
        "Design concepts",
        "Initialisation",
        "Input data",
        "Submodels",
    ):
        assert section in odd, section
    for name, _ in WEEK:
        assert name in odd, f"step {name!r} missing from the ODD's schedule"
    for module in MECHANISMS:
        assert f"mechanisms/{module}.py" in odd, f"mechanism {module} missing from the ODD"


def test_odd_names_only_real_parameters():
    odd = (REPO / "docs/ODD.md").read_text()
    names = {p.name for p in PARAMS}
    groups = {p.group for p in PARAMS if p.group}
    cited = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", odd))
    unknown = {c for c in cited if c.split(".")[0] in groups and c not in names}
    assert not unknown, unknown


def test_readme_quick_start_is_two_commands():
    readme = (REPO / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (REPO / ".ci/run").read_text()
