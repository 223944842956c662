"""Cumulative counts of one run (reset at week 0, after burn-in)."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass
class Tally:
    """Cumulative counts of one run."""

    leavers: int = 0
    expected_leavers: float = 0.0  # the weekly leaving probabilities of those in post, summed
    moved_in_region: int = 0
    hires: int = 0
    crisis_events: int = 0
    exclusions: int = 0
    referrals: int = 0
    referrals_accepted: int = 0
    meetings: int = 0
    broker_hours: float = 0.0
    referrals_in: int = 0
    left_moved_on: int = 0
    left_discharged: int = 0
    left_prison: int = 0
    left_died: int = 0
    followed: int = 0
    maintained: int = 0
    recovered: int = 0
    severity_change: float = 0.0

    @classmethod
    def replicates(cls, n: int) -> Tally:
        """The tallies of ``n`` replicates side by side: every count an array, one a replicate."""
        return cls(**{f.name: np.zeros(n, dtype=type(f.default)) for f in fields(cls)})

    def each(self) -> list[Tally]:
        """Each replicate's tally of one of :meth:`replicates` (plain ints and floats)."""
        return each_replicate(self)


def each_replicate(batch: object) -> list:
    """Each replicate's copy of a dataclass of per-replicate arrays (Tally, Ledger).

    Each field becomes the replicate's plain Python number (``tolist``: ints stay ints,
    floats floats, as the fields of a run alone are).
    """
    cls = type(batch)
    columns = [(f.name, getattr(batch, f.name).tolist()) for f in fields(batch)]
    out = []
    for r in range(len(columns[0][1])):
        one = cls.__new__(cls)
        vars(one).update({name: values[r] for name, values in columns})
        out.append(one)
    return out


class AgencyTally:
    """Cumulative counts of one run, per agency (arrays indexed by agency)."""

    def __init__(self, agencies: int):
        self.leavers = np.zeros(agencies, dtype=np.int64)  # left the agency, wherever to
        self.leavers_to_region = np.zeros(agencies, dtype=np.int64)  # ... to another agency
        self.staff_weeks = np.zeros(agencies)  # staff in post, summed over weeks 1..


class LocalityTally:
    """Cumulative counts of one run, per locality (arrays indexed by locality)."""

    def __init__(self, localities: int):
        n = localities
        # Leavers and movers from each locality are the sums of its agencies' (AgencyTally).
        self.moved_out = np.zeros(n, dtype=np.int64)  # moved to another locality's agency
        self.moved_in = np.zeros(n, dtype=np.int64)  # arrived from another locality
        self.crisis_events = np.zeros(n, dtype=np.int64)
        self.staff_weeks = np.zeros(n)  # staff in post, summed over weeks 1..
        self.funded_weeks = np.zeros(n)
        self.vacancy_share_weeks = np.zeros(n)  # vacancies over funded, summed over weeks
        self.burnout_weeks = np.zeros(n)  # mean burnout in post, summed over weeks
        self.unmet_weeks = np.zeros(n)  # share of active needs unmet, summed over weeks
