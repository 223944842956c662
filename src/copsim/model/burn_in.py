"""Burn-in: the site run with no CoP until it is stationary, computed once and shared.

Outputs are read from a steady state (an ABM's spin-up, as in Covasim's and Starsim's
practice): before week 0 the site runs ``burn_in_weeks`` weeks with no broker, numbered
``-burn_in_weeks + 1 .. 0`` so that every week stamp stays comparable. A run and its
no-CoP twin (and every programme setting of one site and seed) then continue from the
same burned-in state and the same keyed draws (:mod:`copsim.model.draws`).

The burned-in state depends only on the parameters that can act before week 0: the
programme's settings (:func:`inert`) cannot, since there is no CoP, no member and no
meeting, and costs are not counted. The state is computed with those at their defaults,
cached in-process keyed by the rest, and each model gets a deep copy, so a run's results
are the same whether its burn-in was computed or reused.
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from copsim.model import replicates
from copsim.model.area import Area, load_area
from copsim.model.domains import SEVERITY_MAX
from copsim.model.draws import Draws
from copsim.model.mechanisms import casework, commissioner, funding, needs, outcomes
from copsim.model.mechanisms.cop import CopState
from copsim.model.mechanisms.economics import Ledger
from copsim.model.parameters import Parameters
from copsim.model.schema import PARAMS
from copsim.model.site import (
    Agencies,
    People,
    Posts,
    build_agencies,
    build_initial_ties,
    build_people,
    build_posts,
)
from copsim.model.tally import AgencyTally, LocalityTally, Tally
from copsim.model.ties import TieTable

NO_COP = {"brokerage.hours_per_week": 0.0}
"""What makes a site have no CoP (burn-in; a run's twin): no broker."""

INERT_GROUPS = ("brokerage", "cop")
"""Parameter groups that cannot act without a broker: before week 0, or in a run's twin."""
NO_BROKER_INERT = (
    "nurture.protected_time",
    "nurture.manager_support",
    "commissioner.insight_rate",
    "trust.meeting_gain",
    "funding.backfill_hourly_cost",
)
"""Other parameters that cannot act without a broker: they act only through CoP members and
meetings (attendance, backfill, meeting trust, the commissioner's insight), and with no
broker hours there is never a member or a meeting."""
INERT = (
    "weeks",
    *NO_BROKER_INERT,
    "workforce.replacement_cost",
    *(p.name for p in PARAMS if p.group == "crises" and p.name.endswith("_cost")),
)
"""Other parameters that cannot act before week 0: the programme's, and unit costs."""

CACHE_SIZE = 64
_cache: OrderedDict[str, SiteState] = OrderedDict()


def inert(name: str) -> bool:
    """Whether parameter ``name`` cannot act during burn-in."""
    return name in INERT or name.partition(".")[0] in INERT_GROUPS


@dataclass
class SiteState:
    """Everything of a site that carries over from burn-in to week 0."""

    agencies: Agencies
    posts: Posts
    people: People
    ties: TieTable
    draws: Draws
    area: Area | None = None


class NoAgents:
    """Stands in for the agent registries: in burn-in, and in ``CopModel(agents=False)``."""

    def fill(self, posts: Iterable[int]) -> None:
        """No agents to create."""

    def vacate(self, posts: Iterable[int]) -> None:
        """No agents to remove."""

    def replace(self, places: Iterable[int]) -> None:
        """No agents to replace."""


class BurnIn:
    """The site without a CoP, stepped through the week's mechanisms before week 0.

    Args:
        p: The burn-in parameters (:func:`burn_in_values`).
    """

    replicates = 1
    """Seeds stepped side by side (see :meth:`side_by_side`)."""

    def __init__(self, p: Parameters):
        self.p = p
        self.week = -p.burn_in_weeks
        self.severity_max = SEVERITY_MAX
        self.draws = Draws(p.seed)
        self.area = load_area(p.site.file) if p.site.file else None
        self.agencies = build_agencies(p, self.draws, self.area)
        self.posts = build_posts(p, self.agencies, self.draws)
        self.ties = build_initial_ties(p, self.posts, self.week, self.draws)
        self.people = build_people(p, self.agencies, self.draws)
        self.practitioners = self.people_registry = NoAgents()
        n_loc = self.n_localities = self.agencies.n_localities
        self.totals, self.ledger, self.cop = Tally(), Ledger(), CopState(n_loc)
        self.locality_totals = LocalityTally(n_loc)
        self.agency_totals = AgencyTally(len(self.agencies))
        self.broker = SimpleNamespace(bank=np.zeros(n_loc), intro_credit=0.0, in_setup=False)
        self.commissioner = SimpleNamespace(
            insight=0.0, funding_moved=0.0, funding_misdirected=0.0, engagement=0.0
        )

        funding.step(self)
        casework.allocate_key_workers(self)
        casework.refresh_caseloads(self)
        people = self.people
        people.severity = needs.severity(people.needs, people.engagement)
        people.severity_history[:] = people.severity[:, None]
        people.entered[:] = self.week
        people.followed_from = people.severity.copy()
        outcomes.step(self)

    @classmethod
    def side_by_side(cls, p: Parameters, seeds: Sequence[int]) -> BurnIn:
        """The burn-ins of several seeds of ``p``, stepped as one (:mod:`copsim.model.replicates`).

        Each seed's site is built as its own burn-in builds it; :meth:`run` then returns
        each seed's state, equal to what that seed's burn-in alone returns.
        """
        each = [cls(Parameters({**p.as_dict(), "seed": int(s)})) for s in seeds]
        if len(each) == 1:
            return each[0]
        batch = cls.__new__(cls)
        vars(batch).update(vars(each[0]))
        state = replicates.stack([e._state() for e in each])
        batch.agencies, batch.posts, batch.people = state.agencies, state.posts, state.people
        batch.ties, batch.draws = state.ties, state.draws
        count = batch.replicates = len(each)
        n_loc = batch.n_localities = batch.agencies.n_localities
        batch.totals, batch.ledger = Tally.replicates(count), Ledger.replicates(count)
        batch.cop, batch.locality_totals = CopState(n_loc), LocalityTally(n_loc)
        batch.agency_totals = AgencyTally(len(batch.agencies))
        batch.broker = SimpleNamespace(bank=np.zeros(n_loc), intro_credit=0.0, in_setup=False)
        batch.commissioner = SimpleNamespace(
            insight=np.zeros(count),
            funding_moved=np.zeros(count),
            funding_misdirected=np.zeros(count),
            engagement=0.0,
        )
        return batch

    def _state(self) -> SiteState:
        return SiteState(self.agencies, self.posts, self.people, self.ties, self.draws, self.area)

    def run_each(self, week: Iterable[tuple[str, Callable]]) -> list[SiteState]:
        """:meth:`run`, giving each replicate's state (one for a burn-in of one seed)."""
        state = self.run(week)
        return [state] if self.replicates == 1 else replicates.unstack(state)

    def run(self, week: Iterable[tuple[str, Callable]]) -> SiteState:
        """Run every burn-in week: the steps of ``week`` (the model's WEEK) but policy events."""
        # An area file gives the funding as it is at week 0: its budgets are held during
        # burn-in, so the funded posts at week 0 are the file's.
        skip = {"policy events", "commissioning"} if self.area else {"policy events"}
        steps = [step for name, step in week if name not in skip]
        settle = self.week + SETTLE_WEEKS
        while self.week < 0:
            self.week += 1
            for step in steps:
                step(self)
            if self.week == settle and self.area is None:
                self._recommission()
        return self._state()

    def _recommission(self) -> None:
        """Set an engaged commissioner's budgets to the unmet need, once.

        Commissioning converges slowly (a share ``move_share x engagement`` a review, years
        per time constant) to the allocation where budgets follow the gaps, whatever the
        engagement. Historical budgets already follow need: doing the whole move once,
        early in burn-in, keeps that slow convergence out of the run.
        """
        if self.p.nurture.commissioner_engagement <= 0:
            return
        gaps = commissioner.unmet_by_agency(self)
        agencies = self.agencies
        share = agencies.budget_share.copy()
        for s in replicates.blocks(self, len(agencies)):  # each replicate's own site
            share[s] = commissioner.reallocate(share[s], gaps[s], 1.0, agencies.size[s])
        agencies.budget_share = share


SETTLE_WEEKS = 26
"""Weeks into burn-in at which an engaged commissioner's budgets are set to the gaps once."""


def burn_in_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The configuration burn-in runs: no broker, and inert parameters at their defaults."""
    out = {k: v for k, v in values.items() if k != "events" and not inert(k)}
    return {**out, **NO_COP}


def cache_key(p: Parameters) -> str:
    """The key of ``p``'s burned-in state: the values burn-in runs, and the area file's digest.

    Every run of one site and seed, whatever its programme settings, has the same key.
    """
    values = burn_in_values(p.as_dict())
    # An area file is keyed by what it holds, not only its name.
    digest = load_area(p.site.file).digest if p.site.file else ""
    return json.dumps({**values, "site.file": [p.site.file, digest]}, sort_keys=True)


def compute(p: Parameters, week: Iterable[tuple[str, Callable]]) -> SiteState:
    """Run ``p``'s burn-in (uncached): the state at week 0 of its site and seed."""
    return BurnIn(Parameters(burn_in_values(p.as_dict()))).run(week)


def cached(key: str) -> SiteState | None:
    """The cached burned-in state of ``key`` (not a copy: never change it), or None."""
    state = _cache.get(key)
    if state is not None:
        _cache.move_to_end(key)
    return state


def remember(key: str, state: SiteState) -> None:
    """Cache a burned-in state under ``key`` (it must be what :func:`compute` returns)."""
    _cache[key] = state
    _cache.move_to_end(key)
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)


def burned_in(p: Parameters, week: Iterable[tuple[str, Callable]]) -> SiteState:
    """A fresh deep copy of the burned-in state of ``p``'s site and seed (cached).

    Args:
        p: The run's parameters.
        week: The steps of a week, in order (the model's WEEK).
    """
    key = cache_key(p)
    state = cached(key)
    if state is None:
        state = compute(p, week)
        remember(key, state)
    return copy.deepcopy(state)


def clear_cache() -> None:
    """Forget every cached burn-in (tests use it to force recomputation)."""
    _cache.clear()
