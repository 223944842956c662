"""Workforce: burnout as a stock, leaving, vacancies and hiring.

Burnout (Homer 1985) fills with demand (caseload pressure, failed referrals, clients'
crises) and drains with recovery, which manager support and recent CoP attendance raise a
little (demand dominates, as the brief cautions). The weekly leaving probability follows
from an annual figure, ``1 - (1 - p_year)^(1/52)``, times the burnout and new-starter
multipliers. A post left empty is filled after a geometric wait with mean
``hiring_lag_weeks`` if the budget still funds it; the new hire starts with less
knowledge, no cross-agency ties, and outside the CoP. People key-worked by a leaver lose
continuity (engagement) and wait for a new key worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from copsim.model.site import NEVER, new_knowledge

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
    return np.clip(burnout + fill * demand * (1.0 - burnout) - recovery * support * burnout, 0, 1)


def leaving_probability(
    burnout: np.ndarray,
    tenure: np.ndarray,
    p_year: float,
    burnout_ratio: float,
    starter_ratio: float,
) -> np.ndarray:
    """Weekly chance of leaving: ``h0 (1 + (ratio - 1) B) * (starter ratio if < 1 year)``."""
    base = weekly_from_annual(p_year)
    multiplier = (1.0 + (burnout_ratio - 1.0) * burnout) * np.where(tenure < 52, starter_ratio, 1.0)
    return np.minimum(1.0, base * multiplier)


def step(model: CopModel) -> None:
    """Update burnout, then leaving, then hiring."""
    p, posts = model.p, model.posts
    on = posts.occupied
    demand = (
        posts.pressure
        + p.workforce.failed_referral_weight * posts.failed_week
        + p.workforce.crisis_weight * posts.crises_week
    )
    recent = model.steps - posts.last_attended <= p.brokerage.meeting_interval
    support = (
        1.0 + p.nurture.manager_effect * p.nurture.manager_support + p.cop.peer_support * recent
    )
    posts.burnout = np.where(
        on,
        burnout_next(
            posts.burnout, demand, support, p.workforce.burnout_fill, p.workforce.burnout_recovery
        ),
        0.0,
    )
    posts.failed_week[:] = 0.0
    posts.crises_week[:] = 0.0
    posts.tenure[on] += 1

    prob = leaving_probability(
        posts.burnout,
        posts.tenure,
        p.workforce.turnover_at_zero_burnout,
        p.workforce.burnout_leave_ratio,
        p.workforce.new_starter_leave_ratio,
    )
    leavers = np.flatnonzero(on & (model.streams["workforce"].random(len(posts)) < prob))
    if len(leavers):
        depart(model, leavers)
    hire(model)


def depart(model: CopModel, leavers: np.ndarray) -> None:
    """Practitioners leave: ties go, key-worked people lose continuity, costs are charged."""
    p, posts, people = model.p, model.posts, model.people
    posts.occupied[leavers] = False
    posts.member[leavers] = False
    posts.burnout[leavers] = 0.0
    model.ties.remove_posts(leavers)
    orphaned = np.isin(people.key_worker, leavers)
    people.key_worker[orphaned] = -1
    people.engagement[orphaned] = np.maximum(
        0.0, people.engagement[orphaned] - p.casework.continuity_loss
    )
    model.totals.leavers += len(leavers)
    model.ledger.turnover_cost += len(leavers) * p.workforce.replacement_cost
    model.practitioners.vacate(leavers)


def hire(model: CopModel) -> None:
    """Fill funded vacancies, each empty post with weekly chance ``1 / hiring_lag_weeks``."""
    p, posts, agencies = model.p, model.posts, model.agencies
    u = model.streams["hiring"].random(len(posts))
    # Each vacancy is filled this week with chance 1 / hiring_lag_weeks (a geometric wait).
    vacant = agencies.vacant_posts(posts)
    hired = vacant[u[vacant] < 1.0 / p.workforce.hiring_lag_weeks]
    if len(hired) == 0:
        return
    posts.occupied[hired] = True
    posts.tenure[hired] = 0
    posts.burnout[hired] = p.workforce.initial_burnout
    posts.knowledge[hired] = new_knowledge(
        p, agencies.domain[posts.agency[hired]], p.knowledge.new_hire
    )
    posts.starter[hired] = False
    posts.member[hired] = False
    posts.missed[hired] = 0
    posts.last_attended[hired] = NEVER
    model.totals.hires += len(hired)
    model.practitioners.fill(hired)
