"""Cumulative counts of one run (reset at week 0, after burn-in)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Tally:
    """Cumulative counts of one run."""

    leavers: int = 0
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
