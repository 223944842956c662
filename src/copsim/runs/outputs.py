"""Every output, declared once: the weekly table's columns and the run summary's fields.

``docs/outputs.md`` is generated from these declarations. Weekly reporters are named
module-level functions of the model, as Mesa's DataCollector expects.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
import pandas as pd

from copsim.model.agents import PersonState
from copsim.model.domains import DOMAINS
from copsim.model.mechanisms import cohort, economics, knowledge, needs
from copsim.model.site import NEVER
from copsim.runs import appraisal
from copsim.words import count

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel
    from copsim.model.parameters import Parameters
    from copsim.model.side_by_side import SideBySide
    from copsim.model.tally import Tally

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
            outcome reads, :data:`TWIN_COLUMNS`); by default every one.
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


# fmt: off
SUMMARY: tuple[Output, ...] = (
    Output("turnover_rate", "share/year", "summary",
           "Agency turnover: leavers from their agency (to another agency of the region or "
           "from the sector) a year over mean staff in post (weeks 1 to the end, as every "
           "summary over the run)"),
    Output("retention", "share", "summary",
           "Share of the practitioners in post at the start still in post at the end"),
    Output("leavers_to_region", "people", "summary",
           "Leavers who moved to another agency of the region (region.move_rate)"),
    Output("leavers_from_sector", "people", "summary",
           "Leavers who left the region's sector; with leavers_to_region, every leaver"),
    Output("locality_turnover_rate", "share/year", "summary",
           "Locality turnover: leavers from a locality's workforce (from the sector, or to "
           "another locality) a year over mean staff in post"),
    Output("region_turnover_rate", "share/year", "summary",
           "Region turnover: leavers from the sector a year over mean staff in post"),
    Output("locality_retention", "share", "summary",
           "Share of the practitioners in post at the start still in post in their "
           "locality at the end (in any of its agencies)"),
    Output("region_retention", "share", "summary",
           "Share of the practitioners in post at the start still in post in the region "
           "at the end (in any of its agencies)"),
    Output("vacancy_rate", "share", "summary", "Mean share of funded posts vacant"),
    Output("burnout_mean", "0-1", "summary", "Mean burnout over the run"),
    Output("crises_per_person_year", "events", "summary",
           "Crisis events per person-year followed (places are always full)"),
    Output("share_in_crisis", "share", "summary", "Share of people in crisis at the end"),
    Output("share_unstable", "share", "summary", "Share of people unstable at the end"),
    Output("share_stable", "share", "summary",
           "Share of people stable (maintained) at the end"),
    Output("share_recovered", "share", "summary", "Share of people recovered at the end"),
    Output("people_followed", "people", "summary",
           "People followed: those in place at week 0 and everyone referred in after"),
    Output("share_maintained", "share", "summary",
           "Share of people followed whose severity when follow-up ended (they left, or "
           "the run ended) was no higher than when it began (week 0, or their referral); "
           "leaving for prison or by death counts as not maintained"),
    Output("share_recovered_followed", "share", "summary",
           "Share of people followed at or below needs.recovered_severity when follow-up "
           "ended (prison and death count as not recovered)"),
    Output("severity_change", "NDT points", "summary",
           "Mean change in severity of a person over their follow-up"),
    Output("cross_agency_ties", "ties", "summary", "Cross-agency ties at the end"),
    Output("cross_agency_trust", "0-1", "summary", "Mean cross-agency trust at the end"),
    Output("knowledge_breadth_gain", "0-1", "summary",
           "Rise in knowledge breadth from start to end"),
    Output("knowledge_breadth_participants", "0-1", "summary",
           "Knowledge breadth at the end of those in post who have attended a meeting"),
    Output("knowledge_breadth_others", "0-1", "summary",
           "Knowledge breadth at the end of those in post who have never attended"),
    Output("unmet_need_share", "share", "summary",
           "Mean share of active needs unsupported over the run"),
    Output("cop_established", "localities", "summary",
           "Localities whose CoP is established at the end (0 or 1 for one site)"),
    Output("cop_established_week", "week", "summary",
           "First week a CoP was established (null if never)"),
    Output("weeks_established", "weeks", "summary",
           "Weeks the CoP was established (summed over localities in a region)"),
    Output("cop_meetings", "meetings", "summary", "CoP meetings held (in every locality)"),
    Output("cop_last_meeting_week", "week", "summary",
           "Last week a CoP meeting was held (null if none)"),
    Output("weeks_met_after_funding", "weeks", "summary",
           "Weeks from the end of brokerage.funded_weeks to the CoP's last meeting (0 if it "
           "held none after; at most the run's unfunded weeks; summed over localities)"),
    Output("cop_outlived_funding", "localities", "summary",
           "Localities whose CoP is still established at the end of a run that went on past "
           "its funding (0 if funding covers the whole run)"),
    Output("referral_success", "share", "summary", "Share of referrals accepted"),
    Output("exclusions", "people", "summary", "Failed referrals that excluded the person"),
    Output("funding_moved", "budgets", "summary", "Agency budget moved by commissioning"),
    Output("funding_misdirected", "budgets", "summary",
           "Budget that commissioning sent elsewhere than the same moves on the true unmet "
           "need would have (the cost of a noisy view; summed over reviews)"),
    Output("programme_cost", "GBP", "summary", "Cost of brokerage and backfill"),
    Output("crisis_cost", "GBP", "summary", "Cost of crisis events"),
    Output("turnover_cost", "GBP", "summary", "Cost of replacing leavers"),
    Output("crises_avoided", "events", "summary",
           "Crisis events of the no-CoP twin (same seed) less this run's (prevention)"),
    Output("leavers_avoided", "people", "summary",
           "Leavers of the no-CoP twin (same seed) less this run's"),
    Output("turnover_avoided", "share/year", "summary",
           "The no-CoP twin's turnover_rate less this run's"),
    Output("burnout_avoided", "0-1", "summary",
           "The no-CoP twin's burnout_mean less this run's"),
    Output("unmet_need_avoided", "share", "summary",
           "The no-CoP twin's unmet_need_share less this run's"),
    Output("net_benefit", "GBP", "summary",
           "Crisis and turnover costs avoided against the twin, less the programme cost"),
    Output("roi", "GBP per GBP", "summary",
           "Net benefit per GBP of programme cost (null without a programme cost)"),
    # The appraisal (docs/economics.md): present values in economics.price_year prices,
    # discounted at economics.discount_rate, against the twin, from economics.perspective.
    Output("horizon_weeks", "weeks", "summary", "Weeks the appraisal covers (the run)"),
    Output("programme_cost_pv", "GBP", "summary",
           "Discounted cost of brokerage, backfill and set-up"),
    Output("staff_time_cost_pv", "GBP", "summary",
           "Discounted opportunity cost of practitioners' unbackfilled meeting time"),
    Output("incremental_cost_pv", "GBP", "summary",
           "Discounted programme cost plus staff time: the CoP's incremental cost"),
    Output("savings_crises_pv", "GBP", "summary",
           "Discounted crisis costs avoided, of the bodies the perspective counts"),
    Output("savings_crises_health_pv", "GBP", "summary",
           "Discounted NHS crisis costs avoided (ED attendances, admissions)"),
    Output("savings_crises_housing_pv", "GBP", "summary",
           "Discounted local authority crisis costs avoided (evictions, rough sleeping)"),
    Output("savings_crises_justice_pv", "GBP", "summary",
           "Discounted criminal justice costs avoided (counted only by public_sector)"),
    Output("savings_turnover_pv", "GBP", "summary", "Discounted replacement costs avoided"),
    Output("savings_pv", "GBP", "summary", "Discounted savings counted: crises and turnover"),
    Output("net_benefit_pv", "GBP", "summary",
           "Discounted savings less discounted incremental cost, over the whole run"),
    Output("roi_pv", "GBP per GBP", "summary",
           "net_benefit_pv per GBP of incremental cost (null without a cost)"),
    Output("net_benefit_pv_y1", "GBP", "summary",
           "net_benefit_pv over the first year (null if the run is shorter)"),
    Output("net_benefit_pv_y2", "GBP", "summary",
           "net_benefit_pv over the first two years (null if the run is shorter)"),
    Output("net_benefit_pv_y3", "GBP", "summary",
           "net_benefit_pv over the first three years (null if the run is shorter)"),
)
# fmt: on


TWIN_MEANS = {
    "turnover_avoided": "turnover_rate",
    "burnout_avoided": "burnout_mean",
    "unmet_need_avoided": "unmet_need_share",
}
"""Summary keys that compare a run with its twin, and the value of each they compare."""


@dataclass(frozen=True)
class TwinOutcome:
    """What the summary needs of the no-CoP twin run."""

    ledger: economics.Ledger
    crisis_events: int
    leavers: int
    means: dict[str, float] = field(default_factory=dict)
    accounts: dict[str, float] = field(default_factory=dict)


def _means(leavers: int, weeks: int, weekly: pd.DataFrame) -> dict[str, float]:
    """Turnover, mean burnout and mean unmet need over weeks 1 to the end."""
    staff = max(weekly["staff_in_post"].iloc[1:].mean(), 1e-9)
    return {
        "turnover_rate": leavers / staff / (weeks / 52.0),
        "burnout_mean": float(weekly["burnout_mean"].iloc[1:].mean()),
        "unmet_need_share": float(weekly["unmet_need_share"].iloc[1:].mean()),
    }


TWIN_COLUMNS = (
    "staff_in_post",
    "burnout_mean",
    "unmet_need_share",
    "staff_time_unbackfilled",
    *(column for column, _ in appraisal.ITEMS.values()),
)
"""The weekly columns a twin's outcome reads (its means and its accounts)."""


def twin_outcome(model: CopModel, weekly: pd.DataFrame | None = None) -> TwinOutcome:
    """The parts of a finished run that serve as another run's twin.

    Args:
        model: The finished run.
        weekly: Its weekly table, if built already; else only :data:`TWIN_COLUMNS` are.
    """
    if weekly is None:
        # Built as weekly_table() builds each column (from the collector's lists), so the
        # means and accounts are the same as from the whole table.
        recorded = model.datacollector.model_vars
        weekly = pd.DataFrame({name: recorded[name] for name in TWIN_COLUMNS})
    return _twin(model.ledger, model.totals, model.p, weekly)


def _twin(
    ledger: economics.Ledger, totals: Tally, p: Parameters, weekly: pd.DataFrame
) -> TwinOutcome:
    return TwinOutcome(
        economics.Ledger(**vars(ledger)),
        totals.crisis_events,
        totals.leavers,
        _means(totals.leavers, p.weeks, weekly),
        appraisal.accounts(weekly, p.as_dict()),
    )


def twin_columns(m: SideBySide) -> dict[str, list]:
    """Each replicate's :data:`TWIN_COLUMNS` this week (a twin's reporters' values)."""
    return weekly_columns(m, TWIN_COLUMNS)


def twin_outcomes(m: SideBySide) -> list[TwinOutcome]:
    """The twin outcome of each replicate of a finished :class:`SideBySide` run."""
    each = zip(m.ledger.each(), m.totals.each(), m.weekly_tables(TWIN_COLUMNS), strict=True)
    return [_twin(ledger, totals, m.p, weekly) for ledger, totals, weekly in each]


def summarise(model: CopModel, weekly: pd.DataFrame, twin: TwinOutcome) -> dict[str, Any]:
    """The run summary (the keys of :data:`SUMMARY`), against the no-CoP twin."""
    years = model.p.weeks / 52.0
    people = max(len(model.people), 1)
    first, last = weekly.iloc[0], weekly.iloc[-1]
    funded = weekly["funded_posts"].to_numpy(float)[1:]
    posts = model.posts
    starters_left = int((posts.starter & posts.occupied).sum())
    in_locality = int((posts.locality_starter & posts.occupied).sum())
    in_region = int(((posts.origin >= 0) & posts.occupied).sum())
    followed, maintained, recovered, sev_change = cohort.follow_up(model)
    t, lt = model.totals, model.locality_totals
    cop, funded_weeks = model.cop, model.p.brokerage.funded_weeks
    means = _means(model.totals.leavers, model.p.weeks, weekly)
    staff = max(weekly["staff_in_post"].iloc[1:].mean(), 1e-9)
    out = {
        "turnover_rate": means["turnover_rate"],
        "retention": starters_left / max(model.initial_staff, 1),
        "leavers_to_region": t.moved_in_region,
        "leavers_from_sector": t.leavers - t.moved_in_region,
        "locality_turnover_rate": (t.leavers - t.moved_in_region + int(lt.moved_out.sum()))
        / staff
        / years,
        "region_turnover_rate": (t.leavers - t.moved_in_region) / staff / years,
        "locality_retention": in_locality / max(model.initial_staff, 1),
        "region_retention": in_region / max(model.initial_staff, 1),
        "vacancy_rate": float(np.mean(weekly["vacancies"].to_numpy(float)[1:] / funded)),
        "burnout_mean": means["burnout_mean"],
        "crises_per_person_year": t.crisis_events / people / years,
        "share_in_crisis": last["people_in_crisis"] / people,
        "share_unstable": last["people_unstable"] / people,
        "share_stable": last["people_stable"] / people,
        "share_recovered": last["people_recovered"] / people,
        "people_followed": followed,
        "share_maintained": maintained / followed if followed else 0.0,
        "share_recovered_followed": recovered / followed if followed else 0.0,
        "severity_change": sev_change / followed if followed else 0.0,
        "cross_agency_ties": int(last["cross_agency_ties"]),
        "cross_agency_trust": float(last["cross_agency_trust"]),
        "knowledge_breadth_gain": float(last["knowledge_breadth"] - first["knowledge_breadth"]),
        "knowledge_breadth_participants": float(last["knowledge_breadth_participants"]),
        "knowledge_breadth_others": float(last["knowledge_breadth_others"]),
        "unmet_need_share": means["unmet_need_share"],
        "cop_established": model.cop.n_established,
        "cop_established_week": model.cop.first_week,
        "weeks_established": int(model.cop.weeks_established.sum()),
        "cop_meetings": t.meetings,
        "cop_last_meeting_week": int(cop.last_meeting.max()) if cop.meetings.any() else None,
        "weeks_met_after_funding": int(cop.weeks_after_funding(funded_weeks).sum()),
        "cop_outlived_funding": int(cop.outlived_funding(funded_weeks, model.p.weeks).sum()),
        "referral_success": t.referrals_accepted / t.referrals if t.referrals else 0.0,
        "exclusions": t.exclusions,
        "funding_moved": model.commissioner.funding_moved,
        "funding_misdirected": model.commissioner.funding_misdirected,
        "programme_cost": model.ledger.programme_cost,
        "crisis_cost": model.ledger.crisis_cost,
        "turnover_cost": model.ledger.turnover_cost,
        "crises_avoided": twin.crisis_events - t.crisis_events,
        "leavers_avoided": twin.leavers - t.leavers,
        **{
            key: twin.means[k] - means[k] if k in twin.means else None
            for key, k in TWIN_MEANS.items()
        },
        "net_benefit": economics.net_benefit(model.ledger, twin.ledger),
        "roi": economics.roi(model.ledger, twin.ledger),
    }
    run_accounts = appraisal.accounts(weekly, model.p.as_dict())
    out.update(appraisal.appraise(run_accounts, twin.accounts, model.p.as_dict()))
    return {k: _plain(v) for k, v in out.items()}


def _plain(v: Any) -> Any:
    """Numpy scalars to Python ones, so the summary serialises to JSON as is."""
    if isinstance(v, np.generic):
        return v.item()
    return v


def summary_text(s: dict[str, Any]) -> str:
    """The run summary in a few lines, as ``copsim run`` prints it."""
    est = (
        f"CoP established in week {s['cop_established_week']} "
        f"(established for {count(s['weeks_established'], 'week')})"
        if s["cop_established_week"] is not None
        else "CoP never established"
    )
    if s.get("cop_outlived_funding"):
        est += "; still established after its funding ended"
    elif s.get("weeks_met_after_funding"):
        est += f"; met for {count(s['weeks_met_after_funding'], 'week')} after its funding ended"
    roi = "n/a" if s["roi"] is None else f"{s['roi']:.2f}"
    moves = (
        [
            f"  of {count(s['leavers_to_region'] + s['leavers_from_sector'], 'leaver')}, "
            f"{s['leavers_to_region']} moved to another agency of the region; region "
            f"turnover {s['region_turnover_rate']:.1%}/yr, region retention "
            f"{s['region_retention']:.0%}"
        ]
        if s.get("leavers_to_region")
        else []
    )
    return "\n".join(
        [
            f"  {est}; {count(s['cop_meetings'], 'meeting')}",
            f"  staff turnover {s['turnover_rate']:.1%}/yr, retention {s['retention']:.0%}, "
            f"vacancy rate {s['vacancy_rate']:.1%}, mean burnout {s['burnout_mean']:.2f}",
            *moves,
            f"  crises {s['crises_per_person_year']:.2f} per person-year "
            f"({s['crises_avoided']} avoided against no CoP); at the end stable "
            f"{s['share_stable']:.0%}, recovered {s['share_recovered']:.0%}; "
            f"{s['share_maintained']:.0%} of people followed no worse than when follow-up began",
            f"  programme cost GBP {s['programme_cost']:,.0f}; net benefit GBP "
            f"{s['net_benefit']:,.0f} (ROI {roi})",
        ]
    )


def established_within(established_week: Any, weeks: int) -> Any:
    """1.0 where the CoP was first established by week ``weeks``, else 0.0.

    Args:
        established_week: The summary's ``cop_established_week`` (None or NaN if never),
            a number or a pandas Series of them.
        weeks: The deadline, in weeks of the run.
    """
    if isinstance(established_week, pd.Series):
        return (established_week.astype(float) <= weeks).astype(float)
    never = established_week is None or established_week != established_week  # None or NaN
    return 0.0 if never else float(established_week <= weeks)


# --- per locality -----------------------------------------------------------------------

# fmt: off
LOCALITY_SUMMARY: tuple[Output, ...] = (
    Output("locality", "index", "summary", "The locality (0, 1, ...; a single site is 0)"),
    Output("name", "", "summary", "The area file's name, or the site preset's"),
    Output("staff_in_post", "people", "summary", "Mean staff in post over the run"),
    Output("funded_posts", "posts", "summary", "Mean funded posts over the run"),
    Output("turnover_rate", "share/year", "summary",
           "Agency turnover: leavers from the locality's agencies (wherever they went) a "
           "year over its mean staff in post"),
    Output("locality_turnover_rate", "share/year", "summary",
           "Leavers from the locality's workforce (from the sector, or to another "
           "locality) a year over its mean staff in post"),
    Output("region_turnover_rate", "share/year", "summary",
           "Leavers from the sector a year over its mean staff in post"),
    Output("retention", "share", "summary",
           "Share of its practitioners in post at the start still in the same post at the end"),
    Output("locality_retention", "share", "summary",
           "Share of them still in post in the locality at the end"),
    Output("region_retention", "share", "summary",
           "Share of them still in post in the region at the end (wherever)"),
    Output("leavers", "people", "summary", "Leavers from the locality's agencies"),
    Output("leavers_to_region", "people", "summary",
           "Of them, those who moved to another agency of the region"),
    Output("leavers_from_sector", "people", "summary",
           "Of them, those who left the sector"),
    Output("arrivals_from_localities", "people", "summary",
           "Practitioners who moved in from another locality"),
    Output("vacancy_rate", "share", "summary", "Mean share of its funded posts vacant"),
    Output("burnout_mean", "0-1", "summary", "Mean burnout of its staff over the run"),
    Output("crises_per_person_year", "events", "summary",
           "Crisis events of its people per person-year"),
    Output("unmet_need_share", "share", "summary",
           "Mean share of its people's active needs unsupported over the run"),
    Output("cop_established", "0/1", "summary", "Whether its CoP is established at the end"),
    Output("cop_established_week", "week", "summary",
           "First week its CoP was established (null if never)"),
    Output("weeks_established", "weeks", "summary", "Weeks its CoP was established"),
    Output("cop_meetings", "meetings", "summary", "Its CoP's meetings"),
    Output("weeks_met_after_funding", "weeks", "summary",
           "Weeks from the end of funding to its CoP's last meeting (0 if none after)"),
    Output("cop_outlived_funding", "0/1", "summary",
           "Whether its CoP is still established at the end of a run past its funding"),
)
# fmt: on


# fmt: off
AGENCY_SUMMARY: tuple[Output, ...] = (
    Output("agency", "index", "summary", "The agency (its row in the site's agencies)"),
    Output("name", "", "summary", "The area file's name for it, or its type and number"),
    Output("type", "", "summary", "The need domain it serves"),
    Output("locality", "index", "summary", "Its locality (0 for a single site)"),
    Output("funded_posts", "posts", "summary", "Funded posts at the end"),
    Output("staff_in_post", "people", "summary", "Mean staff in post over the run"),
    Output("leavers", "people", "summary", "Practitioners who left it, wherever they went"),
    Output("leavers_to_region", "people", "summary",
           "Of them, those who moved to another agency of the region"),
    Output("turnover_rate", "share/year", "summary",
           "Its leavers a year over its mean staff in post"),
    Output("retention", "share", "summary",
           "Share of its practitioners in post at the start still in post there at the end"),
)
# fmt: on


def agency_summaries(model: CopModel) -> list[dict[str, Any]]:
    """One summary per agency (the keys of :data:`AGENCY_SUMMARY`)."""
    agencies, posts, t = model.agencies, model.posts, model.agency_totals
    weeks, years = max(model.p.weeks, 1), model.p.weeks / 52.0
    staying = np.bincount(posts.agency[posts.starter & posts.occupied], minlength=len(agencies))
    # Each locality is a copy of the site: agency i is the site's agency i % per_locality.
    per_locality = len(agencies) // model.n_localities
    named = [a.name for a in model.area.agencies] if model.area is not None else None
    out = []
    for i in range(len(agencies)):
        domain = DOMAINS[agencies.domain[i]]
        k = i % per_locality
        name = named[k] if named is not None else f"{domain} {k // len(DOMAINS) + 1}"
        if model.n_localities > 1:
            name += f" (locality {int(agencies.locality[i]) + 1})"
        staff = t.staff_weeks[i] / weeks
        row = {
            "agency": i,
            "name": name,
            "type": domain,
            "locality": int(agencies.locality[i]),
            "funded_posts": int(agencies.funded[i]),
            "staff_in_post": float(staff),
            "leavers": int(t.leavers[i]),
            "leavers_to_region": int(t.leavers_to_region[i]),
            "turnover_rate": float(t.leavers[i] / max(staff, 1e-9) / years),
            "retention": float(staying[i] / max(model.initial_staff_by_agency[i], 1)),
        }
        out.append({k: _plain(v) for k, v in row.items()})
    return out


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


def locality_summaries(
    model: CopModel, weekly: pd.DataFrame, summary: dict[str, Any]
) -> list[dict[str, Any]]:
    """One summary per locality (the keys of :data:`LOCALITY_SUMMARY`).

    A single site's is its run summary's; a region's come from its locality tally.
    """
    name = model.area.name if model.area is not None else "site"
    if model.n_localities == 1:
        keys = [o.name for o in LOCALITY_SUMMARY]
        one = {k: summary[k] for k in keys if k in summary}
        moved = 0
        one.update(
            locality=0,
            name=name,
            staff_in_post=float(weekly["staff_in_post"].iloc[1:].mean()),
            funded_posts=float(weekly["funded_posts"].iloc[1:].mean()),
            leavers=model.totals.leavers,
            arrivals_from_localities=moved,
        )
        return [{k: _plain(one[k]) for k in keys}]
    n_loc, posts, t = model.n_localities, model.posts, model.locality_totals
    years, weeks = model.p.weeks / 52.0, max(model.p.weeks, 1)
    loc, on = posts.locality, posts.occupied
    initial = np.maximum(model.initial_staff_by_locality, 1)
    starters = np.bincount(loc[posts.starter & on], minlength=n_loc)
    in_locality = np.bincount(loc[posts.locality_starter & on], minlength=n_loc)
    in_region = np.bincount(posts.origin[(posts.origin >= 0) & on], minlength=n_loc)
    people = np.maximum(np.bincount(model.people.locality, minlength=n_loc), 1)
    staff = np.maximum(t.staff_weeks / weeks, 1e-9)
    by_agency, agency_locality = model.agency_totals, model.agencies.locality
    leavers = np.bincount(agency_locality, by_agency.leavers, n_loc).astype(np.int64)
    to_region = np.bincount(agency_locality, by_agency.leavers_to_region, n_loc).astype(np.int64)
    cop = model.cop
    after = cop.weeks_after_funding(model.p.brokerage.funded_weeks)
    outlived = cop.outlived_funding(model.p.brokerage.funded_weeks, model.p.weeks)
    out = []
    for where in range(n_loc):
        from_sector = int(leavers[where] - to_region[where])
        first = int(cop.first_established[where])
        row = {
            "locality": where,
            "name": f"{name} {where + 1}",
            "staff_in_post": float(t.staff_weeks[where] / weeks),
            "funded_posts": float(t.funded_weeks[where] / weeks),
            "turnover_rate": float(leavers[where] / staff[where] / years),
            "locality_turnover_rate": float(
                (from_sector + t.moved_out[where]) / staff[where] / years
            ),
            "region_turnover_rate": float(from_sector / staff[where] / years),
            "retention": float(starters[where] / initial[where]),
            "locality_retention": float(in_locality[where] / initial[where]),
            "region_retention": float(in_region[where] / initial[where]),
            "leavers": int(leavers[where]),
            "leavers_to_region": int(to_region[where]),
            "leavers_from_sector": from_sector,
            "arrivals_from_localities": int(t.moved_in[where]),
            "vacancy_rate": float(t.vacancy_share_weeks[where] / weeks),
            "burnout_mean": float(t.burnout_weeks[where] / weeks),
            "crises_per_person_year": float(t.crisis_events[where] / people[where] / years),
            "unmet_need_share": float(t.unmet_weeks[where] / weeks),
            "cop_established": int(cop.established[where]),
            "cop_established_week": first if first >= 0 else None,
            "weeks_established": int(cop.weeks_established[where]),
            "cop_meetings": int(cop.meetings[where]),
            "weeks_met_after_funding": int(after[where]),
            "cop_outlived_funding": int(outlived[where]),
        }
        out.append(row)
    return out
