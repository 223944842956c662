"""The reference figures the no-CoP site is calibrated to, declared once.

Both forms of ``copsim calibrate`` read them: the Optuna search
(:mod:`copsim.analysis.calibration`) fits the loss of some and reports the others;
history matching (:mod:`copsim.analysis.history_matching`) cuts on the ``fitted`` ones,
with each one's model discrepancy. docs/calibration.md gives the reasons for each number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """A reference range for one summary output, with its uncertainties.

    Attributes:
        name: The summary output (:data:`copsim.runs.outputs.SUMMARY`).
        low: Lower end of the reference range.
        high: Upper end.
        source: Where the range comes from.
        fitted: Whether history matching cuts on it (else held out, reported only).
        discrepancy_sd: Model discrepancy, one standard deviation (a stated judgement).
    """

    name: str
    low: float
    high: float
    source: str
    fitted: bool = True
    discrepancy_sd: float = 0.0

    @property
    def z(self) -> float:
        """The observation: the middle of the range."""
        return (self.low + self.high) / 2

    @property
    def obs_var(self) -> float:
        """Observation variance: half the range taken as two standard deviations."""
        return ((self.high - self.low) / 4) ** 2

    def loss(self, value: float) -> float:
        """Squared distance from the middle of the range, in half-widths."""
        return ((value - self.z) / ((self.high - self.low) / 2)) ** 2

    def met(self, value: float) -> bool:
        """Whether ``value`` lies in the range."""
        return self.low <= value <= self.high


TARGETS: tuple[Target, ...] = (
    Target(
        "turnover_rate",
        0.29,
        0.31,
        "Skills for Care: adult social care turnover 29-31% a year",
        True,
        0.015,
    ),
    Target("vacancy_rate", 0.07, 0.11, "Skills for Care: vacancy rate 7-11%", True, 0.01),
    Target(
        "share_at_risk_of_burnout_mean",
        0.40,
        0.60,
        "Homeless Link 2024: 51% of frontline staff always or often at risk of burnout",
        True,
        0.05,
    ),
    Target(
        "drug_alcohol_turnover_rate",
        0.19,
        0.25,
        "Drug and alcohol workforce census: turnover 19% (third census) to 25% (2023)",
        False,
        0.02,
    ),
    Target(
        "drug_alcohol_under_a_year",
        0.35,
        0.45,
        "Drug and alcohol workforce census: ~40% in post under a year",
        False,
        0.05,
    ),
)
"""Every reference figure; ``fitted`` says which history matching cuts on."""


def by_name(name: str) -> Target:
    """The target of summary output ``name``."""
    return next(t for t in TARGETS if t.name == name)
