"""The appraisal: discounting, deflation and perspective."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from copsim.model.prices import GDP_DEFLATOR, PRICE_YEARS, UNIT_COSTS, price_factor
from copsim.model.schema import SCHEMA, defaults
from copsim.runs.appraisal import present_value
from copsim.runs.runner import run_values

SHORT = {"weeks": 110, "site.practitioners_per_agency": 6, "site.people": 120}


def run(**changes):
    return run_values({**defaults(), **SHORT, **changes, "events": []}).summary


def test_zero_rate_reproduces_undiscounted_totals_exactly():
    rng = np.random.default_rng(1)
    cumulative = np.concatenate([[0.0], np.cumsum(rng.random(156) * 1000)])
    for horizon in (1, 52, 53, 104, 156):
        assert present_value(cumulative, horizon, 0.0) == cumulative[horizon]


def test_discounting_is_by_year_with_the_first_undiscounted():
    flows = np.zeros(157)
    flows[[1, 53, 105]] = 100.0  # one payment in each of the three years
    cumulative = np.cumsum(flows)
    assert present_value(cumulative, 156, 0.035) == pytest.approx(
        100 + 100 / 1.035 + 100 / 1.035**2, rel=1e-12
    )
    assert present_value(cumulative, 52, 0.035) == 100.0


@pytest.mark.slow
def test_zero_rate_summary_equals_the_ledger_in_the_price_year():
    s = run(**{"economics.discount_rate": 0.0, "economics.setup_cost": 0.0})
    # broker and backfill share a price year: one deflator factor, no discounting
    year = UNIT_COSTS["brokerage.hourly_cost"].price_year
    assert UNIT_COSTS["funding.backfill_hourly_cost"].price_year == year
    assert s["programme_cost_pv"] == pytest.approx(
        s["programme_cost"] * price_factor(year, "2024/25"), rel=1e-12
    )


@pytest.mark.slow
def test_raising_the_rate_lowers_a_positive_net_benefit():
    base = {"needs.support_protection": 0.9, "crises.hospital_admission_cost": 20000.0}
    low = run(**base, **{"economics.discount_rate": 0.0})
    high = run(**base, **{"economics.discount_rate": 0.1})
    assert low["net_benefit_pv"] > 0
    assert high["net_benefit_pv"] < low["net_benefit_pv"]


@pytest.mark.slow
def test_perspective_decides_whether_criminal_justice_counts():
    public = run(**{"economics.perspective": "public_sector"})
    nhs_la = run(**{"economics.perspective": "nhs_la"})
    justice = public["savings_crises_justice_pv"]
    assert justice == nhs_la["savings_crises_justice_pv"]  # reported either way
    assert public["savings_crises_pv"] == pytest.approx(nhs_la["savings_crises_pv"] + justice)
    assert public["net_benefit_pv"] == pytest.approx(nhs_la["net_benefit_pv"] + justice)


@pytest.mark.slow
def test_deflator_moves_costs_between_years():
    assert GDP_DEFLATOR["2024/25"] == 100.0
    assert price_factor("2013/14", "2024/25") > 1.2
    assert price_factor("2013/14", "2024/25") * price_factor("2024/25", "2013/14") == (
        pytest.approx(1.0)
    )
    assert tuple(SCHEMA["economics.price_year"].choices) == PRICE_YEARS
    # an older reporting year shrinks every cost and saving in proportion (costs priced
    # in 2024/25 by the same factor)
    now = run()
    then = run(**{"economics.price_year": "2020/21"})
    assert then["programme_cost_pv"] == pytest.approx(
        now["programme_cost_pv"] * price_factor("2024/25", "2020/21")
    )


def test_every_unit_cost_has_a_price_year_and_basis():
    costs = {p.name for p in SCHEMA.values() if p.unit.startswith("GBP")}
    assert costs == set(UNIT_COSTS)
    for name, cost in UNIT_COSTS.items():
        assert cost.price_year in PRICE_YEARS, name
        assert cost.basis, name


def test_every_unit_cost_cites_a_table_of_a_current_source():
    # Issue 27: a table, slide or page of the source, priced no earlier than 2015/16.
    where = re.compile(r"Table \d|slide \d+|p\. \d+")
    for name, cost in UNIT_COSTS.items():
        cited = f"{SCHEMA[name].source} {cost.basis}"
        assert where.search(cited), f"{name}: {cited}"
        assert PRICE_YEARS.index(cost.price_year) >= PRICE_YEARS.index("2015/16"), name


def test_parameter_dictionary_gives_every_unit_cost_a_price_year_and_source():
    text = (Path(__file__).resolve().parents[2] / "docs/parameters.md").read_text()
    rows = {line.split("|")[1].strip(" `"): line for line in text.splitlines() if "| `" in line}
    for name, cost in UNIT_COSTS.items():
        row = rows[name]
        assert f"**Price year {cost.price_year}**" in row, name
        source = row.split("|")[6]
        assert source.strip() and cost.basis in source, name
