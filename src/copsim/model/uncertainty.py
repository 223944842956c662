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
retention strength (:data:`RETENTION_STRENGTHS`), that history matching calibrates
(docs/calibration.md). The PSA (:mod:`copsim.analysis.psa`) draws every input the shipped
posterior holds from it, jointly, and the others from :data:`UNCERTAINTY`; with ``--prior``
it draws all from their priors. :data:`EVIDENCE` records, for both, the study
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
    "needs.crisis_shock_weeks": triangular(
        4.0, 26.0, 208.0, "acute excess risk after release or discharge lasts weeks to 3 "
        "months (Binswanger 2007; Chung 2017); wellbeing recovers over about 4 years "
        "(Kettlewell 2020); a draw is rounded", "crisis rates"),
    "crises.ed_attendance_rate": gamma(
        2.5, 0.625, _CV25, "crisis rates", (0.0, 50.0)),
    "crises.hospital_admission_rate": gamma(
        0.4, 0.1, _CV25, "crisis rates", (0.0, 20.0)),
    "crises.arrest_custody_rate": gamma(
        1.0, 0.25, _CV25, "crisis rates", (0.0, 20.0)),
    "crises.eviction_rough_sleeping_rate": gamma(
        0.3, 0.075, _CV25, "crisis rates", (0.0, 20.0)),
    "crises.ed_attendance_cost": gamma(
        280.0, 56.0, "National Cost Collection 2024/25: one national average over "
        "attendances of very different intensity; CV 0.2", "crisis unit costs",
        (0.0, 10000.0)),
    "crises.hospital_admission_cost": gamma(
        3567.0, 500.0, "short and long non-elective stays weighted by an assumed 40% short; "
        "20-60% short spans 2,650-4,480", "crisis unit costs", (0.0, 50000.0)),
    "crises.arrest_custody_cost": lognormal(
        640.0, 0.6, "police response per recorded crime runs 280-1,290 over the cohort's "
        "likely offences, plus a share of the justice response; 95% 200-2,070",
        "crisis unit costs", (0.0, 50000.0)),
    "crises.eviction_rough_sleeping_cost": gamma(
        3702.0, 1110.0, "homelessness services alone over 90 days; an episode's length is "
        "an assumption; CV 0.3", "crisis unit costs", (0.0, 50000.0)),
    "workforce.replacement_cost": lognormal(
        7400.0, 0.4, "support staff 4,570, qualified staff 14,070 (2024/25), their mix an "
        "assumption; 95% 3,400-16,200", "workforce", (0.0, 100000.0)),
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
        44.0, 57.0, 68.0, "PSSRU 2024 Table 8.2.1: Band 5 to Band 7 per working hour, mode "
        "Band 6", "programme costs"),
    "funding.backfill_hourly_cost": triangular(
        30.0, 39.0, 55.0, "PSSRU 2024 Table 8.2.1 Band 4 as the mode; 30-55 for in-house "
        "to agency cover (assumption)", "programme costs"),
    "economics.practitioner_hourly_cost": triangular(
        41.0, 48.0, 61.0, "PSSRU: from a Band 4 support worker to a qualified social worker "
        "per working hour (2024/25)", "programme costs"),
    "economics.setup_cost": triangular(
        570.0, 2280.0, 5700.0, "10-100 hours of a Band 6 facilitator (assumption), mode 40",
        "programme costs"),
}
"""The distribution of every uncertain parameter, by name; the others are fixed."""
# fmt: on

for _d in UNCERTAINTY.values():
    assert _d.group in GROUPS, _d.group

_ELICITED = (
    "no study found: a judgement of the range and most likely value (SHELF's form, one analyst)"
)
_HM = "the PSA draws it from the history-matching posterior (docs/calibration.md)"

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
"""Priors of the uncertain inputs that history matching calibrates.

History matching (:mod:`copsim.analysis.history_matching`) varies them; the PSA reads them
only with ``--prior``, and otherwise draws them from the posterior.
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
        calibrated: For a parameter history matching calibrates
            (:data:`CALIBRATION_PRIORS`): why its prior alone is not enough.
    """

    study: str
    effect: str
    conversion: str
    grade: str
    calibrated: str = ""


_NONE = "none found"
_CV25_CONV = "default as the mean; coefficient of variation 0.25 (a judgement)"
_JOINT = (
    "calibrated jointly with workforce.turnover_at_zero_burnout to turnover and vacancies; "
    "drawing it on its own would leave the calibrated region; " + _HM
)

# fmt: off
EVIDENCE: dict[str, Evidence] = {
    # --- drawn by the PSA (UNCERTAINTY) ---------------------------------------------------
    "needs.support_protection": Evidence(
        "MEAM Approach evaluation (Cordis Bright)",
        "ED attendances 37% to 54% lower",
        "taken as an upper bound for the best-coordinated casework: beta(3, 6) on 0-0.9, "
        "mean 0.3 below the default 0.45", "low"),
    "needs.crisis_shock_weeks": Evidence(
        "Binswanger et al. 2007, NEJM 356(2):157 (Results); Chung et al. 2017, JAMA "
        "Psychiatry 74(7):694 (Key Points); Kettlewell et al. 2020, SSM - Population Health "
        "10:100533",
        "deaths after release 12.7 times the general rate in the first 2 weeks, 3.5 times "
        "over 1.9 years; suicide after discharge about 100 times the global rate in the "
        "first 3 months, about 30 times years later; wellbeing back about 4 years after "
        "major negative events",
        "none of them measures service need: the acute risk sets the short end, "
        "wellbeing's recovery the long end; triangular 4-208 weeks, mode 26 (a judgement)",
        "low"),
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
        "National Cost Collection 2024/25, via PSSRU Unit Costs of Health and Social Care "
        "2025 (Jones et al. 2026), Table 6.1.1 (2024/25 prices)",
        "emergency care 280 GBP per attendance",
        "used as it is; gamma with CV 0.2. Replaces NICE NG94 Table 83's 2013/14 reference "
        "costs (114 and 138 GBP)", "high"),
    "crises.hospital_admission_cost": Evidence(
        "National Cost Collection 2024/25, via PSSRU Unit Costs 2025, Table 6.1.1 (2024/25 "
        "prices); NAO, Reducing emergency admissions (2018, press release)",
        "non-elective stay 824 GBP short, 5,395 GBP long; 'most (79%) of the growth in "
        "emergency admissions ... was caused by people who did not stay in hospital "
        "overnight'",
        "weighted mean at 40% short stays (the share an assumption, 20-60%): 3,567 GBP; "
        "gamma with sd 500. Replaces a figure that divided the NAO's 2015-16 spending by "
        "its 2016-17 admissions under the wrong year", "moderate"),
    "crises.arrest_custody_cost": Evidence(
        "Home Office, Police costs methodology (Police Activity Survey, Nov 2025), Table 1 "
        "(2022/23 prices); Home Office, Economic and social costs of crime 2019 to 2020 "
        "(Tables 1, 3 and 4, via a secondary transcription)",
        "police response per recorded crime: public order 280, shoplifting 330, violence "
        "without injury 470, drug possession 1,290 GBP; justice response component 90-2,050 "
        "GBP (2019/20)",
        "an episode taken as one recorded offence of the cohort's assumed mix plus a share "
        "of the justice response: median 640 GBP (2022/23), lognormal sigma 0.6; victims' "
        "harm left out (public-sector perspective)", "moderate"),
    "crises.eviction_rough_sleeping_cost": Evidence(
        "Pleace and Culhane 2016, Better than Cure? (Crisis), abstract and the author's "
        "slides (slide 17)",
        "public spending 8,630 GBP per person per 90 days, of which homelessness services "
        "3,702 GBP (the rest NHS, mental health, drug and alcohol and criminal justice)",
        "homelessness services alone, so crises the model costs elsewhere are not counted "
        "twice; an episode taken as the study's 90 days (assumption); price year 2015/16 "
        "assumed from the fieldwork; gamma with CV 0.3. Replaces a quarter of Pleace "
        "2015's 12-month vignette, which included NHS and justice costs", "moderate"),
    "workforce.replacement_cost": Evidence(
        "Skills for Care cost per hire of a care worker (Unfair To Care 2024, p. 46; "
        "components in a 2019 summary of Skills for Care's estimate); Nurses.co.uk 2021/22 "
        "for a qualified nurse",
        "about 3,600 GBP per care worker hired, 'including the agency's reduced capacity "
        "whilst a new person gets up to speed'; about 12,000 GBP to replace a trained "
        "nurse (secondary, unsourced)",
        "each moved to 2024/25 (4,570 and 14,070 GBP) and weighted 70% support, 30% "
        "qualified staff (assumption): 7,400 GBP; lognormal sigma 0.4", "low"),
    "workforce.turnover_at_zero_burnout": Evidence(
        "Skills for Care workforce data",
        "adult social care turnover 30.8% (2018/19), 29% (2021/22); 23.1% in 2024/25",
        "calibrated so the no-CoP site matches 29-31% (docs/calibration.md); beta with sd "
        "0.02 from the calibration's spread (the prior); the PSA draws it from the "
        "posterior, jointly with its calibration partner workforce.hiring_lag_weeks",
        "moderate"),
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
        "PSSRU Unit Costs of Health and Social Care 2024 (Jones et al. 2025), Table 8.2.1 "
        "(2023/24 prices)",
        "community-based staff per working hour: Band 5 44, Band 6 57, Band 7 68 GBP",
        "a broker graded as Band 6, with Band 5 and 7 as the range: triangular 44-68, mode "
        "57", "moderate"),
    "funding.backfill_hourly_cost": Evidence(
        "PSSRU Unit Costs 2024, Table 8.2.1 (2023/24 prices)",
        "community Band 4 39 GBP per working hour",
        "cover for a support worker at Band 4; 30-55 GBP from in-house cover to an agency "
        "premium (assumption): triangular, mode 39", "moderate"),
    "economics.practitioner_hourly_cost": Evidence(
        "PSSRU Unit Costs 2025 (Jones et al. 2026), Table 10.1.1 (2024/25 prices); PSSRU "
        "Unit Costs 2024, Table 8.2.1 (2023/24)",
        "adult social worker 54 GBP (61 GBP with qualifications) per working hour; "
        "community Band 4-5 39-44 GBP",
        "a mixed caseload from support worker to social worker: triangular 41-61, mode 48 "
        "(the mode an assumption)", "moderate"),
    "economics.setup_cost": Evidence(
        "PSSRU Unit Costs 2024, Table 8.2.1 (2023/24 prices), for the hour; " + _NONE
        + " for the hours",
        "Band 6 57 GBP per working hour",
        "40 hours of set-up (10-100, a judgement): triangular 570-5,700, mode 2,280",
        "elicited"),
    # --- calibrated by history matching (CALIBRATION_PRIORS) ------------------------------
    "cop.embeddedness": Evidence(
        "Rubenstein et al. 2018, Pers Psychol 71:23, Table 2 (via a checked secondary); "
        "Jiang et al. 2012, J Appl Psychol 97:1077 (abstract: the relation is stronger in "
        "public organisations and female-dominated samples; table values not found)",
        "embeddedness and actual voluntary turnover rho -.26",
        "r to a logistic slope, beta = r / sqrt(p(1-p)) with p = 0.25: 0.60 per SD (Monte "
        "Carlo 0.62-0.72); hazard reduction 1 - exp(-beta x delta), delta the gain in "
        "embeddedness from membership in SD, elicited (no study measures it); the "
        "default 0.10 is delta about 0.18 SD. Beta(2.5, 22)", "low",
        calibrated="entangled with the calibration (issue 27, 16 paired seeds: the CoP avoids "
        "5.72 turnover points, 1.35 with both embeddedness strengths at zero); drawing it "
        "alone would shift the no-CoP site off its targets; " + _HM),
    "workforce.embeddedness_ties": Evidence(
        "as cop.embeddedness (Rubenstein et al. 2018)",
        "embeddedness and actual voluntary turnover rho -.26",
        "0.6 per SD, a third carried by links (one of three facets), one SD of links "
        "elicited as 3-6 cross-agency ties: 0.03-0.07 per tie; lognormal median 0.035, "
        "95% 0.01-0.12", "low",
        calibrated="acts without a CoP, so it is entangled with the calibration (issue 27: "
        "off, no-CoP turnover is 32.1%); " + _HM),
    "cop.stress_buffering": Evidence(
        "Cohen and Wills 1985, Psychol Bull 98:310 (narrative review, abstract)",
        "none pooled: buffering where support is need-matched",
        "half-normal with scale 0.5 (0 allowed)", "elicited",
        calibrated="a retention channel whose strength the calibration varies with the others; "
        + _HM),
    "cop.peer_support_weeks": Evidence(
        "Awa et al. 2010, Patient Educ Couns 78:184; Centre for Homelessness Impact 2025; "
        "Dawson et al. 2021, BMC Health Serv Res 21:392",
        "person-directed effects 6 months or less and 'diminished in the course of time'; "
        "emailed support: a moderate short-term improvement only; how long effects last "
        "after attendance stops: not found",
        "triangular 1-12 weeks, mode 3 (the notes suggest 1 + Poisson(3) truncated at "
        "12, which puts more mass at 2 weeks or less)", "elicited",
        calibrated="a whole number the PSA's continuous draws do not fit; varied in the "
        "calibration with the other retention channels; " + _HM),
    "workforce.hiring_lag_weeks": Evidence(
        "Skills for Care 2021/22-2024/25 (vacancies 10.5% to 7.0%, turnover 29-31% to "
        "23.1%)",
        "vacancy rate 7-10.5%; turnover 23.1-31%",
        "steady state: vacancies about turnover x lag / 52, so 6-11% at 23-31% give 10-25 "
        "weeks; mode the calibrated 19", "moderate", calibrated=_JOINT),
    "workforce.new_starter_leave_ratio": Evidence(
        "Skills for Care, Retaining more people (2021/22); drug and alcohol workforce "
        "census (third edition, via DDN)",
        "turnover 43.7% among staff with under a year's experience in the sector "
        "against 29.0% overall (ratio 1.51); drug and alcohol: ~40% in post under a "
        "year at 19% turnover",
        "ratio of first-year to overall turnover as the mode (a lower bound on first year "
        "against later); the census gap is mostly workforce growth, a structural matter",
        "low",
        calibrated="jointly determines the held-out tenure target with the leaving hazards; "
        + _HM),
    "workforce.burnout_fill": Evidence(
        _NONE + " (Homer 1985 for the form)", "none",
        "lognormal around the default, sigma 0.5 (a judgement)", "elicited",
        calibrated="with burnout recovery it sets the share at risk of burnout, a calibration "
        "target (51% 'always or often at risk', St Martin-in-the-Fields 2024); " + _HM),
    "workforce.burnout_recovery": Evidence(
        _NONE + " (Homer 1985 for the form)", "none",
        "lognormal around the default, sigma 0.5 (a judgement)", "elicited",
        calibrated="as workforce.burnout_fill; " + _HM),
    "workforce.resilience_spread": Evidence(
        _NONE, "none", "uniform 0.25-1.0 (a judgement)", "elicited",
        calibrated="spreads burnout and so the share at risk (docs/calibration.md); " + _HM),
    "workforce.sector_differences": Evidence(
        "Drug and alcohol workforce census (turnover 25% in 2023, 19% in the third "
        "census); Skills for Care (23.1% in 2024/25, care workers 28.5%)",
        "drug and alcohol turnover 19-25% against adult social care 23.1-30%",
        "weight w solving (1 + w(T_da/mean - 1)) / (1 + w(T_asc/mean - 1)) = the "
        "reported ratio, with domains.SECTOR_TURNOVER: 0.43 (25 vs 28.5), 0.64 (19 vs "
        "23.1), 1 (22 vs 30); uniform 0.4-1", "moderate",
        calibrated="sets turnover by sector, a calibration target; " + _HM),
}
"""The evidence behind every prior in :data:`UNCERTAINTY` and :data:`CALIBRATION_PRIORS`."""
# fmt: on

for _d in CALIBRATION_PRIORS.values():
    assert _d.group in GROUPS, _d.group
