import numpy as np
import pytest
from ema_workbench import SequentialEvaluator
from ema_workbench.analysis import prim

from copsim.analysis.sensitivity import analyse, factors_from
from copsim.ema import copsim_model, identifier
from copsim.model.schema import ConfigError

# Each runs many models (compare, sensitivity, calibration): the full tier, `make test`.
pytestmark = pytest.mark.slow

# The methods' plumbing needs no stationary site: a year of burn-in, not five.
SHORT_BURN_IN = ["burn_in_weeks=52"]


def test_sobol_indices_for_every_varied_parameter():
    factors = factors_from(
        ["funding.agency_budget", "trust.decay"], ["funding.agency_budget=0.6:1.4"]
    )
    assert factors[0].low == 0.6 and factors[1].high == 1.0  # narrowed, and from the schema
    result = analyse(
        factors,
        "burnout_mean",
        "sobol",
        samples=8,
        replicates=2,
        overrides=["weeks=30", *SHORT_BURN_IN],
        workers=2,
    )
    assert result.indices["parameter"].tolist() == ["funding.agency_budget", "trust.decay"]
    assert result.indices[["S1", "ST", "S1_conf", "ST_conf"]].notna().all().all()
    assert len(result.samples) == 8 * (2 + 2)


def test_factors_reject_unknown_and_non_numeric():
    with pytest.raises(ConfigError):
        factors_from(["trust.gian"])
    with pytest.raises(ConfigError):
        factors_from(["seed"])


def test_ema_adapter_with_the_workbench_evaluator_and_prim():
    model = copsim_model(
        uncertainties={"site.joint_working_history": (0.1, 0.9)},
        levers={"brokerage.hours_per_week": (0.0, 12.0)},
        outcomes=["established_within_year", "turnover_rate"],
        replications=2,
        overrides=["weeks=60", *SHORT_BURN_IN],
    )
    assert [u.name for u in model.uncertainties] == [identifier("site.joint_working_history")]
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=12,
            policies=2,
            uncertainty_sampling_kwargs={"rng": 1},
            lever_sampling_kwargs={"rng": 2},
        )
    assert len(experiments) == 24
    assert set(outcomes) == {"established_within_year", "turnover_rate"}
    assert np.all(
        (outcomes["established_within_year"] >= 0) & (outcomes["established_within_year"] <= 1)
    )
    x = experiments[
        [identifier("site.joint_working_history"), identifier("brokerage.hours_per_week")]
    ]
    failed = outcomes["established_within_year"] < 0.5
    assert 0 < failed.sum() < len(failed)
    box = prim.Prim(x, failed, peel_alpha=0.1).find_box()
    assert len(box.peeling_trajectory) > 1


def test_ema_outcome_names_are_checked():
    with pytest.raises(ConfigError, match="outcomes"):
        copsim_model(uncertainties=["trust.gain"], outcomes=["turnover"])


def test_sobol_indices_of_the_cops_effects_over_the_distributions():
    from copsim.analysis.sensitivity import EFFECTS, analyse_effects

    names = ["needs.support_protection", "economics.setup_cost"]
    results = analyse_effects(
        samples=8,
        replicates=2,
        overrides=["weeks=60", "site.people=80", *SHORT_BURN_IN],
        names=names,
        workers=1,
    )
    assert [r.output for r in results] == list(EFFECTS)
    by_effect = {r.output: r for r in results}
    nb = by_effect["net_benefit_pv"]
    assert nb.indices["parameter"].tolist() == names
    assert nb.indices[["S1", "ST", "S1_conf", "ST_conf"]].notna().all().all()
    # the set-up cost changes no event: it cannot explain leavers avoided
    leavers = by_effect["leavers_avoided"].indices.set_index("parameter")
    assert abs(leavers.loc["economics.setup_cost", "ST"]) < 0.05
    # drawn from the distribution, not a uniform range
    assert nb.samples["needs.support_protection"].between(0, 0.9).all()
    with pytest.raises(ConfigError):
        analyse_effects(samples=8, names=["weeks"])
