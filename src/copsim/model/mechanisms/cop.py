"""The community of practice: meetings, attendance, learning, and whether it is established.

Meetings fall every ``brokerage.meeting_interval`` weeks after set-up. A meeting is held if
the broker has set aside the hours it needs, or, once the CoP is established, by its
members without them (it has become self-sustaining). Members attend with a probability
that protected time shields from caseload pressure and that grows with the trust they
hold across agencies. Co-attendance builds trust and new ties, attendees learn from the
best-informed in the room, and bring tied colleagues in.

"Established" is a measured state, never a timer: a run of ``cop.establish_meetings``
consecutive meetings each with enough attendees, from enough agencies, whose mutual ties
hold enough trust; the same number of consecutive failing meetings ends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from copsim.model.mechanisms import trust as trust_rules

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel


@dataclass
class CopState:
    """Measured state of the community of practice."""

    established: bool = False
    first_established: int | None = None
    weeks_established: int = 0
    streak: int = 0
    failing: int = 0
    meetings: int = 0
    attendance: int = 0
    agencies_present: int = 0
    room_trust: float = 0.0


def availability(pressure: np.ndarray, protected_time: float, sensitivity: float):
    """Share of members free to attend: ``pt + (1 - pt) exp(-s max(0, pressure - 1))``."""
    squeeze = np.exp(-sensitivity * np.maximum(0.0, pressure - 1.0))
    return protected_time + (1.0 - protected_time) * squeeze


def attendance_probability(
    pressure: np.ndarray,
    trust: np.ndarray,
    protected_time: float,
    sensitivity: float,
    attendance_max: float,
) -> np.ndarray:
    """Chance that each member attends: ``max * availability * (0.5 + 0.5 trust)``."""
    return (
        attendance_max * availability(pressure, protected_time, sensitivity) * (0.5 + 0.5 * trust)
    )


def qualifies(attendees: int, agencies: int, room_trust: float, p) -> bool:
    """Whether a meeting counts towards establishment (see the module docstring)."""
    return (
        attendees >= p.cop.min_attendees
        and agencies >= p.cop.min_agencies
        and room_trust >= p.cop.trust_threshold
    )


def meeting_due(week: int, setup_weeks: int, interval: int) -> bool:
    """Meetings fall in the first week after set-up and every ``interval`` weeks on."""
    return week > setup_weeks and (week - setup_weeks - 1) % interval == 0


def step(model: CopModel) -> None:
    """Hold this week's meeting if one is due and can be held."""
    p, broker, cop = model.p, model.broker, model.cop
    if cop.established:
        cop.weeks_established += 1
    if not meeting_due(model.week, p.brokerage.setup_weeks, p.brokerage.meeting_interval):
        return
    need = p.brokerage.hours_per_meeting
    if broker.bank >= need - 1e-9:
        broker.bank -= need
    elif cop.established:
        broker.bank = 0.0
    else:
        return
    hold_meeting(model)


def hold_meeting(model: CopModel) -> None:
    """Run one meeting: attendance, trust, ties, learning, recruitment, establishment."""
    p, posts, ties, cop = model.p, model.posts, model.ties, model.cop
    rng = model.streams["meetings"]
    week, n_posts = model.week, len(posts)
    baseline = p.site.joint_working_history
    cop.meetings += 1
    model.totals.meetings += 1

    u = rng.random(n_posts)
    members = np.flatnonzero(posts.member & posts.occupied)
    held_trust = ties.mean_trust_by_post(n_posts)[members]
    prob = attendance_probability(
        posts.pressure[members],
        np.where(np.isnan(held_trust), baseline, held_trust),
        p.nurture.protected_time,
        p.cop.pressure_sensitivity,
        p.cop.attendance_max,
    )
    came = u[members] < prob
    att, absent = members[came], members[~came]
    posts.last_attended[att] = week
    posts.missed[att] = 0
    posts.missed[absent] += 1
    posts.member[absent[posts.missed[absent] >= p.cop.lapse_meetings]] = False
    model.ledger.charge_attendance(
        len(att) * p.cop.meeting_hours, p.nurture.protected_time, p.funding.backfill_hourly_cost
    )

    in_room = np.zeros(n_posts, dtype=bool)
    in_room[att] = True
    a, b, tr, used = ties.view()
    both = in_room[a] & in_room[b]
    room_trust = float(tr[both].mean()) if both.any() else 0.0
    tr[both] = trust_rules.gain(tr[both], p.trust.meeting_gain * p.trust.gain)
    used[both] = week

    # Recruitment: an attendee brings in a tied colleague who is not yet a member.
    for near, far in ((a, b), (b, a)):
        cand = in_room[near] & ~posts.member[far] & posts.occupied[far]
        invited = cand & (rng.random(len(near)) < p.cop.invite_rate * tr)
        posts.member[far[invited]] = True
        posts.missed[far[invited]] = 0

    if len(att) >= 2:
        partner = att[rng.integers(len(att), size=len(att))]
        cross = posts.agency[att] != posts.agency[partner]
        form = cross & (rng.random(len(att)) < p.cop.tie_formation)
        ties.add(att[form], partner[form], baseline, week)
        k = posts.knowledge[att]
        posts.knowledge[att] = k + p.cop.learning_rate * (k.max(axis=0) - k)

    agencies_present = len(np.unique(posts.agency[att]))
    cop.attendance, cop.agencies_present, cop.room_trust = len(att), agencies_present, room_trust
    if qualifies(len(att), agencies_present, room_trust, p):
        cop.streak, cop.failing = cop.streak + 1, 0
    else:
        cop.streak, cop.failing = 0, cop.failing + 1
    if not cop.established and cop.streak >= p.cop.establish_meetings:
        cop.established = True
        if cop.first_established is None:
            cop.first_established = week
    elif cop.established and cop.failing >= p.cop.establish_meetings:
        cop.established = False

    # What the room surfaces reaches commissioning as far as the commissioner engages.
    reach = min(1.0, len(att) / p.cop.min_attendees)
    c = model.commissioner
    c.insight += p.commissioner.insight_rate * c.engagement * reach * (1.0 - c.insight)
