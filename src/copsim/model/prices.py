"""Prices: the price year of every unit cost and the deflator that moves it to another year.

Each unit cost in the schema (a parameter whose unit is GBP) is declared here once more with
the financial year its figure is priced in and where it comes from. The appraisal
(:mod:`copsim.runs.appraisal`) moves every cost to ``economics.price_year`` with the GDP
deflator, as the Green Book asks for real (constant-price) appraisal. A test checks that
every GBP parameter has a declaration here and every declaration names one.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

DEFLATOR_SOURCE = (
    "HM Treasury, GDP deflators at market prices, and money GDP (outturn from ONS series "
    "L8GG); annual changes transcribed to one decimal, re-based here to 2024/25 = 100. "
    "Replace with the current release before a published appraisal."
)

DEFLATOR_CURRENT = (
    "HM Treasury GDP deflators, March 2026 Quarterly National Accounts, financial-year "
    "table (2024-25 = 100; via a secondary transcription): 2013-14 73.03, 2022-23 91.30, "
    "2023-24 96.11. The series above differs from it by up to 1.6% (the 2022/23 to "
    "2024/25 factor is 1.1128 here, 1.0953 there); found, not yet adopted"
)

_YEARS = (
    "2012/13", "2013/14", "2014/15", "2015/16", "2016/17", "2017/18", "2018/19",
    "2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25",
)  # fmt: skip
_CHANGE_PERCENT = (1.9, 1.4, 0.6, 2.1, 1.7, 2.0, 2.3, 5.2, 0.3, 5.1, 7.0, 4.0)
"""Change of the deflator from one financial year to the next (2013/14 on 2012/13, ...)."""


def _index() -> dict[str, float]:
    growth = [1.0, *(1.0 + c / 100.0 for c in _CHANGE_PERCENT)]
    level = list(accumulate(growth, lambda a, b: a * b))
    return {year: 100.0 * v / level[-1] for year, v in zip(_YEARS, level, strict=True)}


GDP_DEFLATOR: dict[str, float] = _index()
"""GDP deflator by financial year, 2024/25 = 100."""

PRICE_YEARS: tuple[str, ...] = _YEARS
"""Financial years a cost can be priced in or reported in."""


def price_factor(from_year: str, to_year: str) -> float:
    """Multiplier that moves a cost priced in ``from_year`` to ``to_year`` prices.

    Raises:
        KeyError: For a year outside :data:`PRICE_YEARS`.
    """
    if from_year == to_year:
        return 1.0
    return GDP_DEFLATOR[to_year] / GDP_DEFLATOR[from_year]


@dataclass(frozen=True)
class UnitCost:
    """Where a unit cost's figure comes from, and the year it is priced in.

    Attributes:
        price_year: Financial year of the figure's prices.
        basis: How the figure and its year were arrived at.
    """

    price_year: str
    basis: str


# fmt: off
UNIT_COSTS: dict[str, UnitCost] = {
    "crises.ed_attendance_cost": UnitCost(
        "2013/14", "NHS Reference Costs 2013/14, as cited by NICE NG94"),
    "crises.hospital_admission_cost": UnitCost(
        "2012/13", "NAO (2013) Emergency admissions to hospital: 2012/13 spending over "
        "admissions"),
    "crises.arrest_custody_cost": UnitCost(
        "2024/25", "assumption stated in current prices; no unit cost source yet (wide "
        "distribution)"),
    "crises.eviction_rough_sleeping_cost": UnitCost(
        "2014/15", "Pleace (2015) At what cost?; prices of the year before publication"),
    "workforce.replacement_cost": UnitCost(
        "2016/17", "Skills for Care estimate; price year assumed from its publication"),
    "brokerage.hourly_cost": UnitCost(
        "2024/25", "assumption in current prices (a facilitator with on-costs)"),
    "funding.backfill_hourly_cost": UnitCost(
        "2024/25", "assumption in current prices (agency cover for a support worker)"),
    "economics.practitioner_hourly_cost": UnitCost(
        "2022/23", "PSSRU Unit Costs 2023 are in 2022/23 prices"),
    "economics.setup_cost": UnitCost("2024/25", "assumption in current prices"),
}
"""The price year and basis of every unit cost parameter, by parameter name."""
# fmt: on
