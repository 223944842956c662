"""The open cohort: people leave services and new referrals take their places.

Each week a person leaves by one of four routes, with yearly hazards

* moved on: ``cohort.moved_on_rate x (1 - e)`` (the disengaged drift away);
* housed and discharged: ``cohort.discharge_rate x coverage`` (coverage: the share of
  their active needs that are supported, 1 with none active);
* prison: ``cohort.prison_rate x n_offending / 0.5``;
* death: ``cohort.death_rate``;

so ``p = 1 - exp(-H / 52)`` with ``H`` their sum, the route drawn in proportion to its
hazard. Services work at capacity, so a place freed is taken at once by the next referral,
drawn from the entry profile (:func:`copsim.model.site.entry_profile`): the caseload stays
``site.people`` and, without a CoP, its mix is stationary after burn-in. Each place has its
own queue of referrals (its k-th newcomer is drawn from a generator keyed by the place and
k, :class:`ReferralQueue`), so a run and its twin admit the same people to a place even
when they leave at different times (common random numbers).

Each person is followed from week 0 (or their referral, if later) until they leave or the
run ends; at that point they count as *maintained* if their severity is no higher than
when follow-up began and *recovered* if it is at or below ``needs.recovered_severity``.
Leaving for prison or by death counts as neither.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from copsim.model import replicates
from copsim.model.domains import DOMAINS
from copsim.model.mechanisms.crises import MID_NEED, coverage
from copsim.model.mechanisms.needs import severity, supported
from copsim.model.site import NEVER, entry_draws, entry_from_draws
from copsim.model.streams import RandomStreams

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


def choose_exits(hazards: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Who leaves this week (indices) and by which route, from one uniform each.

    ``u < p`` leaves; ``u / p`` then falls in a route's share of the total hazard.
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
    position = u[leave] / prob[leave] * total[leave]
    cumulative = np.add.accumulate(hazards[leave], axis=1)  # np.cumsum's ufunc
    route = (cumulative <= position[:, None]).sum(axis=1)
    return leave, np.minimum(route, len(ROUTES) - 1)


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


SEED_GROUP = 256
"""Places whose referral blocks' seeds are computed together (see :func:`referral_seed`)."""


def referral_seed(seed: int, place: int, block: int) -> np.ndarray:
    """What ``RandomStreams(seed).keyed("referrals", place, block)`` is seeded from.

    numpy's seeding costs about 25 us a generator; computed for a group of places at
    once (:meth:`RandomStreams.keyed_states`) and kept, it costs well under 1 us a place.
    The values depend only on the seed, place and block, so a run and its twin share them.
    """
    group, row = divmod(int(place), SEED_GROUP)
    return _group_seeds(int(seed), group, int(block))[row]


@functools.lru_cache(maxsize=2048)  # seeds side by side each need theirs (8 kB an entry)
def _group_seeds(seed: int, group: int, block: int) -> np.ndarray:
    """:func:`referral_seed` of the places of one group (read-only)."""
    places = np.arange(group * SEED_GROUP, (group + 1) * SEED_GROUP)
    keys = np.column_stack([places, np.full(SEED_GROUP, block)])
    words = RandomStreams(seed).keyed_states("referrals", keys)
    words.flags.writeable = False
    return words


class ReferralQueue:
    """Each place's future referrals, drawn in blocks keyed by (seed, place, block).

    Args:
        places: Number of places.
        seed: The run's seed.

    Attributes:
        seed: Each place's run seed (replicates side by side have one each).
        place: Each place's number in its own run (its key).
    """

    BLOCK = 8

    def __init__(self, places: int, seed: int):
        self.arrivals = np.zeros(places, dtype=np.int64)
        self.block = np.full(places, -1, dtype=np.int64)
        self.seed = np.full(places, seed, dtype=np.int64)
        self.place = np.arange(places)
        # Each profile's drawn blocks laid end to end, one row a referral: place i's block
        # is rows i * BLOCK .. (i + 1) * BLOCK - 1.
        self.rows: dict[str, np.ndarray] = {}

    @property
    def profiles(self) -> dict[str, np.ndarray]:
        """Each profile's current block of each place, shape (places, BLOCK, ...) (views)."""
        n = len(self.arrivals)
        return {name: v.reshape(n, self.BLOCK, *v.shape[1:]) for name, v in self.rows.items()}

    def next(self, model: CopModel, places: np.ndarray) -> dict[str, np.ndarray]:
        """The profiles of the next referral of each given place (distinct places)."""
        k = self.arrivals[places]
        block = k // self.BLOCK
        new = block != self.block[places]
        if new.any():
            self._draw(model, places[new], block[new])
        self.arrivals[places] += 1
        rows = places * self.BLOCK + k % self.BLOCK
        return {name: v.take(rows, axis=0) for name, v in self.rows.items()}

    def _draw(self, model: CopModel, places: np.ndarray, blocks: np.ndarray) -> None:
        """Draw the given blocks of the given places' referrals (distinct places).

        Each place's block comes from its own keyed generator; the arithmetic after the
        draws is elementwise by person, so it is done for every place at once.
        """
        size = self.BLOCK
        locality = np.repeat(model.people.locality[places], size)
        draws = [
            entry_draws(
                model.p,
                model.agencies,
                size,
                RandomStreams.from_state(referral_seed(seed, place, b)),
                locality[i * size : (i + 1) * size],
            )
            for i, (seed, place, b) in enumerate(
                zip(self.seed[places].tolist(), self.place[places].tolist(), blocks, strict=True)
            )
        ]
        if len(draws) > 1:
            draws = [{name: np.concatenate([d[name] for d in draws]) for name in draws[0]}]
        drawn = entry_from_draws(model.p, model.agencies, draws[0], locality)
        if not self.rows:
            n = len(self.arrivals) * size
            self.rows = {
                name: np.zeros((n, *v.shape[1:]), dtype=v.dtype) for name, v in drawn.items()
            }
        # The places' blocks, in the order drawn (place by place, a block's rows in order).
        rows = (places[:, None] * size + np.arange(size)).ravel()
        for name, values in drawn.items():
            self.rows[name][rows] = values
        self.block[places] = blocks


def admit(model: CopModel, places: np.ndarray) -> None:
    """New referrals take the given places: a new person each, not yet key-worked."""
    people, week = model.people, model.week
    profile = people.queue.next(model, places)
    for name, values in profile.items():
        getattr(people, name)[places] = values
    people.key_worker[places] = -1
    people.supported_until[places] = NEVER
    people.excluded_until[places] = NEVER
    people.last_crisis[places] = NEVER
    people.crisis_count[places] = 0
    # The rows just written; each replicate's own matrix product (see needs.severity).
    sev = replicates.grouped(
        model, severity, places, len(people), profile["needs"], profile["engagement"]
    )
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
    leave, route = choose_exits(hazards, model.streams.draw("cohort", "random", len(people)))
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
