"""The community of practice: meetings, attendance, learning, convenor, establishment.

Meetings fall every ``brokerage.meeting_interval`` weeks after set-up. While the programme
funds the broker (``brokerage.funded_weeks``), a meeting is held if the broker has set aside
the hours it needs, or if the CoP is established (its members hold it). After funding,
only an established CoP meets. A due meeting that is not held is missed by every member,
so a CoP that stops meeting loses its members (``cop.lapse_meetings``), and with them the
managers' backing and the embeddedness that membership brings. Members attend with a
probability that protected time shields from caseload pressure and that grows with the
trust they hold across agencies. Co-attendance builds trust and new ties, attendees learn
from the best-informed in the room, and bring tied colleagues in.

"Established" is a measured state, never a timer: the CoP *qualifies* after a run of
``cop.establish_meetings`` consecutive meetings each with enough attendees, from enough
agencies, whose mutual ties hold enough trust (the same number of consecutive failing
meetings ends it), and it is *established* while it qualifies and has a **convenor**: a
member who has stepped up to organise it. At each due meeting of a CoP without one, a
member steps up with chance ``cop.convenor_rate`` times their managers' support (a keyed
race among members, weighted by it); a convenor who leaves post or lapses leaves the CoP
without one until another steps up. Stepping up is tried at every due meeting, held or not:
a CoP whose meetings qualify but that has no convenor when funding ends can still be
established at one of its next due meetings, before its members lapse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from copsim.model import replicates
from copsim.model.draws import ordered, pair, winners
from copsim.model.mechanisms import trust as trust_rules

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel


class CopState:
    """Measured state of each locality's community of practice (arrays, one per locality).

    Args:
        localities: Localities of the region (1 for a single site).
    """

    def __init__(self, localities: int = 1):
        n = localities
        self.established = np.zeros(n, dtype=bool)
        self.qualified = np.zeros(n, dtype=bool)
        self.convenor = np.full(n, -1, dtype=np.int64)  # post; -1: none
        self.convenor_stint = np.zeros(n, dtype=np.uint64)  # their stint in it
        self.last_meeting = np.full(n, -1, dtype=np.int64)  # -1: none yet
        self.first_established = np.full(n, -1, dtype=np.int64)  # -1: never
        self.weeks_established = np.zeros(n, dtype=np.int64)
        self.streak = np.zeros(n, dtype=np.int64)
        self.failing = np.zeros(n, dtype=np.int64)
        self.meetings = np.zeros(n, dtype=np.int64)
        self.attendance = np.zeros(n, dtype=np.int64)
        self.agencies_present = np.zeros(n, dtype=np.int64)
        self.room_trust = np.zeros(n)

    @property
    def n_established(self) -> int:
        """Localities whose CoP is established now."""
        return int(self.established.sum())

    @property
    def first_week(self) -> int | None:
        """The first week any locality's CoP was established (None if never)."""
        seen = self.first_established[self.first_established >= 0]
        return int(seen.min()) if len(seen) else None

    def weeks_after_funding(self, funded_weeks: int) -> np.ndarray:
        """Weeks from the end of funding to each locality's last meeting (0 if none after)."""
        return np.maximum(0, self.last_meeting - funded_weeks)

    def outlived_funding(self, funded_weeks: int, weeks: int) -> np.ndarray:
        """Localities whose CoP is established at the end of a run that outlasted funding."""
        return self.established & (funded_weeks < weeks)

    @property
    def total_meetings(self) -> int:
        """Meetings held, over every locality."""
        return int(self.meetings.sum())


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


def qualifies(attendees, agencies, room_trust, p):
    """Whether a meeting counts towards establishment (see the module docstring).

    Element-wise over localities when given arrays.
    """
    return (
        (np.asarray(attendees) >= p.cop.min_attendees)
        & (np.asarray(agencies) >= p.cop.min_agencies)
        & (np.asarray(room_trust) >= p.cop.trust_threshold)
    )


def meeting_due(week: int, setup_weeks: int, interval: int) -> bool:
    """Meetings fall in the first week after set-up and every ``interval`` weeks on."""
    return week > setup_weeks and (week - setup_weeks - 1) % interval == 0


def step(model: CopModel) -> None:
    """Keep the convenor; in a meeting week, hold each locality's meeting that can be held."""
    p, broker, cop = model.p, model.broker, model.cop
    _lose_convenors(model)
    cop.weeks_established += cop.established
    if not meeting_due(model.week, p.brokerage.setup_weeks, p.brokerage.meeting_interval):
        return
    _step_up(model)
    if broker.funded and p.brokerage.hours_per_week > 0:
        need = p.brokerage.hours_per_meeting
        paid = broker.bank >= need - 1e-9
        broker.bank = np.where(
            paid, broker.bank - need, np.where(cop.established, 0.0, broker.bank)
        )
    else:
        paid = np.zeros_like(cop.established)
    held = paid | cop.established
    if not held.all():
        _miss(model, ~held)
    if held.any():
        hold_meeting(model, held)
        _settle(model)


def _settle(model: CopModel) -> None:
    """Established: qualified, with a convenor (and the week it first was)."""
    cop = model.cop
    cop.established = cop.qualified & (cop.convenor >= 0)
    cop.first_established = np.where(
        cop.established & (cop.first_established < 0), model.week, cop.first_established
    )


def _lose_convenors(model: CopModel) -> None:
    """A convenor who has left their post (or moved from it) or lapsed is no longer one."""
    cop, posts = model.cop, model.posts
    has = cop.convenor >= 0
    if not has.any():
        return
    post = np.where(has, cop.convenor, 0)
    kept = (
        has & posts.occupied[post] & posts.member[post] & (posts.stint[post] == cop.convenor_stint)
    )
    if (kept != has).any():
        cop.convenor = np.where(kept, cop.convenor, -1)
        _settle(model)


def _step_up(model: CopModel) -> None:
    """In each locality without a convenor, a member may step up (module docstring)."""
    p, cop, posts = model.p, model.cop, model.posts
    n_loc = len(cop.convenor)
    members = (posts.member & posts.occupied).nonzero()[0]
    loc = posts.locality[members]
    need = (cop.convenor < 0) & (np.bincount(loc, minlength=n_loc) > 0)
    if not need.any() or p.cop.convenor_rate <= 0:
        return
    backing = model.agencies.manager_support[posts.agency[members]]
    mean = np.bincount(loc, backing, n_loc) / np.maximum(1, np.bincount(loc, minlength=n_loc))
    words = model.draws.all_identities("locality", n_loc // model.replicates)
    u = model.draws.uniform("cop.convenor", model.week, words)
    steps = need & (u < p.cop.convenor_rate * mean)
    if not steps.any():
        return
    cand = steps[loc].nonzero()[0]
    keys = model.draws.race(
        "cop.convenor_choice", model.week, posts.identity[members[cand]], backing[cand]
    )
    won = winners(keys, loc[cand], n_loc)
    chosen = np.flatnonzero(won >= 0)
    cop.convenor[chosen] = members[cand[won[chosen]]]
    cop.convenor_stint[chosen] = posts.stint[cop.convenor[chosen]]
    _settle(model)


def _miss(model: CopModel, unheld: np.ndarray) -> None:
    """Members in localities whose due meeting is not held miss it (and may lapse)."""
    posts = model.posts
    missing = (posts.member & posts.occupied & unheld[posts.locality]).nonzero()[0]
    posts.missed[missing] += 1
    posts.member[missing[posts.missed[missing] >= model.p.cop.lapse_meetings]] = False


def _meet(model: CopModel, attendees: np.ndarray, room: np.ndarray, n_rooms: int) -> np.ndarray:
    """The attendee each attendee meets: a keyed race among their room's attendees.

    Attendees are in post order, so each room's are contiguous; an attendee may draw
    themself (and then meets nobody new), as a uniform pick among the room would.
    """
    who = model.posts.identity
    count = np.bincount(room, minlength=n_rooms)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    # Every (attendee, candidate of the same room) pair, attendee-major.
    n = count[room]
    chooser = np.repeat(np.arange(len(attendees)), n)
    offset = np.arange(len(chooser)) - np.repeat(np.cumsum(n) - n, n)
    candidate = start[room].repeat(n) + offset
    words = ordered(who[attendees[chooser]], who[attendees[candidate]])
    keys = model.draws.race("meetings.partner", model.week, words)
    return attendees[candidate[winners(keys, chooser, len(attendees))]]


def hold_meeting(model: CopModel, held: np.ndarray) -> None:
    """Run one meeting in each locality where ``held``.

    Attendance, trust, ties, learning, recruitment, establishment. Each locality's
    meeting is its own room: only its members attend, ties gain trust and form between
    attendees of the same room, and they learn from the best in it.
    """
    p, posts, ties, cop = model.p, model.posts, model.ties, model.cop
    draws, who = model.draws, posts.identity
    week, n_posts = model.week, len(posts)
    baseline = p.site.joint_working_history
    cop.meetings += held
    cop.last_meeting = np.where(held, week, cop.last_meeting)
    model.totals.meetings += replicates.block_total(model, held)
    loc = posts.locality

    members = (posts.member & posts.occupied & held[loc]).nonzero()[0]
    held_trust = ties.mean_trust_by_post(n_posts)[members]
    prob = attendance_probability(
        posts.pressure[members],
        np.where(np.isnan(held_trust), baseline, held_trust),
        p.nurture.protected_time,
        p.cop.pressure_sensitivity,
        p.cop.attendance_max,
    )
    came = draws.uniform("meetings.attend", week, who[members]) < prob
    att, absent = members[came], members[~came]
    posts.last_attended[att] = week
    posts.missed[att] = 0
    posts.missed[absent] += 1
    posts.member[absent[posts.missed[absent] >= p.cop.lapse_meetings]] = False
    # The programme backfills protected time while it is funded; after it, managers still
    # protect the time, and it is practitioners' time (valued by the appraisal).
    model.ledger.charge_attendance(
        replicates.count(model, att, n_posts) * p.cop.meeting_hours,
        p.nurture.protected_time if model.broker.funded else 0.0,
        p.funding.backfill_hourly_cost,
    )

    in_room = np.zeros(n_posts, dtype=bool)
    in_room[att] = True
    a, b, tr, used = ties.view()
    same_room = loc[a] == loc[b]
    both = in_room[a] & in_room[b] & same_room
    n_loc = len(held)
    room_trust = np.zeros(n_loc)
    for where in np.flatnonzero(held):  # a few localities, in meeting weeks only
        mine = both & (loc[a] == where) if n_loc > 1 else both
        room_trust[where] = float(tr[mine].mean()) if mine.any() else 0.0
    # The trust a tie formed here starts at, and drifts back to: the room's own (the CoP's
    # culture of joint working), or the area's history in a room with no ties yet.
    culture = np.where(room_trust > 0, room_trust, baseline)
    tr[both] = trust_rules.gain(tr[both], p.trust.meeting_gain * p.trust.gain)
    used[both] = week

    # Recruitment: an attendee brings in a tied colleague of their locality not yet a member
    # (each invitation the pair's own draw, near to far).
    for near, far in ((a, b), (b, a)):
        cand = (in_room[near] & ~posts.member[far] & posts.occupied[far] & same_room).nonzero()[0]
        u = draws.uniform("meetings.invite", week, ordered(who[near[cand]], who[far[cand]]))
        invited = cand[u < p.cop.invite_rate * tr[cand]]
        posts.member[far[invited]] = True
        posts.missed[far[invited]] = 0

    # In a run with two attendees or more, each attendee meets a random attendee of the
    # same room (attendees are in post order, so each room's are contiguous).
    pairs = att
    if model.replicates > 1:
        run = replicates.of(model, att, n_posts)
        pairs = att[(np.bincount(run, minlength=model.replicates) >= 2)[run]]
    if len(pairs) >= 2:
        room = loc[pairs]
        partner = _meet(model, pairs, room, n_loc)
        cross = posts.agency[pairs] != posts.agency[partner]
        u = draws.uniform("meetings.tie", week, pair(who[pairs], who[partner]))
        form = cross & (u < p.cop.tie_formation)
        start = culture[room[form]]
        ties.add(pairs[form], partner[form], start, week, start)
        k = posts.knowledge[pairs]
        best = np.zeros((n_loc, k.shape[1]))
        np.maximum.at(best, room, k)
        posts.knowledge[pairs] = k + p.cop.learning_rate * (best[room] - k)

    attendance = np.bincount(loc[att], minlength=n_loc)
    present_agencies = np.unique(posts.agency[att])
    agencies_present = np.bincount(model.agencies.locality[present_agencies], minlength=n_loc)
    cop.attendance = np.where(held, attendance, cop.attendance)
    cop.agencies_present = np.where(held, agencies_present, cop.agencies_present)
    cop.room_trust = np.where(held, room_trust, cop.room_trust)
    ok = qualifies(attendance, agencies_present, room_trust, p)
    cop.streak = np.where(held, np.where(ok, cop.streak + 1, 0), cop.streak)
    cop.failing = np.where(held, np.where(ok, 0, cop.failing + 1), cop.failing)
    start_ = held & ~cop.qualified & (cop.streak >= p.cop.establish_meetings)
    end_ = held & cop.qualified & (cop.failing >= p.cop.establish_meetings)
    cop.qualified = (cop.qualified | start_) & ~end_

    # What each room surfaces reaches commissioning as far as the commissioner engages.
    c = model.commissioner
    per_run = n_loc // model.replicates
    for where in np.flatnonzero(held):
        reach = min(1.0, float(attendance[where]) / p.cop.min_attendees)
        if model.replicates == 1:
            c.insight += p.commissioner.insight_rate * c.engagement * reach * (1.0 - c.insight)
        else:  # the commissioner of the run the room belongs to
            r = where // per_run
            c.insight[r] += (
                p.commissioner.insight_rate * c.engagement * reach * (1.0 - c.insight[r])
            )
