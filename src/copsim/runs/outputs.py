"""The summaries of a run, made from what it recorded.

The run summary and its fields, the no-CoP twin's outcome, and the summaries per locality
and per agency. Each field is declared once (an :class:`~copsim.model.records.Output`);
``docs/outputs.md`` is generated from these declarations and from the weekly outputs the
model records (:mod:`copsim.model.records`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from copsim.model.domains import DOMAINS
from copsim.model.mechanisms import cohort, economics
from copsim.model.records import Output, weekly_columns
from copsim.runs import appraisal
from copsim.words import count

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel
    from copsim.model.parameters import Parameters
    from copsim.model.side_by_side import SideBySide
    from copsim.model.tally import Tally


# fmt: off
SUMMARY: tuple[Output, ...] = (
    Output("turnover_rate", "share/year", "summary",
           "Agency turnover: leavers from their agency (to another agency of the region or "
           "from the sector) a year over mean staff in post (weeks 1 to the end, as every "
           "summary over the run)"),
    Output("expected_turnover_rate", "share/year", "summary",
           "turnover_rate as the leaving hazards make it on average: each week's leaving "
           "probabilities of the staff in post, summed, a year over mean staff in post. The "
           "same mean as turnover_rate without the luck of who drew below their hazard, so a "
           "paired comparison of it is far less noisy (docs/analysis.md)"),
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
    Output("share_at_risk_of_burnout_mean", "share", "summary",
           "Mean over weeks 1 to the end of the weekly share_at_risk_of_burnout (staff in "
           "post with burnout above 0.5)"),
    Output("drug_alcohol_turnover_rate", "share/year", "summary",
           "Agency turnover of the drugs and alcohol (substance_use) agencies: their "
           "leavers a year over their mean staff in post (null without such agencies)"),
    Output("drug_alcohol_under_a_year", "share", "summary",
           "Share of the staff in post at drugs and alcohol agencies at the end who have "
           "been in post under 52 weeks (null without such staff)"),
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
    Output("expected_turnover_avoided", "share/year", "summary",
           "The no-CoP twin's expected_turnover_rate less this run's"),
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
    "expected_turnover_avoided": "expected_turnover_rate",
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


def _means(totals: Tally, weeks: int, weekly: pd.DataFrame) -> dict[str, float]:
    """Turnover (realised and expected), mean burnout and mean unmet need, weeks 1 to the end."""
    staff = max(weekly["staff_in_post"].iloc[1:].mean(), 1e-9)
    return {
        "turnover_rate": totals.leavers / staff / (weeks / 52.0),
        "expected_turnover_rate": totals.expected_leavers / staff / (weeks / 52.0),
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
        _means(totals, p.weeks, weekly),
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
    means = _means(model.totals, model.p.weeks, weekly)
    staff = max(weekly["staff_in_post"].iloc[1:].mean(), 1e-9)
    out = {
        "turnover_rate": means["turnover_rate"],
        "expected_turnover_rate": means["expected_turnover_rate"],
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
        "share_at_risk_of_burnout_mean": float(weekly["share_at_risk_of_burnout"].iloc[1:].mean()),
        **_drug_alcohol(model),
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


def share_under_a_year(model: CopModel, domain: int) -> float:
    """Share of staff in post at agencies of ``domain`` who have been in post under a year.

    NaN without such staff.
    """
    posts = model.posts
    staff = posts.occupied & (model.agencies.domain[posts.agency] == domain)
    return float((posts.tenure[staff] < 52).mean()) if staff.any() else float("nan")


def _drug_alcohol(model: CopModel) -> dict[str, float | None]:
    """Turnover and the share under a year in post of the drugs and alcohol agencies."""
    domain = DOMAINS.index("substance_use")
    ours = model.agencies.domain == domain
    t = model.agency_totals
    staff = float(t.staff_weeks[ours].sum()) / max(model.p.weeks, 1)
    leavers = float(t.leavers[ours].sum())
    under = share_under_a_year(model, domain)
    return {
        "drug_alcohol_turnover_rate": leavers / staff / (model.p.weeks / 52.0) if staff else None,
        "drug_alcohol_under_a_year": None if np.isnan(under) else under,
    }


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
