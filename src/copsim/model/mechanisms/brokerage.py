"""Brokerage and set-up: the broker's hours become introductions and meetings.

During the set-up phase (``brokerage.setup_weeks``) every broker hour goes to outreach:
introducing practitioners of different agencies to each other (which makes both members)
and brokering joint conversations that strengthen weak ties. After it, the hours a
meeting needs (``hours_per_meeting / meeting_interval`` a week) are set aside towards the
next meeting and the rest still go to outreach. With no broker hours
there are no introductions and no meetings, so no community of practice.

The programme pays the broker for ``brokerage.funded_weeks`` weeks; after them the broker
leaves (no hours, no cost) and the CoP goes on only as far as its members carry it
(:mod:`copsim.model.mechanisms.cop`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from copsim.model.draws import BUILD_WEEK
from copsim.model.mechanisms import trust as trust_rules

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel


def split_hours(hours: float, in_setup: bool, per_meeting: float, interval: int):
    """Split a week's broker hours into (towards meetings, towards introductions)."""
    if in_setup:
        return 0.0, hours
    facilitation = min(hours, per_meeting / interval)
    return facilitation, hours - facilitation


def step(model: CopModel) -> None:
    """Spend this week's broker hours, in every locality, and charge them to the programme.

    Each locality of a region has a broker of its own with ``brokerage.hours_per_week``.
    """
    p, broker = model.p, model.broker
    hours = p.brokerage.hours_per_week
    if hours <= 0 or not broker.funded:
        return
    n_loc = len(broker.bank)
    per_run = n_loc // model.replicates  # each run's brokers (replicates.py)
    model.ledger.charge_broker(per_run * hours * p.brokerage.hourly_cost)
    model.totals.broker_hours += per_run * hours
    to_meetings, to_intros = split_hours(
        hours, broker.in_setup, p.brokerage.hours_per_meeting, p.brokerage.meeting_interval
    )
    broker.bank += to_meetings
    broker.intro_credit += to_intros / p.brokerage.hours_per_introduction
    n = int(broker.intro_credit)
    broker.intro_credit -= n
    # Units are numbered from the programme's start (every broker makes the same number), and
    # each unit's draws are keyed by its number: a broker with a little more time makes the
    # same units, some a week sooner.
    units = Units(model, range(broker.units, broker.units + n))
    broker.units += n
    # Every broker makes the same number of introductions (the same hours); the loop is
    # over localities' brokers, each acting on its own locality's posts and ties.
    if n_loc == 1:
        introduce(model, units)
        return
    ties = _ties_by_locality(model, n_loc)
    # Agencies are in locality order, so each locality's posts are one run of rows.
    bounds = np.searchsorted(model.posts.locality, np.arange(n_loc + 1)).tolist()
    if n_loc == model.replicates:
        # Seeds side by side, a locality each: every broker's units at once.
        _outreach_each_run(model, units, ties, bounds)
        return
    for where in range(n_loc):
        mine = slice(bounds[where], bounds[where + 1])
        introduce(model, units, where, ties[where], mine)


def _ties_by_locality(model: CopModel, n_loc: int) -> list[np.ndarray]:
    """The rows of the tie table whose first post is in each locality.

    A broker only reviews ties with both ends in its locality, so it need not scan the
    others (in seeds side by side, every other run's).
    """
    loc = model.posts.locality[model.ties.view()[0]]
    order = np.argsort(loc, kind="stable")
    bounds = np.searchsorted(loc[order], np.arange(n_loc + 1)).tolist()
    return [order[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


def _locality_posts(model: CopModel, where: int) -> slice:
    """The posts of a locality: contiguous, since agencies are in locality order."""
    posts = model.posts
    if posts.n_localities == 1:
        return slice(0, len(posts))
    lo, hi = np.searchsorted(posts.locality, [where, where + 1])
    return slice(int(lo), int(hi))


def introduce(
    model: CopModel,
    units: Units | int,
    where: int = 0,
    ties: np.ndarray | None = None,
    mine: slice | None = None,
) -> None:
    """Spend the given units of outreach in locality ``where``.

    Each unit recruits with probability equal to the share of staff outside the CoP, and
    otherwise brokers a joint case review that strengthens a member's ties to other
    members (see :func:`strengthen`); when no two members are tied there is no review to
    broker, and the unit recruits instead. Recruiting introduces someone outside the
    CoP to a practitioner in another agency, favouring agencies with few members so the
    CoP spans disciplines; both become members.

    Args:
        model: The model.
        units: The units of outreach (:class:`Units`; an int ``n``: units 0 .. n - 1).
        where: The locality.
        ties: The rows of the tie table with their first post in the locality, if
            known (every row otherwise).
        mine: The locality's posts, if known.
    """
    posts, p = model.posts, model.p
    trust0 = trust_rules.gain(p.site.joint_working_history, p.trust.gain)
    if mine is None:
        mine = _locality_posts(model, where)
    # Outreach changes who is a member, never who is in post.
    in_post = posts.occupied[mine].nonzero()[0] + mine.start
    if len(in_post) < 2:
        return
    if isinstance(units, int):
        units = Units(model, range(units))
    for unit in units:
        outside = in_post[~posts.member[in_post]]
        if _reviews(unit, [where], {where: len(outside) / len(in_post)}) and strengthen(
            model, unit, where, ties
        ):
            continue
        pair = _recruit(model, unit, where, in_post, outside, mine)
        if pair is None:
            continue
        before = len(model.ties)
        model.ties.add(
            np.array(pair[:1]), np.array(pair[1:]), trust0, model.week, p.site.joint_working_history
        )
        if ties is not None and len(model.ties) > before:
            ties = np.append(ties, before)


class Units:
    """A week's units of outreach, numbered from the programme's start, with their draws.

    A unit is keyed by its broker's locality (its number in its run) and its number, whatever
    the week it falls in. Iterating gives each unit's draws: for every decision, one value a
    locality (the chance of a review, then the event words of the review, the recruit and
    their partner); each decision's values for every unit and locality come from one call.

    Args:
        model: The model.
        numbers: The units' numbers.
    """

    EVENTS = ("brokerage.review", "brokerage.recruit", "brokerage.partner")

    def __init__(self, model: CopModel, numbers: range):
        self.numbers = numbers
        per_run = len(model.broker.bank) // model.replicates
        words = model.draws.all_identities("locality", per_run)[None, :]
        rows = np.arange(numbers.start, numbers.stop)[:, None]
        draws = model.draws
        mode = draws.bits("brokerage.mode", BUILD_WEEK, words, rows)
        self.table = {"brokerage.mode": draws.uniform("brokerage.mode", BUILD_WEEK, mode)}
        self.table.update({d: draws.bits(d, BUILD_WEEK, words, rows) for d in self.EVENTS})

    def __iter__(self):
        for row in range(len(self.numbers)):
            yield {decision: values[row] for decision, values in self.table.items()}


def _reviews(unit: Mapping[str, np.ndarray], where: list[int], outside: Mapping[int, float]):
    """The localities of ``where`` whose ``unit`` tries a review: chance 1 - outside share."""
    u = unit["brokerage.mode"][where].tolist()
    return [w for w, x in zip(where, u, strict=True) if x >= outside[w]]


def _race(model: CopModel, decision: str, event: int, candidates: np.ndarray, weights=None) -> int:
    """The winner of a keyed race among ``candidates`` (posts) for one unit's ``event``."""
    words = np.uint64(event) ^ model.posts.identity[candidates]
    return int(candidates[model.draws.race(decision, BUILD_WEEK, words, weights).argmin()])


def strengthen(
    model: CopModel,
    unit: Mapping[str, np.ndarray] | None = None,
    where: int = 0,
    ties: np.ndarray | None = None,
) -> bool:
    """Broker a joint case review between a member and their tied members elsewhere.

    A member of locality ``where`` is chosen uniformly among those tied to another member
    there; every such tie of theirs counts one successful interaction. Returns False if no
    two members there are tied. ``ties``: as :func:`introduce`'s.
    """
    if ties is None:
        ties = (model.posts.locality[model.ties.view()[0]] == where).nonzero()[0]
    if unit is None:  # unit 0's draws
        unit = next(iter(Units(model, range(1))))
    return where in _review_each(model, [where], unit, {where: ties})


def _recruit(
    model: CopModel,
    unit: Mapping[str, np.ndarray],
    where: int,
    in_post: np.ndarray,
    outside: np.ndarray,
    mine: slice,
) -> tuple[int, int] | None:
    """One unit of recruiting in locality ``where`` (see :func:`introduce`).

    Returns the two practitioners introduced, now members, for the caller to tie; None if
    there was nobody in another agency to introduce.
    """
    posts = model.posts
    pool = outside if len(outside) else in_post
    x = _race(model, "brokerage.recruit", unit["brokerage.recruit"][where], pool)
    others = in_post[posts.agency[in_post] != posts.agency[x]]
    if len(others) == 0:
        return None
    # Members of each agency (only the locality's own agencies are read).
    members = np.bincount(
        posts.agency[mine][posts.member[mine] & posts.occupied[mine]],
        minlength=len(model.agencies),
    )
    w = 1.0 / (1.0 + members[posts.agency[others]])
    y = _race(model, "brokerage.partner", unit["brokerage.partner"][where], others, w)
    posts.member[[x, y]] = True
    posts.missed[[x, y]] = 0
    model.broker.introductions[where] += 1
    return int(x), int(y)


def _outreach_each_run(
    model: CopModel, units: Units, ties: list[np.ndarray], bounds: list[int]
) -> None:
    """:func:`introduce` in every locality, when each locality is a run of its own.

    The same units, decisions and draws as locality after locality, but taken unit by unit
    across the localities, so that the joint case reviews of all of them are found at
    once. Each broker's draws keep their order, and so do each run's new ties (the tie
    table interleaves runs' rows differently, which no run reads).
    """
    posts, table, p = model.posts, model.ties, model.p
    n_loc = len(bounds) - 1
    trust0 = trust_rules.gain(p.site.joint_working_history, p.trust.gain)
    # Outreach changes who is a member, never who is in post.
    on = posts.occupied.nonzero()[0]
    on_locality = posts.locality[on]
    edges = np.searchsorted(on_locality, np.arange(n_loc + 1)).tolist()
    in_post = [on[lo:hi] for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    staffed = [where for where in range(n_loc) if len(in_post[where]) >= 2]
    for unit in units:
        # Those outside the CoP, counted in every locality at once (reviews change no
        # member, and a recruit only its own locality's, so each is as at the unit's start).
        n_out = np.bincount(on_locality[~posts.member[on]], minlength=n_loc).tolist()
        share = {where: n_out[where] / len(in_post[where]) for where in staffed}
        reviewed = _review_each(model, _reviews(unit, staffed, share), unit, ties)
        recruited: list[tuple[int, int, int]] = []
        for where in staffed:
            if where in reviewed:
                continue
            mine = slice(bounds[where], bounds[where + 1])
            outside = in_post[where][~posts.member[in_post[where]]]
            pair = _recruit(model, unit, where, in_post[where], outside, mine)
            if pair is not None:
                recruited.append((where, *pair))
        if recruited:
            # The unit's new ties in one call (no two localities share a post, and no
            # locality reads its tie before the next unit): those not tied already.
            locality, x, y = np.array(recruited).T
            new = ~table.has(x, y)
            first = len(table)
            table.add(x, y, trust0, model.week, p.site.joint_working_history)
            for where, row in zip(locality[new].tolist(), range(first, len(table)), strict=True):
                ties[where] = np.append(ties[where], row)


def _review_each(
    model: CopModel,
    localities: list[int],
    unit: Mapping[str, np.ndarray],
    ties: Sequence[np.ndarray] | Mapping[int, np.ndarray],
) -> set[int]:
    """:func:`strengthen` in each of ``localities`` at once; returns those that found one.

    ``unit``: a unit's draws (:class:`Units`); ``ties[where]``: each locality's rows of
    the tie table (those whose first post is there). The member reviewed is a keyed race
    among the locality's tied members.
    """
    if not localities:
        return set()
    posts, table = model.posts, model.ties
    rows = np.concatenate([ties[where] for where in localities])
    owner = np.repeat(localities, [len(ties[where]) for where in localities])
    a, b = table.a[rows], table.b[rows]
    # A locality's rows have their first post there already.
    member_tie = posts.member[a] & posts.member[b] & (posts.locality[b] == owner)
    cand = member_tie.nonzero()[0]
    if len(cand) == 0:
        return set()
    # Each locality's members at either end of its member ties, ascending (as strengthen's):
    # posts are in locality order, so each locality's are one run of them.
    tied_mask = np.zeros(len(posts), dtype=bool)
    tied_mask[a[cand]] = True
    tied_mask[b[cand]] = True
    tied = tied_mask.nonzero()[0]
    found = np.unique(owner[cand])
    runs = np.searchsorted(posts.locality[tied], np.stack([found, found + 1])).T.tolist()
    chosen = np.full(len(model.broker.bank), -1)
    events = unit["brokerage.review"][found].tolist()
    for where, (lo, hi), event in zip(found.tolist(), runs, events, strict=True):
        chosen[where] = _race(model, "brokerage.review", event, tied[lo:hi])
    x = chosen[owner[cand]]
    reviewed = rows[cand[(a[cand] == x) | (b[cand] == x)]]
    table.trust[reviewed] = trust_rules.gain(table.trust[reviewed], model.p.trust.gain)
    table.last_used[reviewed] = model.week
    model.broker.reviews[found] += 1
    return set(found.tolist())
