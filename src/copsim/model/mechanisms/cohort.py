"""The open cohort: people leave services and new referrals take their places.

Each week a person leaves by one of four routes, with yearly hazards

* moved on: ``cohort.moved_on_rate x (1 - e)`` (the disengaged drift away);
* housed and discharged: ``cohort.discharge_rate x coverage`` (coverage: the share of
  their active needs that are supported, 1 with none active);
* prison: ``cohort.prison_rate x n_offending / 0.5``;
* death: ``cohort.death_rate``;

so ``p = 1 - exp(-H / 52)`` with ``H`` their sum, the route drawn in proportion to its
hazard (a race among the routes, so a small change in one route's hazard changes the
route of few leavers). Services work at capacity, so a place freed is taken at once by the
next referral, drawn from the entry profile (:func:`copsim.model.site.entry_profile`): the
caseload stays ``site.people`` and, without a CoP, its mix is stationary after burn-in. A
place's k-th referral is keyed by the place and k (:mod:`copsim.model.draws`), so a run and
its twin admit the same people to a place even when they leave at different times.

Each person is followed from week 0 (or their referral, if later) until they leave or the
run ends; at that point they count as *maintained* if their severity is no higher than
when follow-up began and *recovered* if it is at or below ``needs.recovered_severity``.
Leaving for prison or by death counts as neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from copsim.model import replicates
from copsim.model.domains import DOMAINS
from copsim.model.mechanisms.crises import MID_NEED, coverage
from copsim.model.mechanisms.needs import severity, supported
from copsim.model.site import NEVER, entry_profile

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel

ROUTES = ("moved_on", "discharged", "prison", "died")
"""Ways of leaving, in the column order of :func:`exit_hazards`."""
OFFENDING = DOMAINS.index("offending")


def exit_hazards(engagement: np.ndarray, cover: np.ndarray, offending: np.ndarray, p) -> np.ndarray:
    """Yearly hazard of each route (columns as :data:`ROUTES`), one row a person."""
    c = p.cohort
    hazards = np.empty((len(engagement), len(ROUTES)))
    np.multiply(c.moved_on_rate, 1.0 - engagement, out=hazards[:, 0])
    np.multiply(c.discharge_rate, cover, out=hazards[:, 1])
    np.divide(c.prison_rate * offending, MID_NEED, out=hazards[:, 2])
    hazards[:, 3] = c.death_rate
    return hazards


def choose_exits(
    hazards: np.ndarray, u: np.ndarray, race: Callable[[np.ndarray], np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Who leaves this week (indices) and by which route.

    A person leaves when their uniform ``u`` is below ``p = 1 - exp(-H / 52)``; a
    leaver's route is a race among the routes weighted by their hazards (chance in
    proportion to each).

    Args:
        hazards: Each person's yearly hazard of each route (:func:`exit_hazards`).
        u: Each person's uniform.
        race: Given the leavers, their standard exponentials, a column a route.
    """
    # Each row's total, adding the columns from the left: the additions numpy's
    # hazards.sum(axis=1) makes, in its order (bit for bit), without its slow reduction.
    total = hazards[:, 0].copy()
    for j in range(1, hazards.shape[1]):
        total += hazards[:, j]
    prob = np.negative(total)
    prob /= 52.0
    np.exp(prob, out=prob)
    np.subtract(1.0, prob, out=prob)
    leave = (u < prob).nonzero()[0]
    if len(leave) == 0:
        return leave, leave
    with np.errstate(divide="ignore"):
        return leave, (race(leave) / hazards[leave]).argmin(axis=1)


def end_follow_up(model: CopModel, who: np.ndarray, route: np.ndarray | None = None) -> None:
    """Count the follow-up outcomes of people whose follow-up ends (leaving, or the end)."""
    people, t, n = model.people, model.totals, len(model.people)
    sev, start = people.severity[who], people.followed_from[who]
    good = np.ones(len(who), dtype=bool) if route is None else route < ROUTES.index("prison")
    recovered = good & (sev <= model.p.needs.recovered_severity)
    t.followed += replicates.count(model, who, n)
    t.maintained += replicates.count(model, who[good & (sev <= start)], n)
    t.recovered += replicates.count(model, who[recovered], n)
    t.severity_change += replicates.sums(model, sev - start, who, n)


def admit(model: CopModel, places: np.ndarray) -> None:
    """New referrals take the given places: a new person each, not yet key-worked."""
    people, week = model.people, model.week
    people.referral[places] += 1
    people.identity[places] = model.draws.identities(
        "person", places, len(people) // model.replicates, people.referral[places]
    )
    profile = entry_profile(
        model.p, model.agencies, model.draws, people.identity[places], people.locality[places]
    )
    for name, values in profile.items():
        getattr(people, name)[places] = values
    people.key_worker[places] = -1
    people.supported_until[places] = NEVER
    people.excluded_until[places] = NEVER
    people.last_crisis[places] = NEVER
    people.crisis_count[places] = 0
    people.shock[places] = 0.0
    sev = severity(profile["needs"], profile["engagement"])
    people.severity[places] = sev
    # Until a quarter has passed, a newcomer is compared with their severity at entry.
    people.severity_history[places] = sev[:, None]
    people.entered[places] = week
    people.followed_from[places] = sev
    model.totals.referrals_in += replicates.count(model, places, len(people))
    model.people_registry.replace(places)


def step(model: CopModel) -> None:
    """People leave by the four routes; referrals take their places."""
    p, people = model.p, model.people
    if len(people) == 0:
        return
    cover = coverage(people.needs, supported(model), p.needs.threshold)
    hazards = exit_hazards(people.engagement, cover, people.needs[:, OFFENDING], p)
    draws, words, week = model.draws, people.identity, model.week
    routes = np.arange(len(ROUTES))
    leave, route = choose_exits(
        hazards,
        draws.uniform("cohort.exit", week, words),
        lambda who: draws.exponential("cohort.route", week, words[who, None], routes),
    )
    if len(leave) == 0:
        return
    end_follow_up(model, leave, route)
    t, r = model.totals, model.replicates
    if r == 1:
        by_route = np.bincount(route, minlength=len(ROUTES)).tolist()
    else:  # a row a replicate
        cell = replicates.of(model, leave, len(people)) * len(ROUTES) + route
        by_route = np.bincount(cell, minlength=r * len(ROUTES)).reshape(r, -1).T
    moved_on, discharged, prison, died = by_route  # ROUTES
    t.left_moved_on += moved_on
    t.left_discharged += discharged
    t.left_prison += prison
    t.left_died += died
    admit(model, leave)


def follow_up(model: CopModel) -> tuple[int, int, int, float]:
    """People followed, maintained, recovered, and their total severity change.

    Those still in place count as if their follow-up ended now (the totals are unchanged).
    """
    people, t = model.people, model.totals
    sev, start = people.severity, people.followed_from
    return (
        t.followed + len(sev),
        t.maintained + int((sev <= start).sum()),
        t.recovered + int((sev <= model.p.needs.recovered_severity).sum()),
        t.severity_change + float((sev - start).sum()),
    )
