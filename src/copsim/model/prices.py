"""Prices: the price year of every unit cost and the deflator that moves it to another year.

Each unit cost in the schema (a parameter whose unit is GBP) is declared here once more with
the financial year its figure is priced in and where it comes from. The appraisal
(:mod:`copsim.runs.appraisal`) moves every cost to ``economics.price_year`` with the GDP
deflator, as the Green Book asks for real (constant-price) appraisal. A test checks that
every GBP parameter has a declaration here and every declaration names one.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFLATOR_SOURCE = (
    "HM Treasury, GDP deflators at market prices, and money GDP, March 2026 (Quarterly "
    "National Accounts), financial-year table, 2024-25 = 100 (outturn from ONS series L8GG); "
    "levels to four decimals as transcribed from the Treasury's workbook by NHS North "
    "Central London ICB's analysts (dbt-ncl-analytics, seeds/uk_cost_indices.csv) and "
    "checked against a second project's 2020-21 factor (1.1751 = 100 / 85.10)"
)

_YEARS = (
    "2012/13", "2013/14", "2014/15", "2015/16", "2016/17", "2017/18", "2018/19",
    "2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25",
)  # fmt: skip
_LEVELS = (
    71.5454, 73.0337, 74.0662, 74.5804, 76.0754, 77.0388, 78.7948,
    80.8738, 85.1002, 85.3036, 91.2996, 96.1117, 100.0,
)  # fmt: skip

GDP_DEFLATOR: dict[str, float] = dict(zip(_YEARS, _LEVELS, strict=True))
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
        "2024/25", "Table 6.1.1: emergency care, 280 GBP per attendance (replaces NICE "
        "NG94's 2013/14 reference costs)"),
    "crises.hospital_admission_cost": UnitCost(
        "2024/25", "Table 6.1.1: non-elective stay 824 GBP short, 5,395 GBP long; 40% short "
        "stays (assumption, 20-60%: 2,650-4,480 GBP), after the NAO's finding that most "
        "growth in emergency admissions was of people who did not stay overnight"),
    "crises.arrest_custody_cost": UnitCost(
        "2022/23", "Table 1's police response for the cohort's assumed offence mix (public "
        "order 280, shoplifting and theft 330, violence without injury 470, drug "
        "possession 1,290 GBP), centred at 640 GBP with a share of the criminal-justice "
        "response (Home Office, Economic and social costs of crime 2019/20, response "
        "component 90-2,050 GBP); victims' harm not counted (public-sector perspective)"),
    "crises.eviction_rough_sleeping_cost": UnitCost(
        "2015/16", "author's slides, slide 17 (fieldwork 2015-16; price year assumed); an "
        "episode taken as the study's 90 days; NHS, mental health, drug and alcohol and "
        "criminal-justice costs left out, as the model counts them through other crises"),
    "workforce.replacement_cost": UnitCost(
        "2024/25", "4,570 GBP for support staff (3,600 GBP at 2018/19 prices) and 14,070 "
        "GBP for qualified staff (12,000 GBP at 2021/22), weighted 70/30; both include "
        "lost productivity while a starter comes up to speed"),
    "brokerage.hourly_cost": UnitCost(
        "2023/24", "Table 8.2.1: community Band 6 (a facilitator's grade), 57 GBP per "
        "working hour with on-costs, overheads and capital"),
    "funding.backfill_hourly_cost": UnitCost(
        "2023/24", "Table 8.2.1: community Band 4 (support worker cover), 39 GBP per "
        "working hour"),
    "economics.practitioner_hourly_cost": UnitCost(
        "2024/25", "a mixed caseload between Band 4-5 (39-44 GBP, Table 8.2.1, 2023/24) "
        "and an adult social worker (54 GBP without, 61 GBP with qualifications, Table "
        "10.1.1, 2024/25); mode 48 GBP an assumption"),
    "economics.setup_cost": UnitCost(
        "2023/24", "40 hours (assumption, 10-100) of a Band 6 facilitator's time at 57 GBP "
        "(Table 8.2.1) to recruit the broker, find a venue and prepare"),
}
"""The price year and basis of every unit cost parameter, by parameter name."""
# fmt: on
