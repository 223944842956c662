"""copsim psa end to end at tiny size: table, report, recomputable probability, resume."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from copsim import posterior
from copsim.analysis import break_even, evppi, psa_replicates
from copsim.analysis.psa import (
    POSTERIOR,
    PRIOR,
    calibrated_columns,
    plan,
    sample,
    split_args,
    uncertain,
)
from copsim.errors import CopsimError
from copsim.model.schema import SCHEMA
from copsim.model.uncertainty import CALIBRATION_PRIORS, RETENTION_STRENGTHS, UNCERTAINTY
from tests.conftest import kill_after_runs, run_cli

# A short burn-in: a PSA's files and resuming need no stationary site (20 s a test saved).
TINY = ["weeks=30", "burn_in_weeks=26", "site.practitioners_per_agency=4", "site.people=60"]


def test_latin_hypercube_is_seeded_and_inside_the_distributions():
    dists = uncertain([], PRIOR)
    a, b = sample(dists, 20), sample(dists, 20)
    pd.testing.assert_frame_equal(a, b)
    for name, d in dists.items():
        lo, hi = d.support()
        assert a[name].between(lo, hi).all()
        # one draw in each twentieth of the distribution (Latin hypercube)
        u = np.sort(d._frozen.cdf(a[name]))
        assert np.all((u >= np.arange(20) / 20 - 1e-9) & (u <= np.arange(1, 21) / 20 + 1e-9))


def test_a_draw_takes_a_whole_posterior_set_and_the_rest_from_priors():
    sets = posterior.load(POSTERIOR).set_index("set")
    points = plan(12, extras=False)
    again = plan(12, extras=False)
    assert points == again  # seeded: the same sets and the same hypercube
    numbers = [p.posterior_set for p in points]
    assert len(set(numbers)) == 12  # without replacement while the posterior has sets
    columns = calibrated_columns(POSTERIOR)
    assert set(RETENTION_STRENGTHS) <= set(columns)
    for p in points:
        # every calibrated input is the set's own value: the set's joint structure is kept
        assert {k: p.overrides[k] for k in columns} == pytest.approx(
            sets.loc[p.posterior_set, columns].to_dict()
        )
        assert set(p.overrides) == set(columns) | set(uncertain([], POSTERIOR))
    embeddedness = {p.overrides["cop.embeddedness"] for p in points}
    assert len(embeddedness) == 12  # the strength the old PSA held now varies
    # More draws than sets: chosen with replacement.
    many = plan(len(sets) + 5, extras=False)
    assert len({p.posterior_set for p in many}) <= len(sets)


def test_holding_every_prior_still_draws_the_posterior_sets():
    held = [f"{k}={SCHEMA[k].default}" for k in uncertain([], POSTERIOR)]
    points = plan(5, held, extras=False)
    assert len(points) == 5 and len({p.posterior_set for p in points}) == 5
    assert set(points[0].overrides) == set(calibrated_columns(POSTERIOR))


def test_with_prior_every_input_is_drawn_from_its_prior_and_whole_numbers_stay_whole():
    points = plan(20, extras=False, source=PRIOR)
    assert all(p.posterior_set is None for p in points)
    assert set(points[0].overrides) == set(UNCERTAINTY) | set(CALIBRATION_PRIORS)
    weeks = [p.overrides["cop.peer_support_weeks"] for p in points]
    assert all(isinstance(w, int) for w in weeks) and len(set(weeks)) > 1
    lo, hi = CALIBRATION_PRIORS["cop.embeddedness"].support()
    assert all(lo <= p.overrides["cop.embeddedness"] <= hi for p in points)


def test_one_way_ends_of_a_calibrated_input_are_the_posterior_quantiles():
    sets = posterior.load(POSTERIOR)
    ends = {p.label: p.overrides for p in plan(1) if p.kind == "one_way"}
    low, high = np.quantile(sets["cop.embeddedness"], (0.025, 0.975))
    assert ends["low:cop.embeddedness"]["cop.embeddedness"] == pytest.approx(low)
    assert ends["high:cop.embeddedness"]["cop.embeddedness"] == pytest.approx(high)
    assert isinstance(ends["low:cop.peer_support_weeks"]["cop.peer_support_weeks"], int)
    assert isinstance(SCHEMA["cop.peer_support_weeks"].default, int)


def test_anova_sizing_of_replicates_recovers_the_variances():
    rng = np.random.default_rng(3)
    draws, seeds = 400, 6
    means = rng.normal(0.0, 2.0, size=(draws, 1))  # between-draw variance 4
    shared = rng.normal(0.0, 3.0, size=(1, seeds))  # each seed's luck, common to the draws
    values = means + shared + rng.normal(0.0, 4.0, size=(draws, seeds))  # residual 16
    a = psa_replicates.sizing(values)
    assert a["between_blocked"] == pytest.approx(4.0, rel=0.2)
    assert a["residual"] == pytest.approx(16.0, rel=0.1)
    assert a["replicates_needed_blocked"] == pytest.approx(16 / (0.1 * 4), rel=0.25)
    # One-way, the seeds' shared luck counts as noise: more replicates are asked for.
    assert a["replicates_needed"] > a["replicates_needed_blocked"]
    assert psa_replicates.sizing(values[:, :1])["note"]  # one replicate: nothing to split


def test_evppi_of_a_large_group_by_a_gaussian_process():
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(200, 6))
    nb = 4000 * (x[:, 0] - 0.5) + 3000 * (x[:, 1] - 0.5) ** 2 + 200 * rng.normal(size=200)
    total = evppi.evpi(nb)
    assert evppi.terms(6) == 8  # a GP's hyperparameters, not a polynomial's 28 terms
    assert evppi.evppi(nb, x) == pytest.approx(total, rel=0.1)  # the group holds the driver
    for seed in range(2):  # a group of ten that does not matter, as the workforce group may
        idle = np.random.default_rng(seed).uniform(size=(200, 10))
        assert evppi.evppi(nb, idle) < 0.25 * total


def test_a_fixed_parameter_is_not_drawn():
    points = plan(3, ["needs.support_protection=0.2"])
    assert all("needs.support_protection" not in p.overrides for p in points)
    assert {p.kind for p in points} == {"draw", "base", "one_way"}  # no grid for it


def test_arguments_are_checked():
    assert split_args(["draws=5", "replicates=2", "site=poor_history"])[:3] == (
        5,
        2,
        ["site=poor_history"],
    )
    for bad in (["replicates=2"], ["draws=0"], ["draws=x"], ["draws=2", "trust.gian=1"]):
        with pytest.raises(CopsimError):
            split_args(bad)


def test_evppi_finds_the_parameter_that_drives_net_benefit():
    rng = np.random.default_rng(0)
    x, noise = rng.normal(size=(400, 2)), rng.normal(size=400)
    nb = 1000 * x[:, 0] + 10 * noise  # decision hangs on x0 only
    assert evppi.evppi(nb, x[:, [0]]) == pytest.approx(evppi.evpi(nb), rel=0.05)
    assert evppi.evppi(nb, x[:, [1]]) < 0.05 * evppi.evpi(nb)


def test_break_even_on_a_grid_and_for_unit_costs():
    grid = np.array([0.0, 0.5, 1.0])
    nb = np.array([[-10.0, -12, -8], [0.0, 1, -1], [10, 12, 8]])
    found = break_even.on_grid("p", grid, nb)
    assert found.value == pytest.approx(0.5) and found.low <= 0.5 <= found.high
    scale = break_even.unit_cost_scale("c", np.array([-50.0, -50]), np.array([100.0, 100]))
    assert scale.value == pytest.approx(1.5)


@pytest.mark.slow
def test_psa_writes_table_report_and_a_recomputable_probability(tmp_path):
    out = tmp_path / "psa"
    done = run_cli("psa", "draws=6", "replicates=2", *TINY, "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name in (
        "psa.parquet",
        "psa.json",
        "report.md",
        "ce_plane.png",
        "acceptability.png",
        "tornado.png",
        "evppi.png",
    ):
        assert (out / name).exists(), name
    table = pd.read_parquet(out / "psa.parquet")
    assert len(table) == 6 * 2 and not table[["draw", "seed"]].duplicated().any()
    assert set(UNCERTAINTY) <= set(table.columns) and "net_benefit_pv" in table
    res = json.loads((out / "psa.json").read_text())
    recomputed = float((table.groupby("draw")["net_benefit_pv"].mean() > 0).mean())
    assert res["prob_net_benefit_positive"] == recomputed
    report = (out / "report.md").read_text()
    assert "needs.support_protection" in report and "EVPPI" in report
    assert any(b["name"] == "needs.support_protection" for b in res["break_even"])


@pytest.mark.slow
def test_psa_killed_then_rerun_redoes_no_finished_run(tmp_path):
    out = tmp_path / "psa"
    args = ["psa", "draws=6", "replicates=2", *TINY, "--out", str(out)]
    runs = out / "sweep" / "runs"
    finished = kill_after_runs(*args, cwd=tmp_path, runs=runs)
    assert len(finished) >= 5 and not (out / "psa.json").exists()

    again = run_cli(*args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    for path, (mtime, data) in finished.items():
        assert path.stat().st_mtime_ns == mtime and path.read_bytes() == data
    jobs = [json.loads(p.read_text()) for p in (out / "sweep" / "jobs").glob("*.json")]
    assert sum(j["skipped"] for j in jobs) >= len(finished)
    assert (out / "psa.json").exists()


@pytest.mark.slow
def test_psa_runs_on_another_hydra_launcher(tmp_path):
    out = tmp_path / "psa"
    args = ["psa", "draws=2", "replicates=1", "weeks=20", "burn_in_weeks=26", "site.people=40"]
    args += ["--out", str(out)]
    done = run_cli(*args, "hydra/launcher=joblib", "hydra.launcher.n_jobs=2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    jobs = [json.loads(p.read_text()) for p in (out / "sweep" / "jobs").glob("*.json")]
    assert len({j["pid"] for j in jobs}) > 1  # the jobs ran in the launcher's workers
    assert len(pd.read_parquet(out / "psa.parquet")) == 2
