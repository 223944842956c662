"""Casework across agencies: caseloads, key workers and referrals.

A person's key worker meets the need of their own agency's domain and seeks other agencies'
help for the rest. A referral succeeds with a probability that depends on a working tie
(and its trust), the key worker's knowledge of the domain and the receiving agency's
capacity. Success supports the need for an episode; failure bounces the person (engagement
falls) or excludes them from that agency for a while.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from copsim.model import replicates
from copsim.model.draws import BUILD_WEEK, ordered, winner
from copsim.model.mechanisms import trust as trust_rules

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel


def referral_success(
    has_tie: np.ndarray,
    tie_trust: np.ndarray,
    knowledge: np.ndarray,
    capacity: np.ndarray,
    cold: float,
) -> np.ndarray:
    """Probability that a referral is accepted and joined up.

    ``p = route * (0.5 + 0.5 k) * c`` where ``route = cold + (1 - cold) * trust`` through a
    tie and ``cold`` without one, ``k`` the key worker's knowledge of the domain and ``c``
    the receiving agency's capacity.
    """
    route = np.where(has_tie, cold + (1.0 - cold) * tie_trust.clip(0.0, 1.0), cold)
    return route * (0.5 + 0.5 * knowledge) * capacity


def exclusion_probability(severity: np.ndarray, risk: float, severity_max: float) -> np.ndarray:
    """Chance that a failed referral excludes rather than bounces: ``risk * sev / max``."""
    return risk * severity / severity_max


def key_worked(key_worker: np.ndarray, n_posts: int) -> np.ndarray:
    """People key-worked by each post (``key_worker`` is -1 for the unallocated)."""
    # Shifted by one, the unallocated fall in the first bin, which is dropped.
    return np.bincount(key_worker + 1, minlength=n_posts + 1)[1:]


def refresh_caseloads(model: CopModel) -> None:
    """Recompute caseloads, agency capacity and each practitioner's caseload pressure.

    An agency's load is its ordinary cases (``background_caseload`` per post of its
    establishment: its demand, which a budget does not change, held by whoever is in post) plus
    ``complex_case_weight`` per person it key-works or supports on referral. Capacity is
    ``min(1, staff * standard / load)``; a practitioner's pressure is their share of the
    load over the standard caseload.
    """
    p, posts, people, agencies = model.p, model.posts, model.people, model.agencies
    n_ag = len(agencies)
    posts.caseload = key_worked(people.key_worker, len(posts))
    active = people.supported_until > model.week
    # The agencies of the episodes (flat: a 2-D mask indexes several times slower).
    episodes = np.bincount(people.home_agency.ravel().compress(active.ravel()), minlength=n_ag)
    in_post = agencies.in_post(posts)
    keyworked = np.bincount(posts.agency, posts.caseload, n_ag)
    w = p.casework.complex_case_weight
    ordinary = p.workforce.background_caseload * agencies.size
    load = ordinary + w * (keyworked + episodes)
    room = in_post * p.workforce.caseload_standard
    # Where there is no load the capacity is 1: divide by 1 there, so never by zero.
    loaded = load > 0
    agencies.capacity = np.where(loaded, np.minimum(1.0, room / np.where(loaded, load, 1.0)), 1.0)
    shared = (ordinary + w * episodes) / np.maximum(in_post, 1)
    pressure = (shared[posts.agency] + w * posts.caseload) / p.workforce.caseload_standard
    posts.pressure = np.where(posts.occupied, pressure, 0.0)


def least_loaded(staff: np.ndarray, load: np.ndarray, k: int) -> np.ndarray:
    """Posts for ``k`` newcomers, each to whoever is least loaded at the time.

    Greedy water-filling, vectorised: each practitioner offers slots at loads ``L, L+1,
    ...``; the ``k`` lowest slots (ties to the lower post) are taken.
    """
    offers = load[staff][:, None] + np.arange(k)[None, :]
    who = np.repeat(staff, k)
    order = np.lexsort((who, offers.ravel()))[:k]
    return who[order]


def allocate_key_workers(model: CopModel) -> None:
    """Give each unallocated person a key worker at the agency of their greatest need.

    By ``casework.key_worker_choice``: each goes to the practitioner in post there with the
    fewest people key-worked at the time (``least_loaded``, ties to the lower post), or to
    the winner of a keyed race weighted towards light caseloads (``weighted``,
    :func:`weighted_choice`). If nobody is in post the person waits until next week.
    """
    people, posts = model.people, model.posts
    waiting = (people.key_worker < 0).nonzero()[0]
    if len(waiting) == 0:
        return
    # Among the domains an agency of their locality serves (all of them at the presets).
    served = people.home_agency.take(waiting, axis=0) >= 0
    primary = np.where(served, people.needs.take(waiting, axis=0), -1.0).argmax(axis=1)
    target = people.home_agency[waiting, primary]
    load = key_worked(people.key_worker, len(posts))
    if model.p.casework.key_worker_choice == "weighted":
        weighted_choice(model, waiting, target, load)
        return
    # least_loaded at every agency at once (their staff are distinct): each practitioner
    # in post at an agency with k people waiting offers slots at loads L .. L+k-1; each
    # agency's k lowest slots, by load then post, go to its waiting people in order.
    k = np.bincount(target, minlength=len(model.agencies))
    staff = (posts.occupied & (k[posts.agency] > 0)).nonzero()[0]
    if len(staff) == 0:
        return
    per = k[posts.agency[staff]]
    who = staff.repeat(per)
    offers = load[who] + (np.arange(len(who)) - (per.cumsum() - per).repeat(per))
    agency = posts.agency[who]
    order = np.lexsort((who, offers, agency))
    by_agency = agency[order]
    rank = np.arange(len(order)) - by_agency.searchsorted(by_agency)
    slots = who[order[rank < k[by_agency]]]
    served = target.argsort(kind="stable")  # by agency, then place
    staffed = np.bincount(posts.agency[staff], minlength=len(model.agencies)) > 0
    served = served[staffed[target[served]]]
    people.key_worker[waiting[served]] = slots


def weighted_choice(
    model: CopModel, waiting: np.ndarray, target: np.ndarray, load: np.ndarray
) -> None:
    """Key workers by keyed races, towards light caseloads (``weighted`` key-worker choice).

    The people waiting at an agency are placed one a round, in the order of a keyed draw
    of their own, so each sees the loads those before them left. A practitioner in post
    there wins with weight ``(1 + L)^-b`` (``L`` people key-worked, ``b``
    ``casework.allocation_balance``): as a team leader allocates, mostly to the least
    loaded but not strictly. One person more or less waiting shifts the others' chances a
    little, not the whole queue by a slot (common random numbers, docs/analysis.md).

    Args:
        model: The model.
        waiting: The places of the people waiting for a key worker.
        target: The agency each is waiting at.
        load: People key-worked by each post (changed: the placed are added).
    """
    people, posts, draws, week = model.people, model.posts, model.draws, model.week
    balance = model.p.casework.allocation_balance
    queue = draws.uniform("casework.queue", week, people.identity[waiting])
    order = np.lexsort((queue, target))
    waiting, target = waiting[order], target[order]
    rank = np.arange(len(order)) - target.searchsorted(target)
    # Laid out round by round (at most one person an agency a round, so a round's picks
    # are independent), each round a contiguous slice.
    by_round = np.argsort(rank, kind="stable")
    waiting, target = waiting[by_round], target[by_round]
    ends = np.bincount(rank).cumsum().tolist()
    # Each person's candidates (their agency's block of posts) and race keys, drawn once:
    # a round only weighs them by the loads it finds. A vacant post never wins (Draws.race).
    block = model.agencies.first_post[target][:, None] + np.arange(model.agencies.n_posts)
    words = ordered(people.identity[waiting][:, None], posts.identity[block])
    unweighted = draws.race("casework.key_worker", week, words)
    unweighted[~posts.occupied[block]] = np.inf
    weight = (1.0 + np.arange(int(load.max()) + len(waiting) + 1)) ** -balance  # by load
    start = 0
    for end in ends:
        mine = block[start:end]
        best = winner(unweighted[start:end] / weight[load[mine]])
        placed = best >= 0
        chosen = mine[placed.nonzero()[0], best[placed]]
        people.key_worker[waiting[start:end][placed]] = chosen
        load[chosen] += 1
        start = end


@functools.cache
def _other_domains(n_domains: int) -> np.ndarray:
    """Row ``d`` marks the domains other than ``d``; the extra last row (no key worker) none."""
    table = np.ones((n_domains + 1, n_domains), dtype=bool)
    table[np.arange(n_domains), np.arange(n_domains)] = False
    table[n_domains] = False
    table.flags.writeable = False
    return table


_AFTER_ATTEMPT = (("casework.accept", 0), ("casework.tie", 0), ("casework.exclude", 0))
"""A referral's draws once attempted (:meth:`copsim.model.draws.Draws.uniforms` columns)."""


def race_in_post(model: CopModel, agencies: np.ndarray, event: np.ndarray) -> np.ndarray:
    """One practitioner in post at each given agency, by a keyed race (-1 where none).

    Each candidate's key is keyed by the event (``event``, one word a pick, which holds
    its timing) and the candidate's identity, so who is picked does not depend on how the
    agency's posts are numbered or who else is in post, only on who is in the race.

    Args:
        model: The model.
        agencies: The agency of each pick.
        event: Each pick's event word (:meth:`copsim.model.draws.Draws.bits`).
    """
    posts, n_posts = model.posts, model.agencies.n_posts
    block = model.agencies.first_post[agencies][:, None] + np.arange(n_posts)
    words = event[:, None] ^ posts.identity[block]
    keys = model.draws.race("casework.partner", BUILD_WEEK, words)
    keys[~posts.occupied[block]] = np.inf
    best = winner(keys)
    return np.where(best >= 0, block[np.arange(len(block)), best], -1)


def step(model: CopModel) -> None:
    """Each key worker seeks help for unmet needs; referrals succeed, bounce or exclude."""
    p, people, posts, ties = model.p, model.people, model.posts, model.ties
    week = model.week
    n_dom = people.needs.shape[1]
    kw = people.key_worker
    # The domain of each person's key worker, n_dom ("none") for the unallocated, who refer
    # nothing (their row of _other_domains is all False).
    own = model.agencies.key_worker_domain(posts).take(kw)
    attempt = people.needs > p.needs.threshold
    attempt &= people.supported_until <= week
    attempt &= people.excluded_until <= week
    attempt &= _other_domains(n_dom).take(own, axis=0)
    attempt &= people.home_agency >= 0  # no agency of that type in the locality: no referral
    flat = attempt.ravel().nonzero()[0]  # row-major, as np.nonzero orders (person, domain)
    if len(flat) == 0:
        return
    who, dom = np.divmod(flat, n_dom)
    # Each need's draws are its person's, keyed by the domain: drawn only where read.
    draws, words = model.draws, people.identity[who]
    tried = draws.uniform("casework.attempt", week, words, dom)
    tried = tried < p.casework.attempt_rate * people.engagement[who]
    flat, who, dom, words = flat[tried], who[tried], dom[tried], words[tried]
    if len(flat) == 0:
        return
    # The attempted referrals' other draws, in one pass (each read only where needed).
    u_ok, u_tie, u_excl = draws.uniforms(_AFTER_ATTEMPT, week, words, dom).T
    src = kw[who]
    target = people.home_agency.take(flat)
    tie_trust, edge = ties.best_into(src, target, posts.agency)
    has_tie = edge >= 0
    prob = referral_success(
        has_tie,
        tie_trust,
        posts.knowledge.take(src * n_dom + dom),
        model.agencies.capacity[target],
        p.casework.cold_referral,
    )
    ok = u_ok < prob
    n_ok = int(np.count_nonzero(ok))
    n_people = len(people)
    model.totals.referrals += replicates.count(model, who, n_people)
    model.totals.referrals_accepted += replicates.count(model, who[ok], n_people)

    # put: by the flat (row-major) indices of the (person, domain) referrals.
    people.supported_until.put(flat[ok], week + p.casework.episode_weeks)
    if has_tie.any():
        trust_rules.record_joint_work(model, edge[has_tie], ok[has_tie])

    # A referral that worked without a tie may leave the two workers with one.
    new = ok & ~has_tie
    if new.any():
        new[new] = u_tie[new] < p.casework.tie_from_referral
    if new.any():
        event = draws.bits("casework.partner", week, words[new], dom[new])
        partners = race_in_post(model, target[new], event)
        found = partners >= 0
        base = p.site.joint_working_history
        start = trust_rules.gain(base, p.trust.gain)
        ties.add(src[new][found], partners[found], start, week, base)

    if n_ok < len(ok):
        fail = ~ok
        fw, f_flat = who[fail], flat[fail]
        severity_max = float(model.severity_max)
        excl = u_excl[fail] < exclusion_probability(
            people.severity[fw], p.casework.exclusion_risk, severity_max
        )
        people.excluded_until.put(f_flat[excl], week + p.casework.exclusion_weeks)
        # A bounced person loses engagement; an excluded one is barred instead.
        np.subtract.at(people.engagement, fw[~excl], p.casework.bounce_loss)
        people.engagement.clip(0.0, 1.0, out=people.engagement)  # np.clip, less overhead
        posts.failed_week += np.bincount(src[fail], minlength=len(posts))
        model.totals.exclusions += replicates.count(model, fw[excl], n_people)
