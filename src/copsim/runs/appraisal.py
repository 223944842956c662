"""The value-for-money appraisal of a run against its no-CoP twin.

Costs arise in the ledger at each unit cost's own price year (:mod:`copsim.model.prices`).
An arm's *accounts* move every cost item to ``economics.price_year`` with the GDP
deflator, group the items into channels, and discount them by year of the appraisal at
``economics.discount_rate`` (Green Book: the first year undiscounted, year ``t`` by
``1 / (1 + r)^t``), at each whole-year horizon and at the end of the run. The appraisal
subtracts the CoP run's accounts from its twin's: savings by channel, counted as far as
``economics.perspective`` reaches, less the incremental cost of the programme and of
practitioners' time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from copsim.model.domains import CRISIS_KINDS
from copsim.model.prices import UNIT_COSTS, price_factor

HORIZON_YEARS = (1, 2, 3)
"""Whole-year horizons reported besides the end of the run (``net_benefit_pv_y1`` ...)."""

WEEKS_PER_YEAR = 52

PAYERS = {
    "ed_attendance": "health",
    "hospital_admission": "health",
    "eviction_rough_sleeping": "housing",
    "arrest_custody": "justice",
}
"""Which public body bears each kind of crisis."""

PERSPECTIVES: dict[str, tuple[str, ...]] = {
    "nhs_la": ("health", "housing"),
    "public_sector": ("health", "housing", "justice"),
}
"""Whose crisis costs count under each perspective; staff and programme costs always do."""

# Cost items: (weekly column of cumulative cost, unit cost parameter giving its price year).
ITEMS: dict[str, tuple[str, str]] = {
    "broker": ("broker_cost", "brokerage.hourly_cost"),
    "backfill": ("backfill_cost", "funding.backfill_hourly_cost"),
    "turnover": ("turnover_cost", "workforce.replacement_cost"),
    **{kind: (f"crisis_cost_{kind}", f"crises.{kind}_cost") for kind in CRISIS_KINDS},
}

CHANNELS: dict[str, tuple[str, ...]] = {
    "programme": ("broker", "backfill", "setup"),
    "staff_time": ("staff_time",),
    "turnover": ("turnover",),
    **{
        f"crises_{payer}": tuple(k for k in CRISIS_KINDS if PAYERS[k] == payer)
        for payer in ("health", "housing", "justice")
    },
}
"""Channels of the appraisal and the cost items in each."""


def horizons(weeks: int) -> dict[str, int]:
    """The horizons of a run of ``weeks``: ``y1``... up to its length, and ``end``."""
    out = {f"y{n}": n * WEEKS_PER_YEAR for n in HORIZON_YEARS if n * WEEKS_PER_YEAR <= weeks}
    out["end"] = weeks
    return out


def present_value(cumulative: np.ndarray, horizon: int, rate: float) -> float:
    """Discounted total of a cumulative series up to week ``horizon``, by appraisal year.

    ``cumulative[w]`` is the total up to the end of week ``w`` (``cumulative[0]`` is the
    start). The result is ``C(H)`` less ``(1 - 1/(1+r)^t)`` of what accrued in each year
    ``t >= 1``, so a zero rate returns ``C(H) - C(0)`` exactly.
    """
    c = np.asarray(cumulative, dtype=float)
    total = c[horizon] - c[0]
    if rate == 0.0:
        return float(total)
    for t in range(1, (horizon - 1) // WEEKS_PER_YEAR + 1):
        start, end = t * WEEKS_PER_YEAR, min((t + 1) * WEEKS_PER_YEAR, horizon)
        total -= (1.0 - (1.0 + rate) ** -t) * (c[end] - c[start])
    return float(total)


def item_series(weekly: pd.DataFrame, values: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Cumulative cost of each item by week, at the item's own price year."""
    series = {item: weekly[column].to_numpy(float) for item, (column, _) in ITEMS.items()}
    hours = weekly["staff_time_unbackfilled"].to_numpy(float)
    series["staff_time"] = hours * values["economics.practitioner_hourly_cost"]
    setup = np.zeros(len(weekly))
    if values["brokerage.hours_per_week"] > 0:
        setup[1:] = values["economics.setup_cost"]  # one-off, in week 1
    series["setup"] = setup
    return series


def item_price_year(item: str) -> str:
    """The price year of an item's unit cost."""
    param = {
        "staff_time": "economics.practitioner_hourly_cost",
        "setup": "economics.setup_cost",
    }.get(item) or ITEMS[item][1]
    return UNIT_COSTS[param].price_year


def accounts(weekly: pd.DataFrame, values: Mapping[str, Any]) -> dict[str, float]:
    """One arm's costs by channel and horizon, in the price year, discounted.

    Args:
        weekly: The arm's weekly table (cumulative cost columns).
        values: The arm's parameter values (economics settings, unit costs).

    Returns:
        ``{"<channel>@<horizon>": present value}`` for every channel of :data:`CHANNELS`
        and horizon of :func:`horizons`.
    """
    weeks = len(weekly) - 1
    rate = values["economics.discount_rate"]
    year = values["economics.price_year"]
    series = item_series(weekly, values)
    out = {}
    for name, horizon in horizons(weeks).items():
        for channel, items in CHANNELS.items():
            out[f"{channel}@{name}"] = sum(
                price_factor(item_price_year(i), year) * present_value(series[i], horizon, rate)
                for i in items
            )
    return out


def appraise(
    run: Mapping[str, float], twin: Mapping[str, float], values: Mapping[str, Any]
) -> dict[str, Any]:
    """The appraisal outputs of the summary: the run's accounts against its twin's.

    Args:
        run: :func:`accounts` of the CoP run.
        twin: :func:`accounts` of its no-CoP twin (same seed and values, no broker).
        values: The run's parameter values.
    """
    weeks = int(values["weeks"])
    counted = PERSPECTIVES[values["economics.perspective"]]

    def saved(channel: str, at: str = "end") -> float:
        return twin[f"{channel}@{at}"] - run[f"{channel}@{at}"]

    def net(at: str) -> float:
        cost = -saved("programme", at) - saved("staff_time", at)
        savings = saved("turnover", at) + sum(saved(f"crises_{p}", at) for p in counted)
        return savings - cost

    programme, staff = -saved("programme"), -saved("staff_time")
    crises = {p: saved(f"crises_{p}") for p in ("health", "housing", "justice")}
    out: dict[str, Any] = {
        "horizon_weeks": weeks,
        "programme_cost_pv": programme,
        "staff_time_cost_pv": staff,
        "incremental_cost_pv": programme + staff,
        "savings_crises_pv": sum(crises[p] for p in counted),
        **{f"savings_crises_{p}_pv": v for p, v in crises.items()},
        "savings_turnover_pv": saved("turnover"),
    }
    out["savings_pv"] = out["savings_crises_pv"] + out["savings_turnover_pv"]
    out["net_benefit_pv"] = net("end")
    cost = out["incremental_cost_pv"]
    out["roi_pv"] = out["net_benefit_pv"] / cost if cost > 0 else None
    reached = horizons(weeks)
    for n in HORIZON_YEARS:
        out[f"net_benefit_pv_y{n}"] = net(f"y{n}") if f"y{n}" in reached else None
    return out
