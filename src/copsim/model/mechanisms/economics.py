"""Economics: the programme's cost next to what it saves, at stated unit costs.

Costs accrue where they arise (broker hours and backfill in brokerage and meetings,
crises in crises, replacements in workforce) into a :class:`Ledger`. Savings only mean
something against the same site without the CoP on the same seed (its twin, with common
random numbers), so :func:`net_benefit` takes both runs.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from copsim.model.domains import CRISIS_KINDS
from copsim.model.tally import each_replicate

COST_FIELDS = tuple(f"{kind}_cost" for kind in CRISIS_KINDS)
"""The :class:`Ledger` field of each crisis kind, in CRISIS_KINDS order."""


@dataclass
class Ledger:
    """Cumulative costs of one run, in GBP at each unit cost's own price year.

    ``programme_cost`` is broker hours plus backfill; the items after ``turnover_cost``
    break the totals down for the appraisal (:mod:`copsim.runs.appraisal`), which moves
    each to one price year and discounts it.
    """

    programme_cost: float = 0.0
    crisis_cost: float = 0.0
    turnover_cost: float = 0.0
    broker_cost: float = 0.0
    backfill_cost: float = 0.0
    unbackfilled_hours: float = 0.0
    ed_attendance_cost: float = 0.0
    hospital_admission_cost: float = 0.0
    arrest_custody_cost: float = 0.0
    eviction_rough_sleeping_cost: float = 0.0

    def charge_broker(self, cost: float) -> None:
        """Charge a week of broker hours to the programme."""
        self.programme_cost += cost
        self.broker_cost += cost

    def charge_attendance(self, hours: float, protected: float, backfill_rate: float) -> None:
        """Charge attended meeting hours: the protected share is backfilled by the programme.

        The rest is practitioners' own time, an opportunity cost the appraisal values at
        ``economics.practitioner_hourly_cost``.
        """
        backfill = hours * protected * backfill_rate
        self.programme_cost += backfill
        self.backfill_cost += backfill
        self.unbackfilled_hours += hours * (1.0 - protected)

    def charge_crises(self, events: np.ndarray, unit_costs: np.ndarray) -> None:
        """Charge this week's crisis events (counts by kind, in CRISIS_KINDS order).

        For replicates side by side (:func:`replicates`), ``events`` has a row a
        replicate and each replicate's field is charged its row, as it would be alone.
        """
        if events.ndim == 2:
            # Each row's dot product alone (its rounding is that of a run alone's).
            self.crisis_cost += [float(row @ unit_costs) for row in events]
            for name, costs in zip(COST_FIELDS, (events * unit_costs).T, strict=True):
                getattr(self, name)[:] += costs
            return
        self.crisis_cost += float(events @ unit_costs)
        # tolist() gives the same Python floats as float() of each element, in one call.
        for name, cost in zip(COST_FIELDS, (events * unit_costs).tolist(), strict=True):
            setattr(self, name, getattr(self, name) + cost)

    @classmethod
    def replicates(cls, n: int) -> Ledger:
        """A ledger of ``n`` replicates side by side: every field an array, one a replicate."""
        return cls(**{f.name: np.zeros(n) for f in fields(cls)})

    def each(self) -> list[Ledger]:
        """Each replicate's ledger of one of :meth:`replicates` (plain floats)."""
        return each_replicate(self)


def net_benefit(run: Ledger, twin: Ledger) -> float:
    """Crisis and turnover costs avoided against the twin, less the programme's cost."""
    avoided = (twin.crisis_cost - run.crisis_cost) + (twin.turnover_cost - run.turnover_cost)
    return avoided - run.programme_cost


def roi(run: Ledger, twin: Ledger) -> float | None:
    """Net benefit per GBP of programme cost (None without a programme cost)."""
    if run.programme_cost <= 0:
        return None
    return net_benefit(run, twin) / run.programme_cost
