"""The policy events a trainer can fire mid-run, one button each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from copsim.model.parameters import Parameters
from copsim.model.schema import SCHEMA
from copsim.runs.runner import NO_COP


@dataclass(frozen=True)
class Shock:
    """A policy event a trainer can fire mid-run, with a button.

    Attributes:
        key: Identifier (used in tests and element ids).
        label: Button text.
        help: One line on what it does, for the button's tooltip.
        changes: The parameter changes it makes, given the run's current parameters.
        marker: Short text for the plot marker, given the changes.
    """

    key: str
    label: str
    help: str
    changes: Callable[[Parameters], dict[str, Any]]
    marker: Callable[[dict[str, Any]], str]


FUNDING_CUT = 0.2
"""Share of agency budgets the "cut funding" event removes."""


def _cut_funding(p: Parameters) -> dict[str, Any]:
    low = SCHEMA["funding.agency_budget"].low or 0.0
    return {
        "funding.agency_budget": max(low, round(p.funding.agency_budget * (1 - FUNDING_CUT), 3))
    }


SHOCKS: tuple[Shock, ...] = (
    Shock(
        "cut_funding",
        "Cut funding 20%",
        "Agency budgets fall by a fifth: fewer funded posts, leavers not replaced",
        _cut_funding,
        lambda c: f"funding cut (budget {c['funding.agency_budget']:g})",
    ),
    Shock(
        "broker_leaves",
        "Broker leaves",
        "The CoP loses its broker: no more introductions; meetings go on only if the CoP "
        "is established",
        lambda p: dict(NO_COP),
        lambda c: "broker leaves",
    ),
    Shock(
        "protected_time_withdrawn",
        "Protected time withdrawn",
        "Managers stop protecting time to attend: attendance now competes with caseloads",
        lambda p: {"nurture.protected_time": 0.0},
        lambda c: "protected time withdrawn",
    ),
)
"""The policy events offered as buttons; each applies to every run on screen."""

SHOCK_BY_KEY = {s.key: s for s in SHOCKS}
