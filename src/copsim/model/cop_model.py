"""CopModel: one site, stepped weekly through a fixed order of mechanisms."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import mesa
import numpy as np
import pandas as pd

from copsim.model.agents import Agency, Broker, Commissioner, Persons, Practitioners
from copsim.model.burn_in import NoAgents, burned_in
from copsim.model.domains import SEVERITY_MAX
from copsim.model.events import PolicyEvent, apply_due, by_week, parse_events
from copsim.model.mechanisms import (
    brokerage,
    casework,
    cohort,
    commissioner,
    cop,
    crises,
    funding,
    knowledge,
    needs,
    outcomes,
    trust,
    workforce,
)
from copsim.model.mechanisms.cop import CopState
from copsim.model.mechanisms.economics import Ledger
from copsim.model.parameters import Parameters
from copsim.model.records import WEEKLY, WeeklyCollector, record_localities
from copsim.model.schema import SCHEMA, ConfigError
from copsim.model.tally import AgencyTally, LocalityTally, Tally

WEEK: tuple[tuple[str, Callable[[CopModel], None]], ...] = (
    ("policy events", apply_due),
    ("funding", funding.step),
    ("cohort", cohort.step),
    ("needs", needs.step),
    ("key workers", casework.allocate_key_workers),
    ("caseloads", casework.refresh_caseloads),
    ("casework", casework.step),
    ("crises", crises.step),
    ("brokerage", brokerage.step),
    ("CoP meeting", cop.step),
    ("trust decay", trust.step),
    ("knowledge spread", knowledge.step),
    ("workforce", workforce.step),
    ("commissioning", commissioner.step),
    ("outcomes", outcomes.step),
)
"""The order of the steps inside one week. :meth:`CopModel.step` runs exactly this."""


def _arguments(
    params: Any, rng: Any, agents: Any, columns: Any, overrides: dict[str, Any]
) -> dict[str, Any]:
    """:class:`CopModel`'s parameters, its arguments checked (copsim's error, not TypeError).

    Raises:
        ConfigError: Naming the argument and what is allowed.
    """
    if params is not None and not isinstance(params, Mapping):
        raise ConfigError("params", params, "a mapping of parameter names to values, or None")
    if rng is not None:
        SCHEMA["seed"].check(rng)
    if not isinstance(agents, bool):
        raise ConfigError("agents", agents, "true or false")
    if columns is not None:
        names = {o.name for o in WEEKLY}
        if isinstance(columns, str) or not isinstance(columns, Sequence):
            raise ConfigError("columns", columns, "a list of weekly outputs, or None")
        unknown = [c for c in columns if c not in names]
        if unknown:
            raise ConfigError("columns", unknown[0], "weekly outputs (docs/outputs.md)")
    both = sorted(set(params or {}) & set(overrides))
    if both:  # which of the two was meant?
        raise ConfigError(both[0], overrides[both[0]], "one value, given in params or by name")
    return {**(params or {}), **overrides}


class CopModel(mesa.Model):
    """A site's agencies, practitioners and people, with or without a community of practice.

    The site starts from its burned-in state (:mod:`copsim.model.burn_in`): week 0 is the
    end of ``burn_in_weeks`` weeks without a CoP, shared with every run of the same site
    and seed.

    Args:
        params: Flat mapping of parameter names (``brokerage.hours_per_week``) to values;
            may include ``events``. Missing parameters take their defaults.
        rng: Seed of the run; overrides ``params["seed"]``.
        agents: Whether to keep a Mesa agent for every practitioner and person (the demo,
            inspection). Without them (``copsim.run``, sweeps, twins) the arrays, and so
            every output, are exactly the same; a week only skips creating and removing
            an agent per hire, leaver and referral.
        columns: The weekly outputs to record (default: every one); a run's no-CoP twin
            records only those its outcome reads.
        **overrides: More parameters, by dotted name (``**{"trust.gain": 0.2}``).

    Raises:
        copsim.model.schema.ConfigError: For an argument of the wrong type, an unknown
            parameter, a bad value, or a parameter given both in ``params`` and by name.
    """

    replicates = 1
    """One seed (the mechanisms also step seeds side by side: :mod:`copsim.model.replicates`)."""

    def __init__(
        self,
        params: Mapping[str, Any] | None = None,
        *,
        rng: int | None = None,
        agents: bool = True,
        columns: Sequence[str] | None = None,
        **overrides: Any,
    ):
        values = _arguments(params, rng, agents, columns, overrides)
        raw_events = values.pop("events", None)
        if rng is not None:
            values["seed"] = rng
        self.p = Parameters(values)
        super().__init__(rng=self.p.seed)
        self.events: list[PolicyEvent] = parse_events(raw_events, self.p.weeks)
        self.events_due = by_week(self.events)
        self.event_log: list[PolicyEvent] = []
        self.severity_max = SEVERITY_MAX

        state = burned_in(self.p, WEEK)
        self.agencies, self.posts, self.people = state.agencies, state.posts, state.people
        self.ties, self.draws = state.ties, state.draws
        self.area = state.area

        self.agency_agents = [Agency(self, i) for i in range(len(self.agencies))]
        if agents:
            self.practitioners = Practitioners(self, len(self.posts))
            self.practitioners.fill(np.flatnonzero(self.posts.occupied))
            self.person_agents = self.people_registry = Persons(self, len(self.people))
        else:
            self.practitioners = self.person_agents = self.people_registry = NoAgents()
        self.n_localities = self.agencies.n_localities
        self.broker = Broker(self, self.n_localities)
        self.commissioner = Commissioner(self)
        self.totals = Tally()
        self.locality_totals = LocalityTally(self.n_localities)
        self.agency_totals = AgencyTally(len(self.agencies))
        self.ledger = Ledger()
        self.cop = CopState(self.n_localities)

        # Follow-up starts at week 0: the people in place and the staff in post.
        self.people.followed_from = self.people.severity.copy()
        posts = self.posts
        posts.starter = posts.occupied.copy()
        posts.origin = np.where(posts.occupied, posts.locality, -1)
        posts.locality_starter = posts.occupied.copy()
        self.initial_staff = int(posts.occupied.sum())
        self.initial_staff_by_agency = self.agencies.in_post(posts)
        self.initial_staff_by_locality = posts.in_post_by_locality()

        self.datacollector = WeeklyCollector(columns)
        self.datacollector.collect(self)

    @property
    def week(self) -> int:
        """The week the model is in (0 is the end of burn-in)."""
        return self.steps

    @property
    def finished(self) -> bool:
        """Whether the run has reached ``weeks``."""
        return self.steps >= self.p.weeks

    def step(self) -> None:
        """Advance one week, running :data:`WEEK` in order, then record the week."""
        for _, mechanism in WEEK:
            mechanism(self)
        self.datacollector.collect(self)
        self.agency_totals.staff_weeks += self.agencies.in_post(self.posts)
        if self.n_localities > 1:
            record_localities(self)

    def run_to_end(self) -> CopModel:
        """Step until ``weeks`` have run; return the model."""
        while not self.finished:
            self.step()
        return self

    def weekly_table(self) -> pd.DataFrame:
        """One row a week (week 0 is the end of burn-in), one column a weekly output."""
        return self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
