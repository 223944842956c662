"""Several seeds of one configuration stepped side by side from week 0.

The counterpart of :class:`~copsim.model.cop_model.CopModel` for replicates laid end to
end (:mod:`copsim.model.replicates`), used by sweeps: each seed starts from its own
burned-in state and ends exactly where ``CopModel`` with that seed ends, week by week.
It has no Mesa agents; :meth:`SideBySide.each_alone` shows each replicate as a run alone (the
shape every output and summary function reads).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from copsim.model import replicates
from copsim.model.agents import Brokers
from copsim.model.burn_in import NoAgents, SiteState, burned_in
from copsim.model.domains import SEVERITY_MAX
from copsim.model.events import PolicyEvent, by_week, parse_events
from copsim.model.mechanisms.cop import CopState
from copsim.model.mechanisms.economics import Ledger
from copsim.model.parameters import Parameters
from copsim.model.records import record_localities
from copsim.model.tally import AgencyTally, LocalityTally, Tally


class SideBySide:
    """Seeds of one configuration, stepped together week by week.

    Args:
        values: The configuration (flat names, may include ``events``); its seed is
            ignored.
        seeds: The seeds, one replicate each.
        week: The steps of a week, in order (the model's WEEK).
        record: Called each week (and at week 0) with the model; returns the weekly
            outputs it records, each as one value a replicate.
        states: Each seed's burned-in state (copied), if at hand; by default each is
            :func:`~copsim.model.burn_in.burned_in`'s.

    Raises:
        ValueError: Without seeds.
    """

    def __init__(
        self,
        values: Mapping[str, Any],
        seeds: Sequence[int],
        week: Sequence[tuple[str, Any]],
        record: Any,
        states: Sequence[SiteState] | None = None,
    ):
        values = dict(values)
        raw_events = values.pop("events", None)
        if not seeds:
            raise ValueError("side by side runs need seeds")
        self.p = Parameters({**values, "seed": int(seeds[0])})
        self.seeds = [int(s) for s in seeds]
        self.replicates = count = len(seeds)
        self.week = 0
        self.steps_of_week = list(week)
        self.record = record
        self.events: list[PolicyEvent] = parse_events(raw_events, self.p.weeks)
        self.events_due = by_week(self.events)
        self.event_log: list[PolicyEvent] = []
        self.severity_max = SEVERITY_MAX

        if states is None:
            states = [burned_in(Parameters({**values, "seed": s}), week) for s in self.seeds]
        else:  # stepping must not change the states given (a cache's)
            states = [copy.deepcopy(s) for s in states]
        state = replicates.stack(states)
        self.agencies, self.posts, self.people = state.agencies, state.posts, state.people
        self.ties, self.draws, self.area = state.ties, state.draws, state.area
        self.practitioners = self.person_agents = self.people_registry = NoAgents()
        n_loc = self.n_localities = self.agencies.n_localities
        self.broker = Brokers(self, n_loc)
        self.commissioner = SimpleNamespace(
            insight=np.zeros(count),
            funding_moved=np.zeros(count),
            funding_misdirected=np.zeros(count),
            engagement=self.p.nurture.commissioner_engagement,
        )
        self.totals = Tally.replicates(count)
        self.locality_totals = LocalityTally(n_loc)
        self.agency_totals = AgencyTally(len(self.agencies))
        self.ledger = Ledger.replicates(count)
        self.cop = CopState(n_loc)

        # As CopModel: follow-up starts at week 0, with the people in place and staff in post.
        self.people.followed_from = self.people.severity.copy()
        posts = self.posts
        posts.starter = posts.occupied.copy()
        posts.origin = np.where(posts.occupied, posts.locality, -1)
        posts.locality_starter = posts.occupied.copy()
        self.initial = [
            (
                int(s.posts.occupied.sum()),
                s.agencies.in_post(s.posts),
                s.posts.in_post_by_locality(),
            )
            for s in states
        ]
        self.recorded: list[dict[str, list]] = []  # a week's outputs, one value a replicate
        self._record()

    @property
    def steps(self) -> int:
        """Weeks stepped (as Mesa's ``Model.steps``)."""
        return self.week

    def _record(self) -> None:
        self.recorded.append(self.record(self))

    def step(self) -> None:
        """Advance every replicate one week (the steps of CopModel.step), then record it."""
        self.week += 1
        for _, mechanism in self.steps_of_week:
            mechanism(self)
        self._record()
        self.agency_totals.staff_weeks += self.agencies.in_post(self.posts)
        if self.n_localities > self.replicates:  # each run a region: record_localities
            for alone in self.each_alone():
                record_localities(alone)

    def each_alone(self) -> list[SimpleNamespace]:
        """Each replicate as a run alone, with the attributes outputs read of a ``CopModel``.

        Its arrays are views of the model's (its indices shifted copies), its totals and
        accounts its own; writes to its locality and agency tallies reach the model's.
        """
        count = self.replicates
        sizes = replicates.block_sizes(self)
        agencies, posts, people = (
            replicates.parts(kind, getattr(self, kind), count, sizes) for kind in replicates.KINDS
        )
        ties = replicates.each_ties(self.ties, count, sizes["posts"])
        n_loc = sizes["localities"]
        each = zip(
            self.totals.each(),
            self.ledger.each(),
            replicates.views(self.cop, count),
            replicates.views(self.locality_totals, count),
            replicates.views(self.agency_totals, count),
            strict=True,
        )
        out = []
        for r, (totals, ledger, cop, locality_totals, agency_totals) in enumerate(each):
            loc = slice(r * n_loc, (r + 1) * n_loc)
            staff, by_agency, by_locality = self.initial[r]
            out.append(
                SimpleNamespace(
                    p=self.p,
                    steps=self.week,
                    week=self.week,
                    replicates=1,
                    severity_max=self.severity_max,
                    area=self.area,
                    agencies=agencies[r],
                    posts=posts[r],
                    people=people[r],
                    ties=ties[r],
                    n_localities=n_loc,
                    totals=totals,
                    ledger=ledger,
                    cop=cop,
                    broker=SimpleNamespace(
                        bank=self.broker.bank[loc],
                        intro_credit=self.broker.intro_credit,
                        introductions=self.broker.introductions[loc],
                        reviews=self.broker.reviews[loc],
                    ),
                    commissioner=SimpleNamespace(
                        insight=float(self.commissioner.insight[r]),
                        funding_moved=float(self.commissioner.funding_moved[r]),
                        funding_misdirected=float(self.commissioner.funding_misdirected[r]),
                        engagement=self.commissioner.engagement,
                    ),
                    locality_totals=locality_totals,
                    agency_totals=agency_totals,
                    initial_staff=staff,
                    initial_staff_by_agency=by_agency,
                    initial_staff_by_locality=by_locality,
                    events=self.events,
                    event_log=self.event_log,
                )
            )
        return out

    def weekly_tables(self, names: Sequence[str] | None = None) -> list[pd.DataFrame]:
        """Each replicate's weekly table (as ``CopModel.weekly_table``).

        Args:
            names: Only these columns, in this order (by default every one recorded).
        """
        names = list(self.recorded[0]) if names is None else list(names)
        # Each output's weeks by replicates: a replicate's column is its values in order
        # (as a list of them would give: ints int64, floats float64).
        weeks = {name: np.array([week[name] for week in self.recorded]) for name in names}
        return [
            pd.DataFrame({name: values[:, r] for name, values in weeks.items()})
            for r in range(self.replicates)
        ]

    def run_to_end(self) -> SideBySide:
        """Step until ``weeks`` have run; return the model."""
        while self.week < self.p.weeks:
            self.step()
        return self
