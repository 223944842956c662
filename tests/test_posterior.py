"""The shipped posterior and ``copsim run posterior=NAME draw=K``."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from copsim import posterior
from copsim.errors import UsageError
from copsim.model.schema import validate
from copsim.model.uncertainty import RETENTION_STRENGTHS
from tests.conftest import run_cli


@pytest.fixture
def shelf(tmp_path, monkeypatch):
    """A posterior folder with one small posterior, ``toy``."""
    table = pd.DataFrame(
        {"set": [0, 1], "trust.gain": [0.1, 0.2], "cop.peer_support_weeks": [2, 5]}
    )
    table.to_parquet(tmp_path / "toy.parquet", index=False)
    monkeypatch.setattr(posterior, "folder", lambda: tmp_path)
    return table


def test_a_set_replaces_the_two_items(shelf):
    args = ["seed=3", "posterior=toy", "draw=1", "weeks=10"]
    assert posterior.expand(args) == [
        "seed=3",
        "weeks=10",
        "trust.gain=0.2",
        "cop.peer_support_weeks=5",
    ]
    assert posterior.expand(["seed=3"]) == ["seed=3"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["posterior=toy"], "draw missing"),
        (["draw=0"], "posterior missing"),
        (["posterior=toy", "draw=2"], "allowed: 0 to 1"),
        (["posterior=toy", "draw=-1"], "allowed: 0 to 1"),
        (["posterior=nope", "draw=0"], "allowed: toy"),
    ],
)
def test_bad_choices_are_one_line(shelf, args, says):
    with pytest.raises(UsageError, match=says):
        posterior.expand(args)


def test_the_shipped_posterior_has_enough_varied_sets():
    assert "typical" in posterior.available()
    table = posterior.load("typical")
    params = [c for c in table.columns if c != "set"]
    assert len(table) >= 200 and len(params) >= 8
    assert {"cop.embeddedness", "workforce.embeddedness_ties"} <= set(params)
    assert set(RETENTION_STRENGTHS) <= set(params)
    for name in params:
        assert table[name].nunique() > 1, name
    for row in table[params].to_dict("records"):
        validate(row)


def test_run_takes_a_set_by_number(tmp_path):
    out = tmp_path / "run"
    proc = run_cli(
        "run",
        "posterior=typical",
        "draw=7",
        "weeks=4",
        "burn_in_weeks=4",
        f"hydra.run.dir={out}",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    config = yaml.safe_load((out / "config.yaml").read_text())
    chosen = posterior.load("typical").set_index("set").loc[7]
    flat = {
        f"{g}.{k}": v
        for g, group in config.items()
        if isinstance(group, dict)
        for k, v in group.items()
    }
    for name, value in chosen.items():
        assert flat[name] == pytest.approx(value), name


def test_a_bad_draw_is_one_line_exit_2_and_writes_nothing(tmp_path):
    proc = run_cli("run", "posterior=typical", "draw=100000", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "draw=100000" in proc.stderr
    assert list(tmp_path.iterdir()) == []
