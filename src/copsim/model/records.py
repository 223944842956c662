"""What a run records each week: the weekly table's outputs, declared once, and their recorder.

Each weekly output is a named module-level function of the model (as Mesa's DataCollector
expects), declared by :func:`weekly`; :data:`WEEKLY` lists them in the table's order and
``docs/outputs.md`` is generated from it. :class:`WeeklyCollector` records a run's week,
:func:`weekly_columns` every replicate's week side by side, and :func:`record_localities` a
region's per-locality levels. The summaries made from what was recorded are
:mod:`copsim.runs.outputs`'s.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from copsim.model.agents import PersonState
from copsim.model.mechanisms import knowledge, needs
from copsim.model.site import NEVER

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel
    from copsim.model.side_by_side import SideBySide

BURNOUT_AT_RISK = 0.5
"""Burnout above which a practitioner counts as 'at risk of burnout' (Homeless Link)."""


@dataclass(frozen=True)
class Output:
    """One output.

    Attributes:
        name: Column (weekly) or key (summary) name.
        unit: Unit, in words.
        kind: ``level`` (the state that week), ``cumulative`` (since week 0), ``flag`` (0/1)
            or ``summary``.
        description: One line on what it measures.
        reporter: For weekly outputs, the function of the model that reports it.
    """

    name: str
    unit: str
    kind: str
    description: str
    reporter: Callable[[CopModel], Any] | None = None


# --- weekly reporters -------------------------------------------------------------------
# Each reporter is declared by @weekly; its docstring is the output's description.

_WEEKLY: list[Output] = []


def weekly(unit: str, kind: str = "level") -> Callable[[Callable], Callable]:
    """Declare the decorated function of the model as a weekly output, in order."""

    def declare(reporter: Callable) -> Callable:
        description = inspect.getdoc(reporter).rstrip(".")
        _WEEKLY.append(Output(reporter.__name__, unit, kind, description, reporter))
        return reporter

    return declare


@weekly("week")
def week(m: CopModel) -> int:
    """Week of the run; 0 is the state at the end of burn-in."""
    return m.steps


@weekly("people")
def staff_in_post(m: CopModel) -> int:
    """Practitioners in post."""
    return int(m.posts.occupied.sum())


@weekly("posts")
def funded_posts(m: CopModel) -> int:
    """Posts funded by agency budgets."""
    return int(m.agencies.funded.sum())


@weekly("posts")
def vacancies(m: CopModel) -> int:
    """Funded posts with nobody in them."""
    return len(m.agencies.vacant_posts(m.posts))


@weekly("people", "cumulative")
def leavers(m: CopModel) -> int:
    """Practitioners who have left their agency (for another agency or the sector)."""
    return m.totals.leavers


@weekly("people", "cumulative")
def leavers_to_region(m: CopModel) -> int:
    """Leavers who moved to another agency of the region (region.move_rate)."""
    return m.totals.moved_in_region


@weekly("people", "cumulative")
def leavers_from_sector(m: CopModel) -> int:
    """Leavers who left the region's sector (leavers less leavers_to_region)."""
    return m.totals.leavers - m.totals.moved_in_region


@weekly("0-1")
def burnout_mean(m: CopModel) -> float:
    """Mean burnout of practitioners in post."""
    on = m.posts.occupied
    return float(m.posts.burnout[on].mean()) if on.any() else 0.0


@weekly("share")
def share_at_risk_of_burnout(m: CopModel) -> float:
    """Share of practitioners in post with burnout above 0.5 ('at risk of burnout')."""
    on = m.posts.occupied
    return float((m.posts.burnout[on] > BURNOUT_AT_RISK).mean()) if on.any() else 0.0


@weekly("ties")
def cross_agency_ties(m: CopModel) -> int:
    """Working ties between practitioners of different agencies."""
    return len(m.ties)


@weekly("0-1")
def cross_agency_trust(m: CopModel) -> float:
    """Mean trust of cross-agency ties."""
    return float(m.ties.view()[2].mean()) if len(m.ties) else 0.0


@weekly("localities", "level")
def cop_established(m: CopModel) -> int:
    """Localities whose CoP is established (measured, see ODD); for one site 0 or 1."""
    return m.cop.n_established


@weekly("people")
def cop_members(m: CopModel) -> int:
    """CoP members in post."""
    return int((m.posts.member & m.posts.occupied).sum())


@weekly("people")
def cop_attendance(m: CopModel) -> int:
    """Attendees at the most recent CoP meeting (of every locality's, in a region)."""
    return int(m.cop.attendance.sum())


@weekly("meetings", "cumulative")
def cop_meetings(m: CopModel) -> int:
    """CoP meetings held."""
    return m.totals.meetings


@weekly("0-1")
def knowledge_breadth(m: CopModel) -> float:
    """Mean knowledge of other agencies' domains among practitioners in post."""
    return knowledge.breadth(m)


@weekly("0-1")
def knowledge_breadth_participants(m: CopModel) -> float:
    """Knowledge breadth of practitioners in post who have attended a CoP meeting."""
    return knowledge.breadth(m, m.posts.last_attended > NEVER)


@weekly("0-1")
def knowledge_breadth_others(m: CopModel) -> float:
    """Knowledge breadth of practitioners in post who have never attended."""
    return knowledge.breadth(m, m.posts.last_attended == NEVER)


@weekly("share")
def unmet_need_share(m: CopModel) -> float:
    """Share of people's active needs that no agency supports."""
    active = m.people.needs > m.p.needs.threshold
    n = active.sum()
    return float((active & ~needs.supported(m)).sum() / n) if n else 0.0


def _state_count(m: CopModel, state: PersonState) -> int:
    return int((m.people.state == state).sum())


@weekly("people")
def people_in_crisis(m: CopModel) -> int:
    """People with a crisis in the last 4 weeks."""
    return _state_count(m, PersonState.CRISIS)


@weekly("people")
def people_unstable(m: CopModel) -> int:
    """People deteriorating, not in crisis."""
    return _state_count(m, PersonState.UNSTABLE)


@weekly("people")
def people_stable(m: CopModel) -> int:
    """People maintained: no deterioration over a quarter, not recovered."""
    return _state_count(m, PersonState.STABLE)


@weekly("people")
def people_recovered(m: CopModel) -> int:
    """People at or below needs.recovered_severity, not in crisis."""
    return _state_count(m, PersonState.RECOVERED)


@weekly("NDT points")
def severity_mean(m: CopModel) -> float:
    """Mean severity (0-48)."""
    return float(m.people.severity.mean()) if len(m.people) else 0.0


@weekly("people")
def people_unallocated(m: CopModel) -> int:
    """People without a key worker."""
    return int((m.people.key_worker < 0).sum())


@weekly("people", "cumulative")
def people_referred_in(m: CopModel) -> int:
    """People referred in, each taking a place someone left."""
    return m.totals.referrals_in


@weekly("people", "cumulative")
def people_discharged(m: CopModel) -> int:
    """People who left housed and discharged."""
    return m.totals.left_discharged


@weekly("people", "cumulative")
def people_moved_on(m: CopModel) -> int:
    """People who left services disengaged (moved on)."""
    return m.totals.left_moved_on


@weekly("people", "cumulative")
def people_to_prison(m: CopModel) -> int:
    """People who left for prison."""
    return m.totals.left_prison


@weekly("people", "cumulative")
def people_died(m: CopModel) -> int:
    """People who died."""
    return m.totals.left_died


@weekly("events", "cumulative")
def crisis_events(m: CopModel) -> int:
    """Crisis events of all kinds."""
    return m.totals.crisis_events


@weekly("referrals", "cumulative")
def referrals(m: CopModel) -> int:
    """Referrals made across agencies."""
    return m.totals.referrals


@weekly("referrals", "cumulative")
def referrals_accepted(m: CopModel) -> int:
    """Referrals accepted (joined-up responses)."""
    return m.totals.referrals_accepted


@weekly("people", "cumulative")
def exclusions(m: CopModel) -> int:
    """Failed referrals that excluded the person."""
    return m.totals.exclusions


@weekly("0-1")
def commissioner_insight(m: CopModel) -> float:
    """The commissioner's insight into front-line reality."""
    return m.commissioner.insight


@weekly("budgets", "cumulative")
def funding_moved(m: CopModel) -> float:
    """Agency budget moved by commissioning, in typical-agency budgets."""
    return m.commissioner.funding_moved


@weekly("GBP", "cumulative")
def programme_cost(m: CopModel) -> float:
    """Cost of brokerage and backfilled attendance."""
    return m.ledger.programme_cost


@weekly("GBP", "cumulative")
def crisis_cost(m: CopModel) -> float:
    """Cost of crisis events."""
    return m.ledger.crisis_cost


@weekly("GBP", "cumulative")
def turnover_cost(m: CopModel) -> float:
    """Cost of replacing leavers."""
    return m.ledger.turnover_cost


# Cost items for the appraisal (copsim.runs.appraisal), each at its unit cost's price year.


@weekly("GBP", "cumulative")
def broker_cost(m: CopModel) -> float:
    """Cost of broker hours."""
    return m.ledger.broker_cost


@weekly("GBP", "cumulative")
def backfill_cost(m: CopModel) -> float:
    """Cost of backfilling protected attendance."""
    return m.ledger.backfill_cost


@weekly("hours", "cumulative")
def staff_time_unbackfilled(m: CopModel) -> float:
    """Practitioners' hours in meetings that were not backfilled."""
    return m.ledger.unbackfilled_hours


@weekly("GBP", "cumulative")
def crisis_cost_ed_attendance(m: CopModel) -> float:
    """Cost of emergency department attendances."""
    return m.ledger.ed_attendance_cost


@weekly("GBP", "cumulative")
def crisis_cost_hospital_admission(m: CopModel) -> float:
    """Cost of emergency hospital admissions."""
    return m.ledger.hospital_admission_cost


@weekly("GBP", "cumulative")
def crisis_cost_arrest_custody(m: CopModel) -> float:
    """Cost of arrests and custody episodes."""
    return m.ledger.arrest_custody_cost


@weekly("GBP", "cumulative")
def crisis_cost_eviction_rough_sleeping(m: CopModel) -> float:
    """Cost of evictions and episodes of rough sleeping."""
    return m.ledger.eviction_rough_sleeping_cost


WEEKLY: tuple[Output, ...] = tuple(_WEEKLY)
"""The weekly table's columns, in order."""


def weekly_row(m: CopModel) -> dict[str, Any]:
    """Every weekly output of this week at once, equal to calling each reporter.

    The reporters above define the outputs one by one; this is the one row of
    :func:`weekly_columns`, which computes the same values (same types, same
    floating-point operations) sharing what they have in common. ``tests/test_model.py``
    checks they agree.
    """
    return {name: values[0] for name, values in weekly_columns(m).items()}


ARRAY_COLUMNS = (
    "staff_in_post",
    "funded_posts",
    "vacancies",
    "burnout_mean",
    "share_at_risk_of_burnout",
    "cross_agency_ties",
    "cross_agency_trust",
    "cop_established",
    "cop_members",
    "cop_attendance",
    "knowledge_breadth",
    "knowledge_breadth_participants",
    "knowledge_breadth_others",
    "unmet_need_share",
    "people_in_crisis",
    "people_unstable",
    "people_stable",
    "people_recovered",
    "severity_mean",
    "people_unallocated",
)
"""The weekly outputs :func:`_array_columns` computes from the arrays (the others read a
run's totals, accounts and commissioner: their reporters' values)."""


def _mean(x: np.ndarray) -> np.float64:
    """``x.mean()`` of a non-empty float array, the same value without np.mean's checks.

    np.mean of a float array is ``np.add.reduce`` over it divided by its length; calling
    that directly saves a few microseconds a call, which the weekly row makes often.
    """
    return np.add.reduce(x) / len(x)


def _each_mean(values: np.ndarray, counts: np.ndarray, scale: int = 1) -> list[float]:
    """Each replicate's mean of its run of ``values`` (``counts`` of them), over ``scale``.

    Each is reduced alone: numpy's pairwise sum of a part differs from a segmented sum
    (``np.add.reduceat`` adds in sequence), and a run alone reduces its whole array.
    """
    ends = np.cumsum(counts).tolist()
    parts = [values[start:end] for start, end in zip([0, *ends[:-1]], ends, strict=True)]
    return [float(_mean(part) / scale) if len(part) else 0.0 for part in parts]


def _ratios(num: np.ndarray, den: np.ndarray) -> list[float]:
    """Each replicate's ``num / den`` (0 where ``den`` is 0), as Python divides them."""
    return [n / d if d else 0.0 for n, d in zip(num.tolist(), den.tolist(), strict=True)]


def _array_columns(m: CopModel | SideBySide, names: set[str]) -> dict[str, list]:
    """Each replicate's value of the :data:`ARRAY_COLUMNS` in ``names``, all at once.

    Replicates lie end to end in equal blocks (:mod:`copsim.model.replicates`); counts are
    taken per block, float means on each replicate's own values in its own order, so each
    value is the one its reporter gives on that replicate alone. Means of flags are counts
    over lengths (np.mean sums them exactly as float64, then divides).
    """
    count = m.replicates
    posts, people, agencies = m.posts, m.people, m.agencies

    def per_block(values: np.ndarray) -> np.ndarray:
        return values.reshape(count, -1)

    def tally(mask: np.ndarray) -> np.ndarray:
        return np.count_nonzero(per_block(mask), axis=1)

    out: dict[str, list] = {}
    on = posts.occupied
    staff = tally(on)
    out["staff_in_post"] = staff.tolist()
    out["funded_posts"] = per_block(agencies.funded).sum(axis=1).tolist()
    if "vacancies" in names:
        in_post = np.bincount(posts.agency[on], minlength=len(agencies))
        room = np.minimum(np.maximum(0, agencies.funded - in_post), agencies.n_posts - in_post)
        out["vacancies"] = per_block(room).sum(axis=1).tolist()
    if names & {"burnout_mean", "share_at_risk_of_burnout"}:
        burnout = posts.burnout[on]
        out["burnout_mean"] = _each_mean(burnout, staff)
        at_risk = np.zeros(len(on), dtype=bool)
        at_risk[on] = burnout > BURNOUT_AT_RISK
        out["share_at_risk_of_burnout"] = _ratios(tally(at_risk), staff)
    if names & {"cross_agency_ties", "cross_agency_trust"}:
        a, _, trust, _ = m.ties.view()
        run = a // (len(posts) // count)
        ties = np.bincount(run, minlength=count)
        if count > 1:  # each replicate's ties in table order, as its own table has them
            trust = trust[np.argsort(run, kind="stable")]
        out["cross_agency_ties"] = ties.tolist()
        out["cross_agency_trust"] = _each_mean(trust, ties)
    out["cop_established"] = per_block(m.cop.established).sum(axis=1).tolist()
    out["cop_members"] = tally(posts.member & on).tolist()
    out["cop_attendance"] = per_block(m.cop.attendance).sum(axis=1).tolist()
    if names & {n for n in ARRAY_COLUMNS if n.startswith("knowledge")}:
        # Knowledge breadth: each post's knowledge of other domains, then means over subsets.
        k = posts.knowledge[on]
        own = agencies.domain[posts.agency[on]]
        other = np.add.reduce(k, axis=1) - k[np.arange(len(k)), own]
        width = k.shape[1] - 1
        attended = np.zeros(len(on), dtype=bool)
        attended[on] = posts.last_attended[on] > NEVER
        first = tally(attended)
        went = attended[on]
        out["knowledge_breadth"] = _each_mean(other, staff, width)
        out["knowledge_breadth_participants"] = _each_mean(other[went], first, width)
        out["knowledge_breadth_others"] = _each_mean(other[~went], staff - first, width)
    if "unmet_need_share" in names:
        active = people.needs > m.p.needs.threshold
        unmet = tally(active & ~needs.supported(m))
        out["unmet_need_share"] = _ratios(unmet, tally(active))
    if names & {"people_in_crisis", "people_unstable", "people_stable", "people_recovered"}:
        kinds = len(PersonState)
        shift = (np.arange(count) * kinds)[:, None]
        states = np.bincount((per_block(people.state) + shift).ravel(), minlength=count * kinds)
        states = states.reshape(count, kinds).T.tolist()
        out["people_in_crisis"] = states[PersonState.CRISIS]
        out["people_unstable"] = states[PersonState.UNSTABLE]
        out["people_stable"] = states[PersonState.STABLE]
        out["people_recovered"] = states[PersonState.RECOVERED]
    if "severity_mean" in names:
        # A row of a 2-D array reduces exactly as that row alone (pairwise, contiguous).
        severity = per_block(people.severity)
        means = severity.mean(axis=1).tolist() if len(people) else [0.0] * count
        out["severity_mean"] = means
    out["people_unallocated"] = tally(people.key_worker < 0).tolist()
    return out


def weekly_columns(m: CopModel | SideBySide, names: Sequence[str] | None = None) -> dict[str, list]:
    """Each replicate's value of every weekly output (or of ``names``) this week.

    A run alone has one replicate. Each value equals its reporter's on that replicate
    alone (same type, same floating-point operations): the outputs read from the arrays
    are computed for every replicate at once (:func:`_array_columns`); the rest read the
    week or a run's totals, accounts and commissioner, which side by side hold one value
    a replicate, so their reporters give every replicate's value at once.

    Returns:
        Output name to one value a replicate, in :data:`WEEKLY` order.
    """
    chosen = WEEKLY if names is None else [o for o in WEEKLY if o.name in names]
    wanted = {o.name for o in chosen}
    arrays = _array_columns(m, wanted & set(ARRAY_COLUMNS))
    rest = {}
    for o in chosen:
        if o.name not in arrays:
            # Side by side, totals, accounts and commissioner hold one value a replicate.
            value = o.reporter(m)
            rest[o.name] = (
                value.tolist() if isinstance(value, np.ndarray) else [value] * m.replicates
            )
    return {o.name: arrays[o.name] if o.name in arrays else rest[o.name] for o in chosen}


class WeeklyCollector(mesa.DataCollector):
    """Mesa's DataCollector of the weekly outputs, recording a week in one pass.

    Its reporters, ``model_vars`` and data frames are those of a DataCollector built from
    :data:`WEEKLY`; :meth:`collect` appends :func:`weekly_row` instead of calling (and
    deep-copying the result of) each reporter in turn.

    Args:
        columns: Record only these outputs, each by its reporter (a twin records what its
            outcome reads, :data:`copsim.runs.outputs.TWIN_COLUMNS`); by default every one.
    """

    def __init__(self, columns: Sequence[str] | None = None) -> None:
        chosen = [o for o in WEEKLY if columns is None or o.name in columns]
        super().__init__(model_reporters={o.name: o.reporter for o in chosen})
        self._columns = None if columns is None else [o.name for o in chosen]
        # The columns' lists, fetched once: a week then costs one append per output.
        self._appends = [self.model_vars[o.name].append for o in chosen]

    def collect(self, model: CopModel) -> None:
        """Record this week's row (the values of :func:`weekly_columns`, one replicate)."""
        if hasattr(self, "_collection_steps"):
            self._collection_steps.append(model.time)
        values = weekly_columns(model, self._columns).values()
        for append, (value,) in zip(self._appends, values, strict=True):
            append(value)


def record_localities(m: CopModel) -> None:
    """Add this week's per-locality levels to the run's locality tally (regions only)."""
    n_loc, posts, agencies, t = m.n_localities, m.posts, m.agencies, m.locality_totals
    loc, on = posts.locality, posts.occupied
    staff = posts.in_post_by_locality()
    funded = np.bincount(agencies.locality, agencies.funded, n_loc)
    vacant = np.bincount(loc[agencies.vacant_posts(posts)], minlength=n_loc)
    burnout = np.bincount(loc[on], posts.burnout[on], n_loc)
    active = m.people.needs > m.p.needs.threshold
    unmet = (active & ~needs.supported(m)).sum(axis=1)
    n_active = np.bincount(m.people.locality, active.sum(axis=1), n_loc)
    t.staff_weeks += staff
    t.funded_weeks += funded
    t.vacancy_share_weeks += vacant / np.maximum(funded, 1)
    t.burnout_weeks += burnout / np.maximum(staff, 1)
    t.unmet_weeks += np.bincount(m.people.locality, unmet, n_loc) / np.maximum(n_active, 1)
