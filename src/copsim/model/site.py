"""The state of one site: its agencies, posts and people, held as arrays.

The Mesa agents in :mod:`copsim.model.agents` are views onto rows of these arrays, so that the
weekly mechanisms can update every agent at once (vectorised) while each agent can still
be inspected, visualised and tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from copsim.model.domains import DOMAIN_WEIGHTS, DOMAINS
from copsim.model.parameters import Parameters
from copsim.model.ties import TieTable

NEVER = -(10**6)
"""Week stamp meaning 'never happened'."""

SEVERITY_HISTORY = 13
"""Weeks of severity history kept to judge maintenance (a quarter)."""

SETTLE_EXPONENT = 1.6
"""Selection on resilience of the staff in post at the start (see staff_resilience)."""

# Posts per agency are reserved for up to this many times the typical establishment, so
# that budget rises and commissioner moves can fund posts without reallocating arrays.
POST_HEADROOM = 2.5


@dataclass
class Agencies:
    """Per-agency arrays.

    Attributes:
        domain: Need domain the agency serves (index into DOMAINS).
        size: Posts the agency funds at a budget of 1 and a typical share (its
            establishment); sizes differ (``site.agency_size_spread``).
        budget_share: Relative budget set by commissioning (mean 1, weighted by size).
        funded: Funded posts this week.
        first_post: Index of the agency's first post; its posts are contiguous.
        n_posts: Posts reserved for each agency (one block size for all, so that every
            agency's block is contiguous and of the same length).
        manager_base: The support its managers give without the programme (0-1).
        manager_support: Its managers' support this week: the base, raised by nurture while
            the agency takes part in the CoP (refreshed weekly by workforce).
        capacity: Share of referrals the agency can take on this week (1 = no limit),
            refreshed weekly by casework.
    """

    domain: np.ndarray
    size: np.ndarray
    budget_share: np.ndarray
    funded: np.ndarray
    first_post: np.ndarray
    n_posts: int
    manager_base: np.ndarray
    manager_support: np.ndarray = field(default=None)
    capacity: np.ndarray = field(default=None)

    def __post_init__(self) -> None:
        self.capacity = np.ones(len(self.domain))
        self.manager_support = self.manager_base.copy()

    def __len__(self) -> int:
        return len(self.domain)

    def in_post(self, posts: Posts) -> np.ndarray:
        """Practitioners in post at each agency."""
        return np.bincount(posts.agency[posts.occupied], minlength=len(self))

    def vacant_posts(self, posts: Posts) -> np.ndarray:
        """The funded posts with nobody in them, ascending.

        An agency's vacancies are its first ``funded - in post`` empty posts (its posts are
        contiguous), so that hiring, the vacancy count and the demo's network agree.
        """
        open_posts = np.maximum(0, self.funded - self.in_post(posts))
        empty = np.flatnonzero(~posts.occupied)
        ag = posts.agency[empty]
        rank = np.arange(len(empty)) - np.searchsorted(ag, ag)
        return empty[rank < open_posts[ag]]

    def staff_of(self, posts: Posts, agency: int) -> np.ndarray:
        """Posts of ``agency`` with someone in them (O(its posts))."""
        start = int(self.first_post[agency])
        block = posts.occupied[start : start + self.n_posts]
        return np.flatnonzero(block) + start

    def pick_in_post(
        self, posts: Posts, agencies: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """One random practitioner in post at each given agency (-1 where none)."""
        out = np.full(len(agencies), -1, dtype=np.int64)
        u = rng.random(len(agencies))
        for i, agency in enumerate(agencies):
            staff = self.staff_of(posts, agency)
            if len(staff):
                out[i] = staff[int(u[i] * len(staff))]
        return out


@dataclass
class Posts:
    """Per-post (practitioner slot) arrays; a post is occupied or vacant."""

    agency: np.ndarray
    occupied: np.ndarray
    burnout: np.ndarray
    tenure: np.ndarray
    knowledge: np.ndarray
    starter: np.ndarray
    member: np.ndarray
    missed: np.ndarray
    last_attended: np.ndarray
    resilience: np.ndarray
    caseload: np.ndarray = field(default=None)  # people key-worked, refreshed weekly
    pressure: np.ndarray = field(default=None)  # caseload over the standard, refreshed weekly
    failed_week: np.ndarray = field(default=None)
    crises_week: np.ndarray = field(default=None)

    def __post_init__(self) -> None:
        n = len(self.agency)
        self.caseload = np.zeros(n, dtype=np.int64)
        self.pressure = np.zeros(n)
        self.failed_week = np.zeros(n)
        self.crises_week = np.zeros(n)

    def __len__(self) -> int:
        return len(self.agency)


@dataclass
class People:
    """Per-place arrays for the people with multiple needs (an open cohort).

    Each row is a place; when its person leaves, the next referral takes it (a new person,
    see :mod:`copsim.model.mechanisms.cohort`). ``proneness`` is the person's crisis
    proneness (mean 1); ``entered`` the week they were referred in; ``followed_from`` their
    severity when follow-up began (week 0, or entry if later).
    """

    needs: np.ndarray
    engagement: np.ndarray
    key_worker: np.ndarray
    home_agency: np.ndarray
    supported_until: np.ndarray
    excluded_until: np.ndarray
    last_crisis: np.ndarray
    severity_history: np.ndarray
    state: np.ndarray
    crisis_count: np.ndarray
    severity: np.ndarray
    proneness: np.ndarray
    entered: np.ndarray
    followed_from: np.ndarray
    queue: Any = None  # each place's future referrals (cohort.ReferralQueue)

    def __len__(self) -> int:
        return len(self.engagement)


def agency_sizes(per: int, spread: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Establishments spread evenly from (1 - spread) to (1 + spread) x ``per``, shuffled.

    The sizes keep the mean (up to rounding) so the site's total staff hardly depends on
    the spread; each is at least one post.
    """
    factors = np.linspace(1.0 - spread, 1.0 + spread, n) if n > 1 else np.ones(1)
    return np.maximum(1, np.rint(per * rng.permutation(factors))).astype(np.int64)


def build_agencies(p: Parameters, rng: np.random.Generator) -> Agencies:
    """Create the site's agencies: ``site.agencies_per_type`` of each type."""
    n_types = len(DOMAINS)
    domain = np.tile(np.arange(n_types), p.site.agencies_per_type)
    n = len(domain)
    size = agency_sizes(p.site.practitioners_per_agency, p.site.agency_size_spread, n, rng)
    n_posts = int(np.ceil(size.max() * POST_HEADROOM))
    spread = p.site.manager_support_spread * (2.0 * rng.random(n) - 1.0)
    return Agencies(
        domain=domain,
        size=size,
        budget_share=np.ones(n),
        funded=size.copy(),
        first_post=np.arange(n) * n_posts,
        n_posts=n_posts,
        manager_base=np.clip(p.site.manager_support + spread, 0.0, 1.0),
    )


def new_knowledge(p: Parameters, domain: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Knowledge rows for practitioners of agencies serving ``domain`` (one per row)."""
    k = np.full((len(domain), len(DOMAINS)), p.knowledge.other_domains * scale)
    k[np.arange(len(domain)), domain] = p.knowledge.own_domain * scale
    return k


def resilience(spread: float, z: np.ndarray) -> np.ndarray:
    """Lognormal resilience with mean 1 from standard normals: ``exp(s z - s^2 / 2)``."""
    return np.exp(spread * z - spread**2 / 2.0)


def staff_resilience(p: Parameters, n: int, rng: np.random.Generator) -> np.ndarray:
    """Resilience of staff already in post at the start of burn-in.

    Less resilient practitioners burn out and leave sooner, so staff in post are more
    resilient than hires. Hires' draws are resampled with weight ``(1 + (ratio - 1)
    B*(R))^-SETTLE_EXPONENT``, where ``B*(R) = f / (f + r R S)`` is the burnout at which
    a unit of demand balances recovery (``S`` with the mean manager support). The exponent
    is empirical: it matches the mean resilience in post after ten years of burn-in at the
    defaults (1.10, against 1.06 with exponent 1, the time in post alone), so that burn-in
    starts close to the steady state it then settles.
    """
    w = p.workforce
    draws = resilience(w.resilience_spread, rng.standard_normal(n))
    support = 1.0 + p.nurture.manager_effect * p.site.manager_support
    settled = w.burnout_fill / (w.burnout_fill + w.burnout_recovery * draws * support)
    weight = (1.0 + (w.burnout_leave_ratio - 1.0) * settled) ** -SETTLE_EXPONENT
    return draws[rng.choice(n, size=n, p=weight / weight.sum())]


def build_posts(p: Parameters, agencies: Agencies, rng: np.random.Generator) -> Posts:
    """Create every post; the first ``size`` posts of each agency are filled."""
    n_ag, per = len(agencies), agencies.n_posts
    agency = np.repeat(np.arange(n_ag), per)
    occupied = np.tile(np.arange(per), n_ag) < agencies.size[agency]
    n = len(agency)
    # Time in post: geometric at a 30%/yr leaving rate, near the steady state's spread.
    tenure = rng.geometric(1.0 - 0.7 ** (1 / 52), size=n) - 1
    burnout = np.clip(rng.normal(p.workforce.initial_burnout, 0.1, size=n), 0.0, 1.0)
    return Posts(
        agency=agency,
        occupied=occupied,
        burnout=np.where(occupied, burnout, 0.0),
        tenure=np.where(occupied, tenure, 0),
        knowledge=new_knowledge(p, agencies.domain[agency]),
        starter=occupied.copy(),
        member=np.zeros(n, dtype=bool),
        missed=np.zeros(n, dtype=np.int64),
        last_attended=np.full(n, NEVER, dtype=np.int64),
        resilience=staff_resilience(p, n, rng),
    )


def crisis_proneness(cv: float, rng: np.random.Generator, n: int) -> np.ndarray:
    """Gamma-distributed proneness with mean 1 and coefficient of variation ``cv``."""
    if cv <= 0:
        return np.ones(n)
    shape = 1.0 / cv**2
    return rng.gamma(shape, 1.0 / shape, size=n)


def entry_profile(
    p: Parameters, agencies: Agencies, n: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Needs, engagement, home agencies and crisis proneness of ``n`` people referred in.

    Each domain is active with a probability proportional to its weight, scaled so the
    expected number of active domains is needs.domains_per_person; at least one is.
    """
    n_dom = len(DOMAINS)
    prob = np.clip(DOMAIN_WEIGHTS * p.needs.domains_per_person / DOMAIN_WEIGHTS.sum(), 0, 1)
    active = rng.random((n, n_dom)) < prob
    none = ~active.any(axis=1)
    active[none, np.argmax(DOMAIN_WEIGHTS)] = True
    spread = 1.0 - p.needs.initial_level
    level = p.needs.initial_level + spread * (rng.beta(4, 4, size=(n, n_dom)) - 0.5)
    quiet = rng.uniform(0, p.needs.threshold * 0.8, size=(n, n_dom))
    # The person's local agency for each domain: one of the agencies of that type.
    per_type = len(agencies) // n_dom
    return {
        "needs": np.clip(np.where(active, level, quiet), 0.0, 1.0),
        "engagement": rng.uniform(0.3, 0.8, size=n),
        "home_agency": rng.integers(0, per_type, size=(n, n_dom)) * n_dom + np.arange(n_dom),
        "proneness": crisis_proneness(p.needs.crisis_proneness_cv, rng, n),
    }


def build_people(p: Parameters, agencies: Agencies, rng: np.random.Generator) -> People:
    """Create the people in the site's places at the start of burn-in."""
    n, n_dom = p.site.people, len(DOMAINS)
    profile = entry_profile(p, agencies, n, rng)
    return People(
        **profile,
        key_worker=np.full(n, -1, dtype=np.int64),
        supported_until=np.full((n, n_dom), NEVER, dtype=np.int64),
        excluded_until=np.full((n, n_dom), NEVER, dtype=np.int64),
        last_crisis=np.full(n, NEVER, dtype=np.int64),
        severity_history=np.zeros((n, SEVERITY_HISTORY)),
        state=np.zeros(n, dtype=np.int8),
        crisis_count=np.zeros(n, dtype=np.int64),
        severity=np.zeros(n),
        entered=np.full(n, NEVER, dtype=np.int64),
        followed_from=np.zeros(n),
    )


def build_initial_ties(
    p: Parameters, posts: Posts, week: int, rng: np.random.Generator
) -> TieTable:
    """Create the cross-agency ties present at the start, at the site's baseline trust.

    Each practitioner initiates Poisson(history x site.cross_ties_per_practitioner / 2)
    ties to random practitioners (ties that land in their own agency are dropped), so a
    practitioner's mean number of cross-agency ties is about history x that parameter,
    each at trust equal to the history.
    """
    ties = TieTable()
    filled = np.flatnonzero(posts.occupied)
    history = p.site.joint_working_history
    k = rng.poisson(history * p.site.cross_ties_per_practitioner / 2, size=len(filled))
    src = np.repeat(filled, k)
    dst = filled[rng.integers(0, len(filled), size=len(src))] if len(filled) else src
    cross = posts.agency[src] != posts.agency[dst]
    ties.add(src[cross], dst[cross], history, week)
    return ties
