"""Several seeds of one no-broker configuration stepped side by side from week 0.

The counterpart of :class:`~copsim.model.cop_model.CopModel` for replicates laid end to
end (:mod:`copsim.model.replicates`), used for runs' no-CoP twins: each seed starts from
its own burned-in state and ends exactly where ``CopModel`` with that seed ends. It has no
Mesa agents, and no broker: brokerage and meetings draw scalars one locality at a time, so
a configuration with broker hours (now or by an event) runs as ``CopModel`` does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np

from copsim.model import replicates
from copsim.model.burn_in import NoAgents, SiteState, burned_in
from copsim.model.domains import SEVERITY_MAX
from copsim.model.events import PolicyEvent, parse_events
from copsim.model.mechanisms.cop import CopState
from copsim.model.mechanisms.economics import Ledger
from copsim.model.parameters import Parameters
from copsim.model.tally import AgencyTally, LocalityTally, Tally


def has_broker(values: Mapping[str, Any]) -> bool:
    """Whether a configuration has broker hours, from the start or by an event."""
    hours = "brokerage.hours_per_week"
    events = values.get("events") or []
    return bool(values.get(hours, 0)) or any(e.get("set", {}).get(hours) for e in events)


class SideBySide:
    """Seeds of one configuration without a broker, stepped together week by week.

    Args:
        values: The configuration (flat names, may include ``events``); its seed is
            ignored and it must have no broker hours (:func:`has_broker`).
        seeds: The seeds, one replicate each.
        week: The steps of a week, in order (the model's WEEK).
        record: Called each week (and at week 0) with the model; returns each
            replicate's row of the weekly outputs it records.

    Raises:
        ValueError: With broker hours, or no seeds.
    """

    def __init__(
        self,
        values: Mapping[str, Any],
        seeds: Sequence[int],
        week: Sequence[tuple[str, Any]],
        record: Any,
    ):
        values = dict(values)
        raw_events = values.pop("events", None)
        if has_broker({**values, "events": raw_events or []}) or not seeds:
            raise ValueError("side by side runs need seeds and no broker hours")
        self.p = Parameters({**values, "seed": int(seeds[0])})
        self.seeds = [int(s) for s in seeds]
        self.replicates = count = len(seeds)
        self.week = 0
        self.steps_of_week = list(week)
        self.record = record
        self.events: list[PolicyEvent] = parse_events(raw_events, self.p.weeks)
        self.events_due: dict[int, list[PolicyEvent]] = defaultdict(list)
        for event in self.events:
            self.events_due[event.week].append(event)
        self.event_log: list[PolicyEvent] = []
        self.severity_max = SEVERITY_MAX

        states: list[SiteState] = [
            burned_in(Parameters({**values, "seed": s}), self.steps_of_week) for s in self.seeds
        ]
        state = replicates.stack(states)
        self.agencies, self.posts, self.people = state.agencies, state.posts, state.people
        self.ties, self.streams, self.area = state.ties, state.streams, state.area
        self.practitioners = self.person_agents = self.people_registry = NoAgents()
        n_loc = self.n_localities = self.agencies.n_localities
        self.broker = SimpleNamespace(
            bank=np.zeros(n_loc),
            intro_credit=0.0,
            in_setup=False,
            introductions=np.zeros(n_loc, dtype=np.int64),
            reviews=np.zeros(n_loc, dtype=np.int64),
        )
        self.commissioner = SimpleNamespace(
            insight=np.zeros(count),
            funding_moved=np.zeros(count),
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
        self.rows: list[list[dict[str, Any]]] = [[] for _ in range(count)]
        self._record()

    @property
    def steps(self) -> int:
        """Weeks stepped (as Mesa's ``Model.steps``)."""
        return self.week

    def _record(self) -> None:
        for rows, row in zip(self.rows, self.record(self), strict=True):
            rows.append(row)

    def step(self) -> None:
        """Advance every replicate one week (the steps of CopModel.step), then record it."""
        self.week += 1
        for _, mechanism in self.steps_of_week:
            mechanism(self)
        self._record()
        self.agency_totals.staff_weeks += self.agencies.in_post(self.posts)

    def run_to_end(self) -> SideBySide:
        """Step until ``weeks`` have run; return the model."""
        while self.week < self.p.weeks:
            self.step()
        return self
