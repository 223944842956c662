"""Economics: the programme's cost next to what it saves, at stated unit costs.

Costs accrue where they arise (broker hours and backfill in brokerage and meetings,
crises in crises, replacements in workforce) into a :class:`Ledger`. Savings only mean
something against the same site without the CoP on the same seed (its twin, with common
random numbers), so :func:`net_benefit` takes both runs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Ledger:
    """Cumulative costs of one run, in GBP."""

    programme_cost: float = 0.0
    crisis_cost: float = 0.0
    turnover_cost: float = 0.0


def net_benefit(run: Ledger, twin: Ledger) -> float:
    """Crisis and turnover costs avoided against the twin, less the programme's cost."""
    avoided = (twin.crisis_cost - run.crisis_cost) + (twin.turnover_cost - run.turnover_cost)
    return avoided - run.programme_cost


def roi(run: Ledger, twin: Ledger) -> float | None:
    """Net benefit per GBP of programme cost (None without a programme cost)."""
    if run.programme_cost <= 0:
        return None
    return net_benefit(run, twin) / run.programme_cost
