"""Outcomes for people: crisis, unstable, stable (maintenance) or recovered.

Recovery is not the only outcome: maintenance (no deterioration) and prevention (crises
avoided) count too, and are reported separately. Each week a person is

* in crisis if they had a crisis event in the last four weeks;
* recovered if not, and their severity is at or below ``needs.recovered_severity``;
* stable if not, and their severity is no higher than a quarter ago (plus one point);
* unstable otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from copsim.model.agents import PersonState
from copsim.model.mechanisms.needs import severity

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel

CRISIS_WEEKS = 4
"""A crisis event marks a person as in crisis for this many weeks."""

STABLE_TOLERANCE = 1.0
"""Severity points a person may rise over a quarter and still count as stable."""

# As plain ints: numpy converts an IntEnum member far more slowly when assigning it.
_UNSTABLE, _STABLE, _RECOVERED, _CRISIS = (
    int(s)
    for s in (PersonState.UNSTABLE, PersonState.STABLE, PersonState.RECOVERED, PersonState.CRISIS)
)


def classify(
    sev: np.ndarray, sev_quarter_ago: np.ndarray, in_crisis: np.ndarray, recovered_at: float
) -> np.ndarray:
    """Person states from severity now and a quarter ago (PersonState values)."""
    state = np.empty(len(sev), dtype=np.int8)
    state.fill(_UNSTABLE)
    state[sev <= sev_quarter_ago + STABLE_TOLERANCE] = _STABLE
    state[sev <= recovered_at] = _RECOVERED
    state[in_crisis] = _CRISIS
    return state


def step(model: CopModel) -> None:
    """Record severity and classify every person."""
    people = model.people
    people.severity = severity(people.needs, people.engagement)
    hist = people.severity_history
    slot = model.week % hist.shape[1]
    in_crisis = people.last_crisis > model.week - CRISIS_WEEKS  # within the last four weeks
    # Classified against the quarter-old severities before this week's take their slot.
    people.state = classify(
        people.severity, hist[:, slot], in_crisis, model.p.needs.recovered_severity
    )
    hist[:, slot] = people.severity
