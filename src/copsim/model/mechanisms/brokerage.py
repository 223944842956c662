"""Brokerage and set-up: the broker's hours become introductions and meetings.

During the set-up phase (``brokerage.setup_weeks``) every broker hour goes to outreach:
introducing practitioners of different agencies to each other (which makes both members)
and brokering joint conversations that strengthen weak ties. After it, the hours a
meeting needs (``hours_per_meeting / meeting_interval`` a week) are set aside towards the
next meeting and the rest still go to outreach. With no broker hours
there are no introductions and no meetings, so no community of practice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

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
    if hours <= 0:
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
    # Every broker makes the same number of introductions (the same hours); the loop is
    # over localities' brokers, each acting on its own locality's posts.
    for where in range(n_loc):
        introduce(model, n, where)


def _locality_posts(model: CopModel, where: int) -> slice:
    """The posts of a locality: contiguous, since agencies are in locality order."""
    posts = model.posts
    if posts.n_localities == 1:
        return slice(0, len(posts))
    lo, hi = np.searchsorted(posts.locality, [where, where + 1])
    return slice(int(lo), int(hi))


def introduce(model: CopModel, n: int, where: int = 0) -> None:
    """Spend ``n`` units of outreach in locality ``where``.

    Each unit recruits with probability equal to the share of staff outside the CoP, and
    otherwise brokers a joint case review that strengthens a member's ties to other
    members (see :func:`strengthen`); when no two members are tied there is no review to
    broker, and the unit recruits instead. Recruiting introduces someone outside the
    CoP to a practitioner in another agency, favouring agencies with few members so the
    CoP spans disciplines; both become members.
    """
    # The broker draws from the stream of the run the locality belongs to (replicates.py).
    run = where * model.replicates // len(model.broker.bank)
    posts, rng, p = model.posts, model.streams.replicate(run)["brokerage"], model.p
    trust0 = trust_rules.gain(p.site.joint_working_history, p.trust.gain)
    mine = _locality_posts(model, where)
    for _ in range(n):
        in_post = posts.occupied[mine].nonzero()[0] + mine.start
        if len(in_post) < 2:
            return
        outside = in_post[~posts.member[in_post]]
        if rng.random() >= len(outside) / len(in_post) and strengthen(model, rng, where):
            continue
        pool = outside if len(outside) else in_post
        x = pool[rng.integers(len(pool))]
        others = in_post[posts.agency[in_post] != posts.agency[x]]
        if len(others) == 0:
            continue
        members = np.bincount(
            posts.agency[posts.member & posts.occupied], minlength=len(model.agencies)
        )
        w = 1.0 / (1.0 + members[posts.agency[others]])
        y = others[w.cumsum().searchsorted(rng.random() * w.sum(), side="right")]
        model.ties.add(np.array([x]), np.array([y]), trust0, model.week)
        posts.member[[x, y]] = True
        posts.missed[[x, y]] = 0
        model.broker.introductions[where] += 1


def strengthen(model: CopModel, rng: np.random.Generator, where: int = 0) -> bool:
    """Broker a joint case review between a member and their tied members elsewhere.

    A member of locality ``where`` is chosen uniformly among those tied to another member
    there; every such tie of theirs counts one successful interaction. Returns False if no
    two members there are tied.
    """
    posts = model.posts
    a, b, tr, used = model.ties.view()
    member_tie = posts.member[a] & posts.member[b]
    if posts.n_localities > 1:
        member_tie &= (posts.locality[a] == where) & (posts.locality[b] == where)
    if not member_tie.any():
        return False
    cand = member_tie.nonzero()[0]
    # The members at either end of those ties, ascending (np.unique of both ends).
    tied_mask = np.zeros(len(posts), dtype=bool)
    tied_mask[a[cand]] = True
    tied_mask[b[cand]] = True
    tied = tied_mask.nonzero()[0]
    x = tied[rng.integers(len(tied))]
    mine = cand[(a[cand] == x) | (b[cand] == x)]
    tr[mine] = trust_rules.gain(tr[mine], model.p.trust.gain)
    used[mine] = model.week
    model.broker.reviews[where] += 1
    return True
