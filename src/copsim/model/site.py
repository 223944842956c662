"""The state of one site: its agencies, posts and people, held as arrays.

The Mesa agents in :mod:`copsim.model.agents` are views onto rows of these arrays, so that the
weekly mechanisms can update every agent at once (vectorised) while each agent can still
be inspected, visualised and tested on its own.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from copsim.model.domains import DOMAIN_WEIGHTS, DOMAINS
from copsim.model.draws import BUILD_WEEK, Draws, winner
from copsim.model.parameters import Parameters
from copsim.model.ties import TieTable

if TYPE_CHECKING:
    from copsim.model.area import Area

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
        locality: The locality of the region the agency belongs to (0 for a single site).
        home_weight: Weight of the agency as a person's local agency for its domain among
            the agencies of that type in its locality (1 each for the presets; its posts
            for an area file).
        need_share: Per domain, the share of people referred in with that need active
            (an area file's ``people.needs``), or None for the presets' profile.
        names: The agencies' names (an area file's; the type otherwise).
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
    locality: np.ndarray = field(default=None)
    home_weight: np.ndarray = field(default=None)
    need_share: np.ndarray | None = None
    names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.domain)
        self.capacity = np.ones(n)
        self.manager_support = self.manager_base.copy()
        if self.locality is None:
            self.locality = np.zeros(n, dtype=np.int64)
        if self.home_weight is None:
            self.home_weight = np.ones(n, dtype=np.int64)
        if not self.names:
            self.names = [DOMAINS[d] for d in self.domain]
        self.n_localities = int(self.locality.max()) + 1 if n else 1
        self._home_table()

    def _home_table(self) -> None:
        """Each locality's agencies of each type, and their total home weight.

        ``home_agency[l, d, k]`` is the k-th agency of type d in locality l (-1 past the
        last) and ``home_total[l, d]`` their total home weight (0 where no agency of the
        type is there).
        """
        n_loc, n_dom = self.n_localities, len(DOMAINS)
        groups = [
            [np.flatnonzero((self.locality == loc) & (self.domain == d)) for d in range(n_dom)]
            for loc in range(n_loc)
        ]
        width = max(1, max(len(g) for row in groups for g in row))
        self.home_agency = np.full((n_loc, n_dom, width), -1, dtype=np.int64)
        self.home_total = np.zeros((n_loc, n_dom), dtype=np.int64)
        for loc, row in enumerate(groups):
            for d, members in enumerate(row):
                k = len(members)
                self.home_agency[loc, d, :k] = members
                self.home_total[loc, d] = self.home_weight[members].sum()
        # Each locality's first agency of each type (-1 where it has none).
        self.home_first = np.where(self.home_total > 0, self.home_agency[:, :, 0], -1)

    @property
    def served(self) -> np.ndarray:
        """Whether each locality has an agency of each type, shape (localities, domains)."""
        return self.home_total > 0

    def __len__(self) -> int:
        return len(self.domain)

    def post_domain(self, posts: Posts) -> np.ndarray:
        """The domain each post's agency serves (both fixed: computed once, then kept)."""
        return self.key_worker_domain(posts)[:-1]

    def key_worker_domain(self, posts: Posts) -> np.ndarray:
        """:meth:`post_domain` with one more entry, ``len(DOMAINS)``, at the end.

        Indexed by a person's key worker, it gives the domain of the key worker's agency,
        and ``len(DOMAINS)`` ("none") for the unallocated, whose key worker -1 indexes
        the last entry. Computed once, then kept, like :meth:`post_domain`.
        """
        cached = getattr(self, "_post_domain", None)
        if cached is None or cached[0] is not posts.agency:
            table = np.append(self.domain[posts.agency], len(DOMAINS))
            table.flags.writeable = False
            cached = self._post_domain = (posts.agency, table)
        return cached[1]

    def in_post(self, posts: Posts) -> np.ndarray:
        """Practitioners in post at each agency."""
        return np.bincount(posts.agency[posts.occupied], minlength=len(self))

    def vacant_posts(self, posts: Posts) -> np.ndarray:
        """The funded posts with nobody in them, ascending.

        An agency's vacancies are its first ``funded - in post`` empty posts (its posts are
        contiguous), so that hiring, the vacancy count and the demo's network agree.
        """
        # One row per agency: its block of posts (every block has n_posts posts).
        occupied = posts.occupied.reshape(len(self), self.n_posts)
        empty = ~occupied
        # seen: empty posts of the block up to each post; its last column counts them all,
        # so a block's open posts are funded - (n_posts - empty posts), without a row sum.
        seen = np.add.accumulate(empty, axis=1, dtype=np.intp)
        open_posts = self.funded - self.n_posts + seen[:, -1]
        # The k-th empty post of a block (k from 1) is a vacancy while k <= its open posts.
        vacant = empty & (seen <= open_posts[:, None])
        return vacant.ravel().nonzero()[0]

    def staff_of(self, posts: Posts, agency: int) -> np.ndarray:
        """Posts of ``agency`` with someone in them (O(its posts))."""
        start = int(self.first_post[agency])
        block = posts.occupied[start : start + self.n_posts]
        return block.nonzero()[0] + start


@dataclass
class Posts:
    """Per-post (practitioner slot) arrays; a post is occupied or vacant.

    A practitioner's ``identity`` word (:meth:`copsim.model.draws.Draws.identities`) keys
    their draws, and goes with them when they move to another post of the region; it is
    that of (post, hire number) for the post they were first hired into (0 for the staff
    at the start). ``hires`` counts each post's holders, movers included, and ``stint``
    is the word of (post, its holder's number): it keys a holder's time in that post.
    """

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
    locality: np.ndarray = field(default=None)  # the locality of each post's agency
    origin: np.ndarray = field(default=None)  # locality in post at week 0 (-1: none)
    locality_starter: np.ndarray = field(default=None)  # ... and in this locality since
    hires: np.ndarray = field(default=None)  # holders of each post so far (movers too)
    identity: np.ndarray = field(default=None)  # the post's practitioner's identity word
    stint: np.ndarray = field(default=None)  # the word of (post, holder number)

    def __post_init__(self) -> None:
        n = len(self.agency)
        if self.hires is None:
            self.hires = np.zeros(n, dtype=np.int64)
        if self.identity is None:
            self.identity = Draws(0).identities("practitioner", np.arange(n), n, self.hires)
        if self.stint is None:
            self.stint = self.identity.copy()
        self.caseload = np.zeros(n, dtype=np.int64)
        self.pressure = np.zeros(n)
        self.failed_week = np.zeros(n)
        self.crises_week = np.zeros(n)
        if self.locality is None:
            self.locality = np.zeros(n, dtype=np.int64)
        self.origin = np.where(self.starter, self.locality, -1)
        self.locality_starter = self.starter.copy()
        self.n_localities = int(self.locality.max()) + 1 if n else 1

    def __len__(self) -> int:
        return len(self.agency)

    def in_post_by_locality(self) -> np.ndarray:
        """Practitioners in post in each locality."""
        return np.bincount(self.locality[self.occupied], minlength=self.n_localities)


@dataclass
class People:
    """Per-place arrays for the people with multiple needs (an open cohort).

    Each row is a place; when its person leaves, the next referral takes it (a new person,
    see :mod:`copsim.model.mechanisms.cohort`). ``proneness`` is the person's crisis
    proneness (mean 1); ``entered`` the week they were referred in; ``followed_from`` their
    severity when follow-up began (week 0, or entry if later). ``referral`` is the person's
    number among the place's referrals (0 for the person there at the start) and
    ``identity`` the word keying their draws (:meth:`copsim.model.draws.Draws.identities`):
    a place's k-th referral is the same person, with the same profile and draws, whenever
    they arrive.
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
    shock: np.ndarray = None  # what is left of crises' rises in each need (fading ones)
    locality: np.ndarray = None  # each place's locality in the region
    referral: np.ndarray = None
    identity: np.ndarray = None

    def __len__(self) -> int:
        return len(self.engagement)


def agency_sizes(per: int, spread: float, order: np.ndarray) -> np.ndarray:
    """Establishments spread evenly from (1 - spread) to (1 + spread) x ``per``.

    The sizes keep the mean (up to rounding) so the site's total staff hardly depends on
    the spread; each is at least one post. ``order``: one keyed uniform per agency; the
    agency with the k-th smallest gets the k-th size (a shuffle that is each agency's own).
    """
    n = len(order)
    factors = np.linspace(1.0 - spread, 1.0 + spread, n) if n > 1 else np.ones(1)
    return np.maximum(1, np.rint(per * factors[np.argsort(np.argsort(order))])).astype(np.int64)


def build_agencies(p: Parameters, draws: Draws, area: Area | None = None) -> Agencies:
    """Create the region's agencies, locality by locality (one locality: a single site).

    Each locality is a copy of the site: ``site.agencies_per_type`` of each type with
    sizes spread as :func:`agency_sizes`, or the agencies of the area file ``area``.
    """
    n_loc = p.region.localities
    n = len(area.domains) if area is not None else len(DOMAINS) * p.site.agencies_per_type
    words = draws.all_identities("agency", n * n_loc)
    if area is None:
        per_locality = np.tile(np.arange(len(DOMAINS)), p.site.agencies_per_type)
        order = draws.uniform("site.size_order", BUILD_WEEK, words).reshape(n_loc, n)
        size = np.concatenate(
            [
                agency_sizes(p.site.practitioners_per_agency, p.site.agency_size_spread, row)
                for row in order
            ]
        )
        budget, given, weight, names = np.ones(n * n_loc), None, None, []
    else:
        per_locality = np.array(area.domains, dtype=np.int64)
        size = np.tile([a.posts for a in area.agencies], n_loc).astype(np.int64)
        budget = np.tile([a.budget for a in area.agencies], n_loc).astype(float)
        given = np.tile(
            [np.nan if a.manager_support is None else a.manager_support for a in area.agencies],
            n_loc,
        )
        weight = size.copy()
        names = [a.name for a in area.agencies] * n_loc
    domain = np.tile(per_locality, n_loc)
    total = len(domain)
    n_posts = int(np.ceil(size.max() * POST_HEADROOM))
    u = draws.uniform("site.manager", BUILD_WEEK, words)
    spread = p.site.manager_support_spread * (2.0 * u - 1.0)
    manager = np.clip(p.site.manager_support + spread, 0.0, 1.0)
    if given is not None:
        manager = np.where(np.isnan(given), manager, given)
    if n_loc > 1:
        names = [
            f"{name} ({loc + 1})"
            for name, loc in zip(
                names or [DOMAINS[d] for d in domain], np.repeat(np.arange(n_loc), n), strict=True
            )
        ]
    return Agencies(
        domain=domain,
        size=size,
        budget_share=budget,
        funded=size.copy(),
        first_post=np.arange(total) * n_posts,
        n_posts=n_posts,
        manager_base=manager,
        locality=np.repeat(np.arange(n_loc), n),
        home_weight=weight,
        need_share=None if area is None or area.needs is None else np.array(area.needs),
        names=names,
    )


def new_knowledge(p: Parameters, domain: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Knowledge rows for practitioners of agencies serving ``domain`` (one per row)."""
    k = np.full((len(domain), len(DOMAINS)), p.knowledge.other_domains * scale)
    k[np.arange(len(domain)), domain] = p.knowledge.own_domain * scale
    return k


def resilience(spread: float, z: np.ndarray) -> np.ndarray:
    """Lognormal resilience with mean 1 from standard normals: ``exp(s z - s^2 / 2)``."""
    return np.exp(spread * z - spread**2 / 2.0)


def staff_resilience(p: Parameters, z: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Resilience of staff already in post at the start of burn-in.

    Less resilient practitioners burn out and leave sooner, so staff in post are more
    resilient than hires. Hires' draws (``z``, standard normals, one a post) are resampled
    with weight ``(1 + (ratio - 1) B*(R))^-SETTLE_EXPONENT``, where ``B*(R) = f / (f + r R
    S)`` is the burnout at which a unit of demand balances recovery (``S`` with the mean
    manager support): post i takes the draw whose cumulative weight first exceeds
    ``u[i]`` of the total. The draws pooled are one locality's (:func:`build_posts`). The
    exponent is empirical: it matches the mean resilience in post after ten years of
    burn-in at the defaults (1.10, against 1.06 with exponent 1, the time in post alone),
    so that burn-in starts close to the steady state it then settles.
    """
    w = p.workforce
    draws = resilience(w.resilience_spread, z)
    support = 1.0 + p.nurture.manager_effect * p.site.manager_support
    settled = w.burnout_fill / (w.burnout_fill + w.burnout_recovery * draws * support)
    weight = np.cumsum((1.0 + (w.burnout_leave_ratio - 1.0) * settled) ** -SETTLE_EXPONENT)
    pick = np.searchsorted(weight, u * weight[-1], side="right")
    return draws[np.minimum(pick, len(draws) - 1)]


def _by_locality(rule, p: Parameters, locality: np.ndarray, *arrays: np.ndarray) -> np.ndarray:
    """``rule(p, *arrays)`` applied to each locality's elements on their own (contiguous).

    For rules that pool their elements (a resampling): each locality of a region then gets
    what the same site alone gets, whatever the other localities hold.
    """
    bounds = np.searchsorted(locality, np.arange(locality[-1] + 2)).tolist()
    parts = zip(bounds[:-1], bounds[1:], strict=True)
    return np.concatenate([rule(p, *(a[lo:hi] for a in arrays)) for lo, hi in parts])


def build_posts(p: Parameters, agencies: Agencies, draws: Draws) -> Posts:
    """Create every post; the first ``size`` posts of each agency are filled.

    Each post's first practitioner is hire number 0 of the post (:class:`Posts`).
    """
    n_ag, per = len(agencies), agencies.n_posts
    agency = np.repeat(np.arange(n_ag), per)
    occupied = np.tile(np.arange(per), n_ag) < agencies.size[agency]
    n = len(agency)
    hires = np.zeros(n, dtype=np.int64)
    words = draws.identities("practitioner", np.arange(n), n, hires)
    # Time in post: geometric at a 30%/yr leaving rate, near the steady state's spread
    # (failures before the first success, by the inverse CDF).
    u = draws.uniform("site.tenure", BUILD_WEEK, words)
    tenure = np.floor(np.log(u) / np.log(0.7 ** (1 / 52))).astype(np.int64)
    z = draws.normal("site.burnout", BUILD_WEEK, words)
    burnout = np.clip(p.workforce.initial_burnout + 0.1 * z, 0.0, 1.0)
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
        resilience=_by_locality(
            staff_resilience,
            p,
            agencies.locality[agency],
            draws.normal("site.resilience", BUILD_WEEK, words),
            draws.uniform("site.settle", BUILD_WEEK, words),
        ),
        locality=agencies.locality[agency],
        hires=hires,
        identity=words,
        stint=words.copy(),
    )


def crisis_proneness(cv: float, u: np.ndarray) -> np.ndarray:
    """Gamma-distributed proneness with mean 1 and coefficient of variation ``cv``.

    By the inverse CDF of keyed uniforms ``u``.
    """
    if cv <= 0:
        return np.ones(len(u))
    shape = 1.0 / cv**2
    return special.gammaincinv(shape, u) / shape


def home_agencies(
    agencies: Agencies, locality: np.ndarray, draws: Draws, words: np.ndarray
) -> np.ndarray:
    """Each person's local agency for each domain, shape (people, domains).

    One of the agencies of that type in the person's locality, with chance proportional to
    its home weight (:class:`Agencies`), by a keyed race among them; -1 where the locality
    has none of that type.
    """
    if agencies.home_agency.shape[2] == 1:
        # At most one agency of each type per locality: nothing to choose.
        return agencies.home_first.take(locality, axis=0)
    candidates = agencies.home_agency[locality]  # (people, domains, width)
    width = candidates.shape[2]
    weight = np.where(candidates >= 0, agencies.home_weight[candidates], 0)
    sub = np.arange(len(DOMAINS) * width).reshape(len(DOMAINS), width)
    keys = draws.race("referral.home", BUILD_WEEK, words[:, None, None], weight, sub)
    k = winner(keys)
    chosen = np.take_along_axis(candidates, k[..., None], axis=2)[..., 0]
    return np.where(k >= 0, chosen, -1)


BETA_ORDER = (4, 7)
"""The level of an active need at entry is Beta(4, 4): the 4th smallest of 7 uniforms."""


@functools.cache
def _profile_columns(n_dom: int) -> tuple[tuple[str, int], ...]:
    """The draws of a referral's profile, in :func:`entry_profile`'s order of columns."""
    m = BETA_ORDER[1]
    return (
        *(("referral.active", d) for d in range(n_dom)),
        *(("referral.level", j) for j in range(n_dom * m)),
        *(("referral.quiet", d) for d in range(n_dom)),
        ("referral.engagement", 0),
        ("referral.proneness", 0),
    )


def entry_profile(
    p: Parameters,
    agencies: Agencies,
    draws: Draws,
    words: np.ndarray,
    locality: np.ndarray | int = 0,
) -> dict[str, np.ndarray]:
    """Needs, engagement, home agencies and crisis proneness of people referred in.

    Each domain is active with a probability proportional to its weight, scaled so the
    expected number of active domains is needs.domains_per_person (or, for an area file
    that gives them, with the file's shares); at least one is. Every value is drawn from
    the person's identity word alone (``words``, one a person), whenever they arrive.

    Args:
        p: The parameters.
        agencies: The region's agencies.
        draws: The run's draws.
        words: Each person's identity word.
        locality: The locality of each (or every) person.
    """
    n, n_dom = len(words), len(DOMAINS)
    locality = np.broadcast_to(np.asarray(locality, dtype=np.int64), (n,))
    if agencies.need_share is None:
        weights = DOMAIN_WEIGHTS
        prob = _domain_prob(p.needs.domains_per_person)
    else:
        weights = prob = agencies.need_share
    k, m = BETA_ORDER
    u = draws.uniforms(_profile_columns(n_dom), BUILD_WEEK, words)  # all at once
    active = u[:, :n_dom] < prob
    none = ~active.any(axis=1)
    active[none, weights.argmax()] = True
    beta = u[:, n_dom : n_dom * (1 + m)].reshape(n, n_dom, m)
    beta = np.partition(beta, k - 1, axis=2)[:, :, k - 1]
    spread = 1.0 - p.needs.initial_level
    level = p.needs.initial_level + spread * (beta - 0.5)
    quiet = p.needs.threshold * 0.8 * u[:, n_dom * (1 + m) : n_dom * (2 + m)]
    engagement = 0.3 + 0.5 * u[:, -2]
    u = u[:, -1]
    return {
        "needs": np.where(active, level, quiet).clip(0.0, 1.0),
        "engagement": engagement,
        "home_agency": home_agencies(agencies, locality, draws, words),
        "proneness": crisis_proneness(p.needs.crisis_proneness_cv, u),
    }


@functools.lru_cache(maxsize=16)
def _domain_prob(domains_per_person: float) -> np.ndarray:
    """Each domain's chance of being active at entry, weights scaled to the mean number."""
    prob = (DOMAIN_WEIGHTS * domains_per_person / DOMAIN_WEIGHTS.sum()).clip(0, 1)
    prob.flags.writeable = False
    return prob


def build_people(p: Parameters, agencies: Agencies, draws: Draws) -> People:
    """Create the people in the region's places at the start of burn-in.

    Each locality has ``site.people`` places, in locality order; each place's person is
    its referral number 0.
    """
    n_loc = agencies.n_localities
    n, n_dom = p.site.people * n_loc, len(DOMAINS)
    locality = np.repeat(np.arange(n_loc), p.site.people)
    referral = np.zeros(n, dtype=np.int64)
    words = draws.identities("person", np.arange(n), n, referral)
    profile = entry_profile(p, agencies, draws, words, locality)
    return People(
        **profile,
        locality=locality,
        referral=referral,
        identity=words,
        key_worker=np.full(n, -1, dtype=np.int64),
        # Weeks fit 32 bits, and a need's weeks are compared every week: half the bytes.
        supported_until=np.full((n, n_dom), NEVER, dtype=np.int32),
        excluded_until=np.full((n, n_dom), NEVER, dtype=np.int32),
        last_crisis=np.full(n, NEVER, dtype=np.int64),
        severity_history=np.zeros((n, SEVERITY_HISTORY)),
        state=np.zeros(n, dtype=np.int8),
        crisis_count=np.zeros(n, dtype=np.int64),
        severity=np.zeros(n),
        entered=np.full(n, NEVER, dtype=np.int64),
        followed_from=np.zeros(n),
        shock=np.zeros((n, n_dom)),
    )


def build_initial_ties(p: Parameters, posts: Posts, week: int, draws: Draws) -> TieTable:
    """Create the cross-agency ties present at the start, at the site's baseline trust.

    Each practitioner initiates Poisson(history x site.cross_ties_per_practitioner / 2)
    ties to random practitioners of their locality (ties that land in their own agency
    are dropped), so a practitioner's mean number of cross-agency ties is about history x
    that parameter, each at trust equal to the history. The count is each practitioner's
    own keyed draw (by the inverse CDF) and each tie's other end a keyed race among the
    locality's practitioners.
    """
    ties = TieTable()
    filled = np.flatnonzero(posts.occupied)
    history = p.site.joint_working_history
    words = posts.identity[filled]
    u = draws.uniform("site.ties.count", BUILD_WEEK, words)
    k = _poisson_quantile(history * p.site.cross_ties_per_practitioner / 2, u)
    src = np.repeat(filled, k)
    if len(src) == 0:
        return ties
    # The j-th tie of each practitioner: a race over the filled posts of its locality.
    j = np.arange(len(src)) - np.repeat(np.cumsum(k) - k, k)
    loc = posts.locality[filled]
    same = posts.locality[src][:, None] == loc[None, :]
    event = draws.bits("site.ties.target", BUILD_WEEK, posts.identity[src], j)
    keys = draws.race("site.ties.target", BUILD_WEEK, event[:, None] ^ words[None, :])
    keys[~same] = np.inf
    dst = filled[keys.argmin(axis=1)]
    cross = posts.agency[src] != posts.agency[dst]
    ties.add(src[cross], dst[cross], history, week)
    return ties


def _poisson_quantile(mean: float, u: np.ndarray) -> np.ndarray:
    """The Poisson(``mean``) quantile of each of ``u``: the fewest k with CDF(k) >= u."""
    k = np.zeros(len(u), dtype=np.int64)
    if mean <= 0:
        return k
    pmf = cdf = np.exp(-mean)
    j = 0
    while pmf > 0 and (u > cdf).any():
        k += u > cdf
        j += 1
        pmf *= mean / j
        cdf += pmf
    return k
