"""Workforce: burnout as a stock, leaving, vacancies and hiring.

Burnout (Homer 1985) fills with demand ``D`` (caseload pressure, failed referrals, clients'
crises) and drains with recovery ``r x R x S``: ``R`` the practitioner's resilience and
``S = 1 + m_eff x M_a + peer x A x (1 + buffering x max(0, D - 1))`` the support of their
agency's managers ``M_a`` and, for ``A`` = 1 in the ``cop.peer_support_weeks`` weeks from a
CoP meeting attended, of peers, which helps more under pressure (stress buffering, Cohen
and Wills 1985).
Support is kept small: demand dominates, as the brief cautions. In an agency with a CoP
member in post, ``M_a`` is its base raised ``nurture.manager_support`` of the way to 1.

The weekly leaving probability follows from the sector's annual figure,
``1 - (1 - p_year)^(1/52)``, times the burnout and new-starter multipliers and the job
embeddedness factor ``exp(-k_ties x ties) x (1 - k_cop x member)`` (Mitchell et al.
2001: links to people, fit and what leaving would sacrifice). A post left empty is filled
after a geometric wait with mean ``hiring_lag_weeks`` if the budget still funds it; the
new hire starts with less knowledge, no cross-agency ties, outside the CoP, and a
resilience of their own. People key-worked by a leaver lose continuity (engagement) and
wait for a new key worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from copsim.model import replicates
from copsim.model.domains import SECTOR_TURNOVER
from copsim.model.draws import BUILD_WEEK, ordered, winner
from copsim.model.site import NEVER, new_knowledge, resilience

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel


def weekly_from_annual(p_year: float | np.ndarray) -> float | np.ndarray:
    """Weekly probability equivalent to an annual one: ``1 - (1 - p)^(1/52)``."""
    return 1.0 - (1.0 - p_year) ** (1.0 / 52.0)


def burnout_next(
    burnout: np.ndarray,
    demand: np.ndarray,
    support: np.ndarray,
    fill: float,
    recovery: float,
) -> np.ndarray:
    """One week of the burnout stock: ``B + fill d (1 - B) - recovery s B``, in [0, 1]."""
    stock = burnout + fill * demand * (1.0 - burnout) - recovery * support * burnout
    return stock.clip(0, 1)  # np.clip, without its wrapper's overhead


def support(
    manager: np.ndarray,
    attended: np.ndarray,
    demand: np.ndarray,
    manager_effect: float,
    peer: float,
    buffering: float,
) -> np.ndarray:
    """``S = 1 + m_eff M + peer A (1 + buffering max(0, D - 1))`` (stress buffering)."""
    return (
        1.0
        + manager_effect * manager
        + peer * attended * (1.0 + buffering * np.maximum(0.0, demand - 1.0))
    )


def sector_turnover(p_year: float, domain: np.ndarray, weight: float) -> np.ndarray:
    """Annual leaving probability at zero burnout of each sector's staff.

    ``p_year x (1 + w (T_d / mean(T) - 1))`` with ``T`` the reported sector turnover.
    """
    ratio = SECTOR_TURNOVER / SECTOR_TURNOVER.mean()
    return np.minimum(0.99, p_year * (1.0 + weight * (ratio[domain] - 1.0)))


def base_hazard(model: CopModel) -> np.ndarray:
    """Weekly leaving probability of each post at zero burnout, before its multipliers.

    ``weekly_from_annual(sector_turnover(...))``: fixed while its two parameters are, so it
    is kept on the model and recomputed only when a policy event changes one of them.
    """
    w = model.p.workforce
    key = (w.turnover_at_zero_burnout, w.sector_differences)
    cached = getattr(model, "_base_hazard", None)
    if cached is None or cached[0] != key or cached[1] is not model.posts.agency:
        domain = model.agencies.post_domain(model.posts)
        rates = weekly_from_annual(sector_turnover(key[0], domain, key[1]))
        cached = model._base_hazard = (key, model.posts.agency, rates)
    return cached[2]


def embeddedness(ties: np.ndarray, member: np.ndarray, k_ties: float, k_cop: float):
    """Job embeddedness factor on the leaving hazard: ``exp(-k_ties n) (1 - k_cop m)``."""
    return np.exp(-k_ties * ties) * (1.0 - k_cop * member)


def leaving_probability(
    burnout: np.ndarray,
    tenure: np.ndarray,
    p_year: float | np.ndarray,
    burnout_ratio: float,
    starter_ratio: float,
    embedded: float | np.ndarray = 1.0,
) -> np.ndarray:
    """Weekly chance of leaving: ``h0 (1 + (ratio - 1) B) (starter ratio if < 1 year) E``."""
    return weekly_leaving_probability(
        burnout, tenure, weekly_from_annual(p_year), burnout_ratio, starter_ratio, embedded
    )


def weekly_leaving_probability(
    burnout: np.ndarray,
    tenure: np.ndarray,
    base: float | np.ndarray,
    burnout_ratio: float,
    starter_ratio: float,
    embedded: float | np.ndarray = 1.0,
) -> np.ndarray:
    """:func:`leaving_probability` from the weekly base hazard ``h0`` itself."""
    multiplier = (1.0 + (burnout_ratio - 1.0) * burnout) * np.where(tenure < 52, starter_ratio, 1.0)
    return np.minimum(1.0, base * multiplier * embedded)


def peer_supported(model: CopModel) -> np.ndarray:
    """Posts whose holder attended a meeting in the last ``cop.peer_support_weeks`` weeks."""
    return model.week - model.posts.last_attended < model.p.cop.peer_support_weeks


def refresh_manager_support(model: CopModel) -> None:
    """Each agency's manager support this week: its base, raised where it takes part."""
    agencies, posts = model.agencies, model.posts
    taking_part = np.bincount(posts.agency[posts.member & posts.occupied], minlength=len(agencies))
    base = agencies.manager_base
    raise_ = model.p.nurture.manager_support * (1.0 - base) * (taking_part > 0)
    agencies.manager_support = base + raise_


def step(model: CopModel) -> None:
    """Update burnout, then leaving, then hiring."""
    p, posts = model.p, model.posts
    on = posts.occupied
    demand = (
        posts.pressure
        + p.workforce.failed_referral_weight * posts.failed_week
        + p.workforce.crisis_weight * posts.crises_week
    )
    refresh_manager_support(model)
    s = support(
        model.agencies.manager_support[posts.agency],
        peer_supported(model),
        demand,
        p.nurture.manager_effect,
        p.cop.peer_support,
        p.cop.stress_buffering,
    )
    posts.burnout = np.where(
        on,
        burnout_next(
            posts.burnout,
            demand,
            s * posts.resilience,
            p.workforce.burnout_fill,
            p.workforce.burnout_recovery,
        ),
        0.0,
    )
    posts.failed_week[:] = 0.0
    posts.crises_week[:] = 0.0
    posts.tenure += on  # one more week for those in post

    prob = weekly_leaving_probability(
        posts.burnout,
        posts.tenure,
        base_hazard(model),
        p.workforce.burnout_leave_ratio,
        p.workforce.new_starter_leave_ratio,
        embeddedness(
            model.ties.degree(len(posts)),
            posts.member,
            p.workforce.embeddedness_ties,
            p.cop.embeddedness,
        ),
    )
    # The leavers this week's hazards make on average: a turnover with no draw's luck in it.
    staff = on.nonzero()[0]
    model.totals.expected_leavers += replicates.sums(model, prob[staff], staff, len(posts))
    # Keyed by the holder's stint in the post (a mover's time in a new post is a new one).
    u = model.draws.uniform("workforce.leave", model.week, posts.stint)
    leavers = (on & (u < prob)).nonzero()[0]
    if len(leavers):
        depart(model, leavers)
    hire(model)


def choose_moves(model: CopModel, leavers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which leavers move to another agency of the region, and the post each takes.

    A share ``region.move_rate`` of leavers stays in the sector. Each weighs every other
    agency of the region by its funded vacancies times ``1 + region.tie_preference x``
    their cross-agency ties into it, and picks one in proportion; where more pick an
    agency than it has vacancies, those first in a keyed order take them and the rest
    leave the sector, as do those with no vacancy anywhere. Every choice is a mover's own
    keyed draw: the agency a keyed race over the weights.

    Returns:
        ``(from_posts, to_posts)`` of the practitioners who move.
    """
    p, posts, agencies = model.p, model.posts, model.agencies
    draws, week, n_posts = model.draws, model.week, len(posts)
    none = np.empty(0, dtype=np.int64)
    stay = leavers[draws.uniform("moves.stay", week, posts.identity[leavers]) < p.region.move_rate]
    if len(stay) == 0:
        return none, none
    replicate = replicates.of(model, stay, n_posts)
    # Agencies by their number in their own replicate (every replicate's agencies are its
    # own block): a mover weighs only the agencies of the run it belongs to.
    n_ag = len(agencies) // model.replicates
    offset = replicate * n_ag
    vacant = agencies.vacant_posts(posts)
    open_posts = np.bincount(posts.agency[vacant], minlength=len(agencies))
    row = np.full(n_posts, -1, dtype=np.int64)
    row[stay] = np.arange(len(stay))
    ties_into = np.zeros((len(stay), n_ag))
    a, b, _, _ = model.ties.view()
    for near, far in ((a, b), (b, a)):
        mine = row[near] >= 0
        at = row[near[mine]]
        np.add.at(ties_into, (at, posts.agency[far[mine]] - offset[at]), 1.0)
    weight = open_posts[offset[:, None] + np.arange(n_ag)] * (
        1.0 + p.region.tie_preference * ties_into
    )
    weight[np.arange(len(stay)), posts.agency[stay] - offset] = 0.0
    mover = posts.identity[stay]
    agency_words = draws.all_identities("agency", n_ag)
    candidates = agency_words[offset[:, None] + np.arange(n_ag)]
    keys = draws.race("moves.agency", week, ordered(mover[:, None], candidates), weight)
    choice = winner(keys)
    can = choice >= 0
    stay, target, mover = stay[can], offset[can] + choice[can], mover[can]
    # Movers into an agency take its vacancies in a keyed order (each mover's own draw).
    order = np.lexsort((draws.uniform("moves.priority", week, mover), target))
    stay, target = stay[order], target[order]
    rank = np.arange(len(target)) - np.searchsorted(target, target)
    fits = rank < open_posts[target]
    stay, target, rank = stay[fits], target[fits], rank[fits]
    first = np.searchsorted(posts.agency[vacant], target)
    return stay, vacant[first + rank]


def depart(model: CopModel, leavers: np.ndarray) -> None:
    """Practitioners leave their agency: to another agency of the region, or the sector.

    Leavers from the sector take their ties with them; movers take theirs to their new
    post (:func:`choose_moves`). Either way key-worked people lose continuity and the
    agency pays to replace them.
    """
    p, posts, people = model.p, model.posts, model.people
    moved_from = moved_to = np.empty(0, dtype=np.int64)
    if p.region.move_rate > 0 and len(model.agencies) > 1:
        moved_from, moved_to = choose_moves(model, leavers)
    if len(moved_from):
        arrive(model, moved_from, moved_to)
        exits = np.setdiff1d(leavers, moved_from, assume_unique=True)
    else:
        exits = leavers
    posts.occupied[leavers] = False
    posts.member[leavers] = False
    posts.burnout[leavers] = 0.0
    model.ties.remove_posts(exits)
    left = np.zeros(len(posts) + 1, dtype=bool)  # the extra last entry: no key worker (-1)
    left[leavers] = True
    orphaned = left[people.key_worker]
    people.key_worker[orphaned] = -1
    people.engagement[orphaned] = np.maximum(
        0.0, people.engagement[orphaned] - p.casework.continuity_loss
    )
    n_leavers = replicates.count(model, leavers, len(posts))
    model.totals.leavers += n_leavers
    model.totals.moved_in_region += replicates.count(model, moved_from, len(posts))
    model.ledger.turnover_cost += n_leavers * p.workforce.replacement_cost
    n_ag, at = len(model.agencies), model.agency_totals
    at.leavers += np.bincount(posts.agency[leavers], minlength=n_ag)
    at.leavers_to_region += np.bincount(posts.agency[moved_from], minlength=n_ag)
    if model.n_localities > 1:
        n_loc, loc, t = model.n_localities, posts.locality, model.locality_totals
        away = loc[moved_from] != loc[moved_to]
        t.moved_out += np.bincount(loc[moved_from[away]], minlength=n_loc)
        t.moved_in += np.bincount(loc[moved_to[away]], minlength=n_loc)
    model.practitioners.vacate(leavers)
    model.practitioners.fill(moved_to)


def arrive(model: CopModel, old: np.ndarray, new: np.ndarray) -> None:
    """Movers take up their new posts with what they bring: burnout, knowledge, resilience.

    They are new in post (tenure 0, so the new-starter hazard applies); they stay CoP
    members, and starters of their locality, only if they stay in their locality.
    """
    posts = model.posts
    same = posts.locality[old] == posts.locality[new]
    posts.occupied[new] = True
    posts.tenure[new] = 0
    posts.burnout[new] = posts.burnout[old]
    posts.knowledge[new] = posts.knowledge[old]
    posts.resilience[new] = posts.resilience[old]
    posts.identity[new] = posts.identity[old]  # the same practitioner, with their draws
    # ... in a new stint: the post's next holder (as a hire would be).
    per_run = len(posts) // model.replicates
    posts.hires[new] += 1
    posts.stint[new] = model.draws.identities("practitioner", new, per_run, posts.hires[new])
    posts.starter[new] = False
    posts.origin[new] = posts.origin[old]
    posts.locality_starter[new] = posts.locality_starter[old] & same
    posts.member[new] = posts.member[old] & same
    posts.missed[new] = np.where(same, posts.missed[old], 0)
    posts.last_attended[new] = np.where(same, posts.last_attended[old], NEVER)
    model.ties.move_posts(old, new, posts.agency)


def hire(model: CopModel) -> None:
    """Fill funded vacancies, each empty post with weekly chance ``1 / hiring_lag_weeks``."""
    p, posts, agencies = model.p, model.posts, model.agencies
    draws, per_run = model.draws, len(posts) // model.replicates
    # Each vacancy is filled this week with chance 1 / hiring_lag_weeks (a geometric wait),
    # keyed by the post's next holder and the week.
    vacant = agencies.vacant_posts(posts)
    if len(vacant) == 0:
        return
    following = draws.identities("practitioner", vacant, per_run, posts.hires[vacant] + 1)
    u = draws.uniform("hiring.fill", model.week, following)
    hired = vacant[u < 1.0 / p.workforce.hiring_lag_weeks]
    if len(hired) == 0:
        return
    # The post's next practitioner: their resilience is theirs whenever they are hired.
    posts.hires[hired] += 1
    words = posts.identity[hired] = posts.stint[hired] = draws.identities(
        "practitioner", hired, per_run, posts.hires[hired]
    )
    posts.occupied[hired] = True
    posts.tenure[hired] = 0
    posts.burnout[hired] = p.workforce.initial_burnout
    posts.knowledge[hired] = new_knowledge(
        p, agencies.domain[posts.agency[hired]], p.knowledge.new_hire
    )
    posts.starter[hired] = False
    posts.origin[hired] = -1
    posts.locality_starter[hired] = False
    posts.member[hired] = False
    posts.missed[hired] = 0
    posts.last_attended[hired] = NEVER
    z = draws.normal("hiring.resilience", BUILD_WEEK, words)  # whatever the week
    posts.resilience[hired] = resilience(p.workforce.resilience_spread, z)
    model.totals.hires += replicates.count(model, hired, len(posts))
    model.practitioners.fill(hired)
