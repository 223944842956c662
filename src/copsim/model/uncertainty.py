"""Parameter uncertainty: a distribution, with its basis, for each uncertain parameter.

A probabilistic sensitivity analysis (NICE's reference case) draws parameters from
distributions that reflect the evidence for them: beta for shares, gamma for costs and
rates, lognormal where only an order of magnitude is known, uniform or triangular where
only a plausible range is. Every parameter not listed in :data:`UNCERTAINTY` is *fixed*:
held at its value in every draw (the parameter dictionary says so).

Distributions are attached to the schema by name. A distribution whose support reaches
beyond its parameter's range is truncated to it explicitly (``bounds``); a test fails if
a name is unknown or a support leaves the range.

:data:`CALIBRATION_PRIORS` gives priors to further uncertain inputs, among them every
retention strength (:data:`RETENTION_STRENGTHS`), that today's PSA holds and issue 27's
calibration varies; the PSA does not read it. :data:`EVIDENCE` records, for both, the study
and effect behind each prior, its conversion to the model's scale and a grade: the
evidence register, ``docs/evidence.md``, is generated from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

GROUPS: tuple[str, ...] = (
    "coordinated casework",
    "crisis rates",
    "crisis unit costs",
    "workforce",
    "CoP effects",
    "programme costs",
)
"""Parameter groups, for the expected value of partial perfect information."""


@dataclass(frozen=True)
class Distribution:
    """The distribution of one uncertain parameter.

    Attributes:
        family: ``beta``, ``gamma``, ``lognormal``, ``uniform``, ``triangular`` or
            ``halfnormal``.
        args: The family's parameters, as written in the docs (see :meth:`describe`).
        basis: Why this distribution: the evidence, or the lack of it.
        group: Which of :data:`GROUPS` it belongs to.
        bounds: Truncation to a range (for families with unbounded support).
    """

    family: str
    args: tuple[float, ...]
    basis: str
    group: str
    bounds: tuple[float, float] | None = None
    _frozen: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_frozen", _scipy(self.family, self.args))

    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take (after truncation)."""
        lo, hi = (float(v) for v in self._frozen.support())
        if self.bounds is not None:
            lo, hi = max(lo, self.bounds[0]), min(hi, self.bounds[1])
        return lo, hi

    def ppf(self, u: np.ndarray | float) -> np.ndarray:
        """Quantiles: map uniform draws in (0, 1) to parameter values."""
        u = np.asarray(u, dtype=float)
        if self.bounds is None:
            return self._frozen.ppf(u)
        f_lo, f_hi = self._frozen.cdf(self.bounds)
        return np.clip(self._frozen.ppf(f_lo + u * (f_hi - f_lo)), *self.bounds)

    def cdf(self, x: np.ndarray | float) -> np.ndarray:
        """Probabilities: the inverse of :meth:`ppf`, mapping values to (0, 1)."""
        x = np.asarray(x, dtype=float)
        if self.bounds is None:
            return self._frozen.cdf(x)
        f_lo, f_hi = self._frozen.cdf(self.bounds)
        return np.clip((self._frozen.cdf(x) - f_lo) / (f_hi - f_lo), 0.0, 1.0)

    def mean(self) -> float:
        """Mean of the (truncated) distribution, by quadrature on the quantile function."""
        u = (np.arange(4000) + 0.5) / 4000
        return float(self.ppf(u).mean())

    def describe(self) -> str:
        """The distribution in words, e.g. ``gamma(mean 126, sd 25)``."""
        names = {
            "beta": ("a", "b", "from", "to"),
            "gamma": ("mean", "sd"),
            "lognormal": ("median", "sigma"),
            "uniform": ("from", "to"),
            "triangular": ("min", "mode", "max"),
            "halfnormal": ("scale",),
        }[self.family]
        args = ", ".join(f"{n} {v:g}" for n, v in zip(names, self.args, strict=True))
        cut = f", truncated to {self.bounds[0]:g}-{self.bounds[1]:g}" if self.bounds else ""
        return f"{self.family}({args}{cut})"


def _scipy(family: str, args: tuple[float, ...]) -> Any:
    if family == "beta":
        a, b, lo, hi = args
        return stats.beta(a, b, loc=lo, scale=hi - lo)
    if family == "gamma":
        mean, sd = args
        shape = (mean / sd) ** 2
        return stats.gamma(shape, scale=mean / shape)
    if family == "lognormal":
        median, sigma = args
        return stats.lognorm(sigma, scale=median)
    if family == "uniform":
        lo, hi = args
        return stats.uniform(lo, hi - lo)
    if family == "triangular":
        lo, mode, hi = args
        return stats.triang((mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
    if family == "halfnormal":
        (scale,) = args
        return stats.halfnorm(scale=scale)
    raise ValueError(f"unknown distribution family {family!r}")


def beta(
    a: float,
    b: float,
    basis: str,
    group: str,
    low: float = 0.0,
    high: float = 1.0,
    bounds: tuple[float, float] | None = None,
):
    """Beta(a, b) scaled to [low, high]: for shares and probabilities."""
    return Distribution("beta", (a, b, low, high), basis, group, bounds)


def gamma(mean: float, sd: float, basis: str, group: str, bounds: tuple[float, float]):
    """Gamma with a given mean and standard deviation: for costs and rates."""
    return Distribution("gamma", (mean, sd), basis, group, bounds)


def lognormal(median: float, sigma: float, basis: str, group: str, bounds: tuple[float, float]):
    """Lognormal with a median and log-scale sigma: where only the magnitude is known."""
    return Distribution("lognormal", (median, sigma), basis, group, bounds)


def uniform(low: float, high: float, basis: str, group: str):
    """Uniform over a plausible range, when nothing favours a value within it."""
    return Distribution("uniform", (low, high), basis, group)


def triangular(low: float, mode: float, high: float, basis: str, group: str):
    """Triangular: a plausible range and a most likely value."""
    return Distribution("triangular", (low, mode, high), basis, group)


def halfnormal(scale: float, basis: str, group: str, bounds: tuple[float, float]):
    """Half-normal from 0: a strength that may be nil, smaller values more likely."""
    return Distribution("halfnormal", (scale,), basis, group, bounds)


_CV25 = "no sampling error reported; coefficient of variation 0.25 around the default"
_WEAK = "no direct evidence; a plausible range around the default"

# fmt: off
UNCERTAINTY: dict[str, Distribution] = {
    "needs.support_protection": beta(
        3.0, 6.0, "MEAM figures (37-54% fewer ED attendances) are upper bounds for the "
        "best-coordinated casework; mean 0.3, most mass 0.08-0.6", "coordinated casework",
        0.0, 0.9),
    "crises.ed_attendance_rate": gamma(
        2.5, 0.625, _CV25, "crisis rates", (0.0, 50.0)),
    "crises.hospital_admission_rate": gamma(
        0.4, 0.1, _CV25, "crisis rates", (0.0, 20.0)),
    "crises.arrest_custody_rate": gamma(
        1.0, 0.25, _CV25, "crisis rates", (0.0, 20.0)),
    "crises.eviction_rough_sleeping_rate": gamma(
        0.3, 0.075, _CV25, "crisis rates", (0.0, 20.0)),
    "crises.ed_attendance_cost": gamma(
        126.0, 25.0, "reference cost spread between not admitted and admitted attendances",
        "crisis unit costs", (0.0, 10000.0)),
    "crises.hospital_admission_cost": gamma(
        2362.0, 470.0, "a national average over very different admissions; CV 0.2",
        "crisis unit costs", (0.0, 50000.0)),
    "crises.arrest_custody_cost": lognormal(
        1000.0, 0.5, "assumption: only the order of magnitude is known (95% 375-2,660)",
        "crisis unit costs", (0.0, 50000.0)),
    "crises.eviction_rough_sleeping_cost": gamma(
        2933.0, 880.0, "a quarter of Pleace's annual cost taken per episode; CV 0.3",
        "crisis unit costs", (0.0, 50000.0)),
    "workforce.replacement_cost": gamma(
        3600.0, 1080.0, "Skills for Care estimate for care workers, applied to other "
        "services; CV 0.3", "workforce", (0.0, 100000.0)),
    "workforce.turnover_at_zero_burnout": beta(
        42.0, 258.0, "calibrated to 29-31% turnover; sd 0.02 from the calibration's "
        "spread", "workforce", 0.0, 1.0, bounds=(0.0, 0.95)),
    "workforce.burnout_leave_ratio": triangular(
        2.0, 3.0, 4.5, "Skills for Care: ~3x more likely to leave without protective "
        "factors", "workforce"),
    "cop.peer_support": uniform(
        0.1, 0.9, "no direct evidence; kept small (social support had a minor effect in "
        "Homer 1985)", "CoP effects"),
    "nurture.manager_effect": uniform(0.05, 0.5, _WEAK, "CoP effects"),
    "cop.convenor_rate": uniform(
        0.05, 0.5, "assumption: no study measures how often a member takes on convening",
        "CoP effects"),
    "trust.gain": triangular(0.05, 0.15, 0.3, _WEAK, "CoP effects"),
    "brokerage.hourly_cost": triangular(
        25.0, 35.0, 50.0, "assumption: a facilitator's pay with on-costs", "programme costs"),
    "funding.backfill_hourly_cost": triangular(
        18.0, 25.0, 35.0, "assumption: agency cover rates", "programme costs"),
    "economics.practitioner_hourly_cost": triangular(
        25.0, 40.0, 60.0, "PSSRU: from support worker to social worker per working hour",
        "programme costs"),
    "economics.setup_cost": triangular(
        500.0, 2000.0, 6000.0, "assumption", "programme costs"),
}
"""The distribution of every uncertain parameter, by name; the others are fixed."""
# fmt: on

for _d in UNCERTAINTY.values():
    assert _d.group in GROUPS, _d.group

_ELICITED = (
    "no study found: a judgement of the range and most likely value (SHELF's form, one analyst)"
)
_HM = "to be drawn from the history-matching posterior of issue 27"

# fmt: off
CALIBRATION_PRIORS: dict[str, Distribution] = {
    "cop.embeddedness": beta(
        2.5, 22.0, "embeddedness-turnover slope (Rubenstein et al. 2018) times an elicited "
        "gain in embeddedness from membership; mean 0.10, 95% 0.02-0.25", "CoP effects",
        0.0, 1.0, bounds=(0.0, 0.9)),
    "workforce.embeddedness_ties": lognormal(
        0.035, 0.63, "the same slope, a third of it carried by links, one SD of links taken "
        "as 3-6 ties (elicited); 95% 0.01-0.12", "workforce", (0.0, 0.5)),
    "cop.stress_buffering": halfnormal(
        0.5, "Cohen and Wills 1985: buffering only for need-matched support, no pooled "
        "effect; allows 0", "CoP effects", (0.0, 5.0)),
    "cop.peer_support_weeks": triangular(
        1.0, 3.0, 12.0, "effects of person-directed support are short-lived (Awa et al. "
        "2010, CHI 2025); range 1-12 weeks, most likely 3 (a draw is rounded)",
        "CoP effects"),
    "workforce.hiring_lag_weeks": triangular(
        10.0, 19.0, 25.0, "vacancies 6-11% at turnover 23-31% (Skills for Care) imply a "
        "10-25 week lag in steady state; mode the calibrated 19", "workforce"),
    "workforce.new_starter_leave_ratio": triangular(
        1.2, 1.5, 2.5, "Skills for Care 2021/22: turnover 43.7% among staff with under a "
        "year in the sector against 29.0% overall", "workforce"),
    "workforce.burnout_fill": lognormal(
        0.03, 0.5, _ELICITED, "workforce", (0.0, 1.0)),
    "workforce.burnout_recovery": lognormal(
        0.05, 0.5, _ELICITED, "workforce", (0.0, 1.0)),
    "workforce.resilience_spread": uniform(0.25, 1.0, _ELICITED, "workforce"),
    "workforce.sector_differences": uniform(
        0.4, 1.0, "drug and alcohol census against Skills for Care turnover, by year: the "
        "implied weight runs from 0.43 to 1 (capped)", "workforce"),
}
"""Priors of uncertain inputs that today's PSA holds at their values.

Issue 27's calibration (history matching) varies them; :func:`copsim.analysis.psa` does not
read this mapping, so no published number moves until the posterior replaces the priors.
"""
# fmt: on

RETENTION_STRENGTHS: tuple[str, ...] = (
    "cop.embeddedness",
    "workforce.embeddedness_ties",
    "cop.peer_support",
    "cop.peer_support_weeks",
    "cop.stress_buffering",
    "nurture.manager_effect",
)
"""Strengths of the channels through which support and embeddedness act on leaving or
burnout (docs/ODD.md, workforce): every one has a prior in :data:`UNCERTAINTY` or
:data:`CALIBRATION_PRIORS`. ``site.manager_support`` describes a site (set from its own
data), not a strength, and so is not among them; nor are ``nurture.manager_support`` and
``nurture.protected_time``, the programme's levers (what a plan chooses, not an uncertain
input)."""

GRADES: tuple[str, ...] = ("high", "moderate", "low", "elicited")
"""Evidence grades, strongest first (docs/evidence.md says how they are assigned)."""


@dataclass(frozen=True)
class Evidence:
    """The evidence behind one parameter's prior (docs/evidence.md).

    Attributes:
        study: The study or source, as cited; or that none was found.
        effect: The effect size or figure it reports, quoted; or that there is none.
        conversion: How the figure was converted to the model's scale and a distribution.
        grade: One of :data:`GRADES`.
        held: For a parameter today's PSA does not draw: why it is held.
        current: For a unit cost: a more current source found and not yet adopted.
    """

    study: str
    effect: str
    conversion: str
    grade: str
    held: str = ""
    current: str = ""


_NONE = "none found"
_CV25_CONV = "default as the mean; coefficient of variation 0.25 (a judgement)"
_JOINT = (
    "calibrated jointly with workforce.turnover_at_zero_burnout to turnover and vacancies; "
    "drawing it on its own would leave the calibrated region; " + _HM
)

# fmt: off
EVIDENCE: dict[str, Evidence] = {
    # --- drawn by today's PSA (UNCERTAINTY) -----------------------------------------------
    "needs.support_protection": Evidence(
        "MEAM Approach evaluation (Cordis Bright)",
        "ED attendances 37% to 54% lower",
        "taken as an upper bound for the best-coordinated casework: beta(3, 6) on 0-0.9, "
        "mean 0.3 below the default 0.45", "low"),
    "crises.ed_attendance_rate": Evidence(
        _NONE + " (the brief gives no crisis rate for people with multiple disadvantage)",
        "none", _CV25_CONV, "elicited"),
    "crises.hospital_admission_rate": Evidence(
        _NONE + " (as for ED attendances)", "none", _CV25_CONV, "elicited"),
    "crises.arrest_custody_rate": Evidence(
        _NONE + " (as for ED attendances)", "none", _CV25_CONV, "elicited"),
    "crises.eviction_rough_sleeping_rate": Evidence(
        _NONE + " (as for ED attendances)", "none", _CV25_CONV, "elicited"),
    "crises.ed_attendance_cost": Evidence(
        "NICE NG94 ch. 41, Table 83 (National Schedule of Reference Costs 2013-14)",
        "ED admitted 138 GBP, not admitted 114 GBP",
        "mean of the two (126 GBP); gamma with sd 25 spanning them", "moderate",
        current="National Cost Collection 2024/25 via PSSRU Unit Costs 2025, Table 6.1.1: "
        "emergency care 280 GBP per attendance (2024/25 prices)"),
    "crises.hospital_admission_cost": Evidence(
        "NAO press release 'Reducing emergency admissions' (2018), cited in the code as "
        "NAO (2013), 2012/13",
        "13.7bn GBP in 2015-16 over 5.8m admissions in 2016-17 (about 2,362 GBP each)",
        "cost over count, mixing two years of one report under the wrong year; gamma with "
        "CV 0.2", "low",
        current="National Cost Collection 2024/25 via PSSRU Unit Costs 2025, Table 6.1.1: "
        "non-elective stay 824 GBP short, 5,395 GBP long (2024/25 prices); about 3,570 "
        "GBP if 40% are short stays (that share an assumption)"),
    "crises.arrest_custody_cost": Evidence(
        _NONE + " in the code", "none",
        "lognormal with median 1,000 GBP, sigma 0.5: an order of magnitude", "elicited",
        current="Home Office Police costs methodology (Police Activity Survey, Nov 2025), "
        "Table 1: police response per recorded crime 280 GBP (public order) to 1,290 GBP "
        "(drug possession), violence with injury 1,260 GBP (2022/23 prices); the notes "
        "suggest a median of about 700 GBP (2024/25), sigma 0.6, adding Home Office "
        "costs of crime 2019/20 response components"),
    "crises.eviction_rough_sleeping_cost": Evidence(
        "Pleace (2015) At what cost?",
        "12 months of homelessness 11,733 GBP",
        "a quarter taken per episode; gamma with CV 0.3. The vignette includes NHS and "
        "criminal-justice costs the model counts through other crises (double counting)",
        "low",
        current="Pleace and Culhane (2016) Better than Cure?, Crisis (author's slides, "
        "slide 17): homelessness services only 3,702 GBP per person per 90 days (price "
        "year assumed 2015/16), without the NHS and criminal-justice costs"),
    "workforce.replacement_cost": Evidence(
        "Skills for Care estimate of the cost per hire of a care worker (secondary quotes)",
        "about 3,600 GBP, including reduced capacity during probation",
        "applied to every profession; gamma with CV 0.3", "low",
        current="Same figure quoted in Unfair To Care 2024, p. 46; its price year is about "
        "2018/19, not the 2016/17 assumed in prices.py. For a qualified nurse about "
        "12,000 GBP (Nurses.co.uk, about 2021/22, unsourced: low)"),
    "workforce.turnover_at_zero_burnout": Evidence(
        "Skills for Care workforce data",
        "adult social care turnover 30.8% (2018/19), 29% (2021/22); 23.1% in 2024/25",
        "calibrated so the no-CoP site matches 29-31% (docs/calibration.md); beta with sd "
        "0.02 from the calibration's spread. Drawn independently of its calibration "
        "partner workforce.hiring_lag_weeks (issue 27)", "moderate"),
    "workforce.burnout_leave_ratio": Evidence(
        "Skills for Care, State of the adult social care sector 2025 (secondary report)",
        "workers with none of five protective factors three times more likely to leave "
        "than those with all five",
        "taken as the hazard at full burnout relative to none: triangular 2-4.5, mode 3",
        "low"),
    "cop.peer_support": Evidence(
        "Ng and Sorensen 2008, Group Organ Manage 33(3) (abstract); Halbesleben 2006, J "
        "Appl Psychol 91:1134 (abstract); Rubenstein et al. 2018, Pers Psychol 71:23",
        "coworker support and turnover intention -.19 (supervisor support -.36); work "
        "support relates mainly to exhaustion; peer relations and actual turnover -.14",
        "direction and relative size only (peer weaker than manager); no rate of burnout "
        "recovery: uniform 0.1-0.9", "low"),
    "nurture.manager_effect": Evidence(
        "Rubenstein et al. 2018, Pers Psychol 71:23, Table 2 (via a checked secondary); "
        "Ng and Sorensen 2008 (abstract)",
        "leadership and actual turnover rho -.24; supervisor support and turnover "
        "intention -.36",
        "about 0.55 per SD on the log-odds of leaving (r over sqrt(p(1-p)), p = 0.25); the "
        "model acts through burnout recovery, so the mapping is not made: uniform "
        "0.05-0.5", "low"),
    "cop.convenor_rate": Evidence(
        "Wenger, McDermott and Snyder 2002; Wilson-Mah and Walinga 2017 (the role only)",
        "none", "uniform 0.05-0.5 (a judgement)", "elicited"),
    "trust.gain": Evidence(
        _NONE, "none", "triangular 0.05-0.3, mode the default 0.15 (a judgement)",
        "elicited"),
    "brokerage.hourly_cost": Evidence(
        _NONE + " (a facilitator's pay with on-costs)", "none",
        "triangular 25-50 GBP, mode 35 (a judgement)", "elicited",
        current="PSSRU Unit Costs 2024, Table 8.2.1: community Band 6 57 GBP, Band 7 68 "
        "GBP per working hour (2023/24 prices); the notes suggest mode 60 GBP, range "
        "45-75 GBP"),
    "funding.backfill_hourly_cost": Evidence(
        _NONE + " (agency cover rates)", "none",
        "triangular 18-35 GBP, mode 25 (a judgement)", "elicited",
        current="PSSRU Unit Costs 2024, Table 8.2.1: community Band 4 39 GBP per working "
        "hour (2023/24 prices); the notes suggest about 40 GBP (2024/25), range 30-55"),
    "economics.practitioner_hourly_cost": Evidence(
        "PSSRU Unit Costs of Health and Social Care 2023 (no table cited)",
        "cost per working hour of support and social work staff, order of magnitude",
        "triangular 25-60 GBP, mode 40: from support worker to social worker", "low",
        current="PSSRU Unit Costs 2025, Table 10.1.1: adult social worker 54 GBP (61 GBP "
        "with qualifications) per working hour (2024/25 prices); PSSRU Unit Costs 2024, "
        "Table 8.2.1: community Band 4-7 39-68 GBP (2023/24); the notes suggest "
        "triangular 41-61 GBP, mode 48 (2024/25)"),
    "economics.setup_cost": Evidence(
        _NONE, "none", "triangular 500-6,000 GBP, mode 2,000 (a judgement)", "elicited"),
    # --- held in today's PSA (CALIBRATION_PRIORS) -----------------------------------------
    "cop.embeddedness": Evidence(
        "Rubenstein et al. 2018, Pers Psychol 71:23, Table 2 (via a checked secondary); "
        "Jiang et al. 2012, J Appl Psychol 97:1077 (abstract: the relation is stronger in "
        "public organisations and female-dominated samples; table values not found)",
        "embeddedness and actual voluntary turnover rho -.26",
        "r to a logistic slope, beta = r / sqrt(p(1-p)) with p = 0.25: 0.60 per SD (Monte "
        "Carlo 0.62-0.72); hazard reduction 1 - exp(-beta x delta), delta the gain in "
        "embeddedness from membership in SD, elicited (no study measures it); the "
        "default 0.10 is delta about 0.18 SD. Beta(2.5, 22)", "low",
        held="entangled with the calibration (issue 27, 16 paired seeds: the CoP avoids "
        "5.72 turnover points, 1.35 with both embeddedness strengths at zero); drawing it "
        "alone would shift the no-CoP site off its targets; " + _HM),
    "workforce.embeddedness_ties": Evidence(
        "as cop.embeddedness (Rubenstein et al. 2018)",
        "embeddedness and actual voluntary turnover rho -.26",
        "0.6 per SD, a third carried by links (one of three facets), one SD of links "
        "elicited as 3-6 cross-agency ties: 0.03-0.07 per tie; lognormal median 0.035, "
        "95% 0.01-0.12", "low",
        held="acts without a CoP, so it is entangled with the calibration (issue 27: "
        "off, no-CoP turnover is 32.1%); " + _HM),
    "cop.stress_buffering": Evidence(
        "Cohen and Wills 1985, Psychol Bull 98:310 (narrative review, abstract)",
        "none pooled: buffering where support is need-matched",
        "half-normal with scale 0.5 (0 allowed)", "elicited",
        held="a retention channel whose strength the calibration varies with the others; "
        + _HM),
    "cop.peer_support_weeks": Evidence(
        "Awa et al. 2010, Patient Educ Couns 78:184; Centre for Homelessness Impact 2025; "
        "Dawson et al. 2021, BMC Health Serv Res 21:392",
        "person-directed effects 6 months or less and 'diminished in the course of time'; "
        "emailed support: a moderate short-term improvement only; how long effects last "
        "after attendance stops: not found",
        "triangular 1-12 weeks, mode 3 (the notes suggest 1 + Poisson(3) truncated at "
        "12, which puts more mass at 2 weeks or less)", "elicited",
        held="a whole number the PSA's continuous draws do not fit; varied in the "
        "calibration with the other retention channels; " + _HM),
    "workforce.hiring_lag_weeks": Evidence(
        "Skills for Care 2021/22-2024/25 (vacancies 10.5% to 7.0%, turnover 29-31% to "
        "23.1%)",
        "vacancy rate 7-10.5%; turnover 23.1-31%",
        "steady state: vacancies about turnover x lag / 52, so 6-11% at 23-31% give 10-25 "
        "weeks; mode the calibrated 19", "moderate", held=_JOINT),
    "workforce.new_starter_leave_ratio": Evidence(
        "Skills for Care, Retaining more people (2021/22); drug and alcohol workforce "
        "census (third edition, via DDN)",
        "turnover 43.7% among staff with under a year's experience in the sector "
        "against 29.0% overall (ratio 1.51); drug and alcohol: ~40% in post under a "
        "year at 19% turnover",
        "ratio of first-year to overall turnover as the mode (a lower bound on first year "
        "against later); the census gap is mostly workforce growth, a structural matter",
        "low",
        held="jointly determines the held-out tenure target with the leaving hazards; "
        + _HM),
    "workforce.burnout_fill": Evidence(
        _NONE + " (Homer 1985 for the form)", "none",
        "lognormal around the default, sigma 0.5 (a judgement)", "elicited",
        held="with burnout recovery it sets the share at risk of burnout, a calibration "
        "target (51% 'always or often at risk', St Martin-in-the-Fields 2024); " + _HM),
    "workforce.burnout_recovery": Evidence(
        _NONE + " (Homer 1985 for the form)", "none",
        "lognormal around the default, sigma 0.5 (a judgement)", "elicited",
        held="as workforce.burnout_fill; " + _HM),
    "workforce.resilience_spread": Evidence(
        _NONE, "none", "uniform 0.25-1.0 (a judgement)", "elicited",
        held="spreads burnout and so the share at risk (docs/calibration.md); " + _HM),
    "workforce.sector_differences": Evidence(
        "Drug and alcohol workforce census (turnover 25% in 2023, 19% in the third "
        "census); Skills for Care (23.1% in 2024/25, care workers 28.5%)",
        "drug and alcohol turnover 19-25% against adult social care 23.1-30%",
        "weight w solving (1 + w(T_da/mean - 1)) / (1 + w(T_asc/mean - 1)) = the "
        "reported ratio, with domains.SECTOR_TURNOVER: 0.43 (25 vs 28.5), 0.64 (19 vs "
        "23.1), 1 (22 vs 30); uniform 0.4-1", "moderate",
        held="sets turnover by sector, a calibration target; " + _HM),
}
"""The evidence behind every prior in :data:`UNCERTAINTY` and :data:`CALIBRATION_PRIORS`."""
# fmt: on

for _d in CALIBRATION_PRIORS.values():
    assert _d.group in GROUPS, _d.group
