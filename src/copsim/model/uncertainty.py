"""Parameter uncertainty: a distribution, with its basis, for each uncertain parameter.

A probabilistic sensitivity analysis (NICE's reference case) draws parameters from
distributions that reflect the evidence for them: beta for shares, gamma for costs and
rates, lognormal where only an order of magnitude is known, uniform or triangular where
only a plausible range is. Every parameter not listed in :data:`UNCERTAINTY` is *fixed*:
held at its value in every draw (the parameter dictionary says so).

Distributions are attached to the schema by name. A distribution whose support reaches
beyond its parameter's range is truncated to it explicitly (``bounds``); a test fails if
a name is unknown or a support leaves the range.
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
        family: ``beta``, ``gamma``, ``lognormal``, ``uniform`` or ``triangular``.
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
