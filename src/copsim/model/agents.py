"""The Mesa agents of copsim.

Agents hold their identity and expose their state as properties; the state itself lives
in the site's arrays (:mod:`copsim.model.site`) so the weekly mechanisms can act on all agents
at once. A practitioner agent exists while someone holds the post: leaving removes it,
hiring creates a new one with a new ``unique_id``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from copsim.model.domains import AGENCY_TYPES, DOMAINS

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel


class PersonState(IntEnum):
    """Where a person with multiple needs stands this week (see docs/ODD.md)."""

    CRISIS = 0
    UNSTABLE = 1
    STABLE = 2
    RECOVERED = 3


class Agency(mesa.Agent):
    """A statutory or voluntary agency serving one need domain.

    Args:
        model: The model.
        index: Row of the agency in the site's agency arrays.
    """

    model: CopModel

    def __init__(self, model: CopModel, index: int):
        super().__init__(model)
        self.index = index

    @property
    def domain(self) -> str:
        """The need domain the agency serves."""
        return DOMAINS[self.model.agencies.domain[self.index]]

    @property
    def kind(self) -> str:
        """The agency type, in words."""
        return AGENCY_TYPES[self.domain]

    @property
    def funded_posts(self) -> int:
        """Posts the budget funds this week."""
        return int(self.model.agencies.funded[self.index])

    @property
    def manager_support(self) -> float:
        """Its managers' support (supervision, recognition) this week, in [0, 1]."""
        return float(self.model.agencies.manager_support[self.index])

    @property
    def staff_in_post(self) -> int:
        """Practitioners currently in post."""
        posts = self.model.posts
        return int((posts.occupied & (posts.agency == self.index)).sum())


class Practitioner(mesa.Agent):
    """A front-line practitioner holding one post in one agency.

    Args:
        model: The model.
        post: Index of the post the practitioner holds.
    """

    model: CopModel

    def __init__(self, model: CopModel, post: int):
        super().__init__(model)
        self.post = post

    @property
    def agency(self) -> Agency:
        """The practitioner's agency."""
        return self.model.agency_agents[self.model.posts.agency[self.post]]

    @property
    def caseload(self) -> int:
        """People with multiple needs for whom the practitioner is key worker."""
        return int(self.model.posts.caseload[self.post])

    @property
    def knowledge(self) -> dict[str, float]:
        """Knowledge of each need domain, in [0, 1]."""
        row = self.model.posts.knowledge[self.post]
        return {d: float(k) for d, k in zip(DOMAINS, row, strict=True)}

    def ties(self) -> list[tuple[Practitioner, float]]:
        """Cross-agency ties as (other practitioner, trust)."""
        a, b, trust, _ = self.model.ties.view()
        out = []
        for other, t in zip(
            [*b[a == self.post], *a[b == self.post]],
            [*trust[a == self.post], *trust[b == self.post]],
            strict=True,
        ):
            out.append((self.model.practitioners[other], float(t)))
        return out


class Practitioners:
    """The Practitioner agent of each post: the one place they are created and removed.

    The mechanisms change who is in post in the arrays; workforce then calls :meth:`fill`
    for posts just filled and :meth:`vacate` for posts just left, so each hire is a new
    agent with a new ``unique_id``.

    Args:
        model: The model.
        n_posts: Number of posts at the site.
    """

    def __init__(self, model: CopModel, n_posts: int):
        self._model = model
        self._at: list[Practitioner | None] = [None] * n_posts

    def fill(self, posts: Iterable[int]) -> None:
        """Create the agents of newly filled posts."""
        for post in posts:
            self._at[post] = Practitioner(self._model, int(post))

    def vacate(self, posts: Iterable[int]) -> None:
        """Remove the agents of posts just left."""
        for post in posts:
            self._at[post].remove()
            self._at[post] = None

    def __getitem__(self, post: int) -> Practitioner | None:
        return self._at[post]

    def __iter__(self) -> Iterator[Practitioner | None]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


class Persons:
    """The Person agent of each place: a new agent whenever a new referral takes the place.

    Args:
        model: The model.
        n_places: Number of places (``site.people``).
    """

    def __init__(self, model: CopModel, n_places: int):
        self._model = model
        self._at: list[Person] = [Person(model, i) for i in range(n_places)]

    def replace(self, places: Iterable[int]) -> None:
        """New people take the given places (their predecessors' agents are removed)."""
        for place in places:
            self._at[place].remove()
            self._at[place] = Person(self._model, int(place))

    def __getitem__(self, place: int) -> Person:
        return self._at[place]

    def __iter__(self) -> Iterator[Person]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


class Person(mesa.Agent):
    """A person facing multiple needs and exclusions, in one of the site's places.

    Args:
        model: The model.
        index: Row of the person in the site's people arrays.
    """

    model: CopModel

    def __init__(self, model: CopModel, index: int):
        super().__init__(model)
        self.index = index

    @property
    def needs(self) -> dict[str, float]:
        """Level of need in each domain, in [0, 1]."""
        row = self.model.people.needs[self.index]
        return {d: float(v) for d, v in zip(DOMAINS, row, strict=True)}

    @property
    def severity(self) -> float:
        """New Directions Team-like severity, 0-48."""
        return float(self.model.people.severity[self.index])

    @property
    def engagement(self) -> float:
        """Engagement with services, in [0, 1]."""
        return float(self.model.people.engagement[self.index])

    @property
    def key_worker(self) -> Practitioner | None:
        """The person's key worker, or None while unallocated."""
        post = self.model.people.key_worker[self.index]
        return None if post < 0 else self.model.practitioners[post]

    @property
    def state(self) -> PersonState:
        """Crisis, unstable, stable (maintained) or recovered."""
        return PersonState(int(self.model.people.state[self.index]))

    @property
    def crises(self) -> int:
        """Crisis events so far."""
        return int(self.model.people.crisis_count[self.index])


class Brokers:
    """The brokers (facilitators) of the communities of practice, one per locality.

    Args:
        model: The model (a ``CopModel``, or seeds side by side).
        localities: Localities (of every replicate side by side).

    Attributes:
        bank: Facilitation hours set aside towards the next meeting, per locality.
        intro_credit: Fraction of an introduction carried to next week (every broker has
            the same hours, so the same credit).
        introductions: Introductions made so far, per locality.
        reviews: Joint case reviews brokered so far, per locality.
    """

    def __init__(self, model: Any, localities: int = 1):
        self.model = model
        self.bank = np.zeros(localities)
        self.intro_credit = 0.0
        self.units = 0  # units of outreach each broker has made (they number the next)
        self.introductions = np.zeros(localities, dtype=np.int64)
        self.reviews = np.zeros(localities, dtype=np.int64)

    @property
    def in_setup(self) -> bool:
        """Whether the set-up phase is still running."""
        return self.model.week <= self.model.p.brokerage.setup_weeks

    @property
    def funded(self) -> bool:
        """Whether the programme still pays the broker (and backfill) this week."""
        return self.model.week <= self.model.p.brokerage.funded_weeks


class Broker(Brokers, mesa.Agent):
    """:class:`Brokers` as a Mesa agent of a ``CopModel``."""

    model: CopModel

    def __init__(self, model: CopModel, localities: int = 1):
        mesa.Agent.__init__(self, model)
        Brokers.__init__(self, model, localities)


class Commissioner(mesa.Agent):
    """The commissioner: funds agencies and may learn from the CoP.

    Attributes:
        insight: What the commissioner knows of front-line reality, in [0, 1].
        funding_moved: Budget moved between agencies so far (in typical-agency budgets).
        funding_misdirected: Budget that went elsewhere than the true gaps would have sent
            it, summed over reviews (in typical-agency budgets).
    """

    model: CopModel

    def __init__(self, model: CopModel):
        super().__init__(model)
        self.insight = 0.0
        self.funding_moved = 0.0
        self.funding_misdirected = 0.0

    @property
    def engagement(self) -> float:
        """Engagement with the community of practice."""
        return self.model.p.nurture.commissioner_engagement
