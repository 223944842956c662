"""History matching: implausibility on a known toy, the designs, and the command end to end."""

import json

import numpy as np
import pandas as pd
import pytest

from copsim.analysis import history_matching as hm
from tests.conftest import run_cli

TOY = (hm.Target("a", 0.45, 0.55, "toy", True, 0.01),)
"""A toy target: f(u) = u0 observed at 0.5."""


@pytest.fixture(scope="module")
def toy_emulator():
    u = hm.hypercube(2, 30, seed=1)
    return hm.fit_emulator("a", u, u[:, 0], ensemble_var=1e-4, seed=1)


def test_points_far_from_the_target_are_cut(toy_emulator):
    u = np.array([[0.05, 0.5], [0.95, 0.5], [0.5, 0.1], [0.5, 0.9]])
    imp = hm.target_implausibility(toy_emulator, TOY[0], u)
    assert imp[0] > hm.CUTOFF and imp[1] > hm.CUTOFF
    assert imp[2] < 1 and imp[3] < 1
    assert hm.non_implausible([{"a": toy_emulator}], u, TOY).tolist() == [0, 0, 1, 1]


def test_the_emulator_reproduces_the_toy_and_is_confident(toy_emulator):
    u = hm.hypercube(2, 200, seed=2)
    mean, var = toy_emulator.predict(u)
    assert np.max(np.abs(mean - u[:, 0])) < 0.03
    assert np.all(var >= 0) and np.sqrt(var.max()) < 0.03


@pytest.mark.parametrize("term", ["emulator", "ensemble", "discrepancy", "observation"])
def test_every_variance_term_widens_the_space(term):
    u = np.linspace(0, 1, 201)
    base = {"emulator": 1e-4, "ensemble": 1e-4, "discrepancy": 1e-4, "observation": 1e-4}
    wide = {**base, term: 0.01}

    def kept(v):
        imp = hm.implausibility(
            0.5, u, v["emulator"], v["ensemble"], v["discrepancy"], v["observation"]
        )
        return imp < hm.CUTOFF

    assert kept(base).sum() < kept(wide).sum()
    assert np.all(kept(wide)[kept(base)])  # the narrow space lies inside the wide one


def test_maximum_over_fitted_targets_only(toy_emulator):
    held = hm.Target("b", 0.9, 1.0, "held out", False, 0.01)
    u = np.array([[0.5, 0.5]])
    emulators = {"a": toy_emulator, "b": toy_emulator}
    assert hm.non_implausible([emulators], u, (*TOY, held))[0]  # b would rule it out


def test_the_first_design_lies_in_the_priors_supports():
    dists = hm.priors()
    assert len(dists) >= 8 and "cop.embeddedness" not in dists
    values = hm.to_values(hm.hypercube(len(dists), 200, hm.HM_SEED), dists)
    for name, d in dists.items():
        lo, hi = d.support()
        assert values[name].between(lo, hi).all(), name
        assert values[name].std() > 0, name


def test_probabilities_invert_the_values():
    dists = hm.priors()
    u = hm.hypercube(len(dists), 5, seed=3)
    values = hm.to_values(u, dists)
    back = np.vstack([hm.to_probabilities(row, dists) for row in values.to_dict("records")])
    assert np.allclose(back, u, atol=1e-6)


def test_the_second_wave_lies_inside_the_first_waves_space(toy_emulator):
    waves = [{"a": toy_emulator}]
    u = hm.next_design(waves, 2, 40, seed=5, targets=TOY)
    assert len(u) == 40
    assert hm.non_implausible(waves, u, TOY).all()
    assert np.abs(u[:, 0] - 0.5).max() < 0.3  # the toy's space is a band around u0 = 0.5
    screen = hm.hypercube(2, 2000, seed=6)
    assert 0.1 < hm.non_implausible(waves, screen, TOY).mean() < 0.9


def test_no_design_follows_a_wave_that_rules_out_everything(toy_emulator):
    far = (hm.Target("a", 4.9, 5.1, "out of reach", True, 0.01),)
    assert len(hm.next_design([{"a": toy_emulator}], 2, 10, seed=7, targets=far, tries=2)) == 0


def test_results_table_has_each_targets_moments():
    dists = hm.priors()
    u = hm.hypercube(len(dists), 2, seed=4)
    names = [t.name for t in hm.TARGETS]
    runs = pd.DataFrame(
        [
            {"label": f"hm-{i}", "seed": s, **{n: i + s for n in names}}
            for i in (0, 1)
            for s in (0, 1)
        ]
    )
    table = hm.results_table(runs, u, dists)
    assert table["turnover_rate_mean"].tolist() == [0.5, 1.5]
    assert table["turnover_rate_var"].tolist() == [0.5, 0.5]
    assert table["seeds"].tolist() == [2, 2]


def test_resampling_draws_near_the_target_and_inside_the_space(toy_emulator):
    waves = [{"a": toy_emulator}]
    candidates = hm.hypercube(2, 4000, seed=8)
    u, ess = hm.resample(waves, candidates, 300, seed=9, targets=TOY)
    assert len(u) == 300 and hm.non_implausible(waves, u, TOY).all()
    # The likelihood pulls u0 towards the toy's 0.5 more tightly than the cut-off alone.
    inside = candidates[hm.non_implausible(waves, candidates, TOY)]
    assert abs(u[:, 0].mean() - 0.5) < 0.02
    assert u[:, 0].std() < inside[:, 0].std()
    # u1 does not act on the toy: it keeps its prior spread.
    assert 0.2 < u[:, 1].std() < 0.35
    assert 1 < ess <= len(inside)
    far = (hm.Target("a", 4.9, 5.1, "out of reach", True, 0.01),)
    assert len(hm.resample(waves, candidates, 10, seed=9, targets=far)[0]) == 0


def test_posterior_sets_vary_every_strength_and_validate():
    from copsim.model.schema import SCHEMA
    from copsim.model.uncertainty import RETENTION_STRENGTHS

    dists = hm.priors()
    table = hm.posterior_table(hm.hypercube(len(dists), 50, seed=10), dists, seed=11)
    assert len(table) == 50 and table["set"].tolist() == list(range(50))
    assert set(hm.INPUTS) | set(RETENTION_STRENGTHS) <= set(table.columns)
    for name in set(table.columns) - {"set"}:
        assert table[name].nunique() > 1, name
        if SCHEMA[name].kind is int:
            assert table[name].dtype.kind == "i", name


TINY = ["weeks=26", "site.practitioners_per_agency=4", "site.people=60", "burn_in_weeks=26"]


@pytest.mark.slow
def test_calibrate_runs_two_waves_through_the_cli(tmp_path):
    out = tmp_path / "hm"
    args = ["calibrate", "waves=2", "points=12", "replicates=1", *TINY, "--out", str(out)]
    proc = run_cli(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for k in (1, 2):
        wave = out / f"wave-{k}"
        for name in ("points.json", "design.parquet", "results.parquet", "emulators.json"):
            assert (wave / name).is_file(), name
        assert (wave / "pairs.png").stat().st_size > 1000
        assert (wave / "sweep" / "summary.parquet").is_file()
        results = pd.read_parquet(wave / "results.parquet")
        assert len(results) == 12 and results["turnover_rate_mean"].notna().all()
    summary = json.loads((out / "waves.json").read_text())
    assert [w["wave"] for w in summary["waves"]] == [1, 2]
    assert 0 <= summary["waves"][1]["fraction"] <= summary["waves"][0]["fraction"] <= 1
    assert "wave 2" in proc.stdout
    post = summary["posterior"]
    assert post["sets"] in (0, hm.POSTERIOR_SETS)  # 0: a tiny site may rule out everything
    if post["sets"]:
        table = pd.read_parquet(out / post["file"])
        assert len(table) == hm.POSTERIOR_SETS and "cop.embeddedness" in table
    else:
        assert post["file"] is None and not (out / "posterior.parquet").exists()


def test_a_bad_count_is_one_line_exit_2_and_writes_nothing(tmp_path):
    proc = run_cli("calibrate", "waves=2", "points=1", "--out", "hm", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "points" in proc.stderr
    assert "from 4 up" in proc.stderr
    assert list(tmp_path.iterdir()) == []
