"""Every model parameter, declared once.

Each :class:`Param` carries its default, allowed range or choices, unit, a one-line
description and its source. Everything else is derived from :data:`PARAMS`: the Hydra
structured config (:mod:`copsim.config`), validation (:func:`validate`), the generated
parameter dictionary (``docs/parameters.md``), the demo's sliders (:mod:`copsim.viz.controls`)
and the ranges that sensitivity analysis and the EMA adapter sample.

Parameter names are dotted (``group.name``) and form copsim's public interface: sweep
files use them, so renaming one is a breaking change.
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from copsim.errors import CopsimError, shown

# Short references for the sources in the model brief; the dictionary prints them in full.
SFC = "Skills for Care workforce data (adult social care turnover 29-31%/yr, vacancies 7-11%)"
SFC_PROTECT = (
    "Skills for Care: workers with none of five protective factors ~3x more likely to leave"
)
SFC_COST = (
    "Skills for Care: ~3,600 GBP per care worker hired, probation ramp-up included (Unfair "
    "To Care 2024, p. 46; about 2018/19); qualified staff about 12,000 GBP (2021/22); "
    "a mix of 70% support and 30% qualified staff (assumption)"
)
DA_CENSUS = "Drug and alcohol workforce census (turnover 19-25%, ~40% in post under a year)"
BLACK = "Dame Carol Black's review (caseloads 50-80; good practice 40 or fewer)"
NCC = (
    "National Cost Collection 2024/25 via PSSRU Unit Costs of Health and Social Care 2025 "
    "(Jones et al. 2026), Table 6.1.1"
)
HOME_OFFICE_POLICE = (
    "Home Office, Police costs methodology (Police Activity Survey, Nov 2025), Table 1: "
    "police response per recorded crime 280-1,290 GBP (2022/23)"
)
PLEACE = (
    "Pleace and Culhane 2016, Better than Cure? (Crisis): homelessness services alone "
    "3,702 GBP per person per 90 days"
)
MEAM = "MEAM Approach evaluation (Cordis Bright): ED attendance -37% to -54% (upper bound)"
BRIEF_SCALE = "Model brief, orders of magnitude (six agencies, ~10 practitioners each)"
NDT = "New Directions Team assessment (Chaos Index), 10 items scored 0-48"
HARD_EDGES = (
    "Hard Edges 2015 (~1,470 people a year per local authority; a minority with most crises)"
)
FULFILLING = "Fulfilling Lives evaluation (engagement spells of months to years)"
COHEN_WILLS = (
    "Cohen and Wills 1985, Psychological Bulletin 98(2): stress buffering (its form); "
    "strength an assumption"
)
MITCHELL = (
    "Mitchell et al. 2001, Academy of Management Journal 44(6): job embeddedness (its form); "
    "strength an assumption"
)
SPINUP = "burn-in practice of ABMs (Covasim, Starsim); length measured, docs/calibration.md"
ASSUMPTION = "assumption"
CRISIS_AFTERMATH = (
    "Binswanger et al. 2007, NEJM 356(2):157, Results: deaths after release from prison "
    "12.7 times the general rate in the first 2 weeks, 3.5 times over 1.9 years; Chung et "
    "al. 2017, JAMA Psychiatry 74(7):694, Key Points: suicide after psychiatric discharge "
    "about 100 times the global rate in the first 3 months, about 30 times years later"
)
KETTLEWELL = (
    "Kettlewell et al. 2020, SSM - Population Health 10:100533 (HILDA 2002-2016): "
    "wellbeing back to its pre-shock level about four years after major negative life "
    "events on average, with no adaptation after injury or illness, separation or "
    "monetary loss (wellbeing, not need)"
)
MCN_FUNDING = (
    "Managed clinical networks in Scotland (33 networks, CMAJ 191(47):E1299, table of "
    "characteristics): start-up funding 'generally time limited (first 2 years)'; "
    "range 52-156 weeks an assumption"
)
BURNOUT_REVIEWS = (
    "assumption (range 1-8 weeks), informed by Awa et al. 2010, Patient Educ Couns 78:184 "
    "(person-directed burnout interventions help 'in the short term'; 'effects diminished "
    "in the course of time') and Dawson et al. 2021, BMC Health Serv Res 21:392 (monthly "
    "Schwartz Rounds: distress lower among regular attenders)"
)
GREEN_BOOK = "HM Treasury Green Book (2022): discount at 3.5% a year, state a perspective"
PSSRU = (
    "PSSRU Unit Costs of Health and Social Care 2024 (Jones et al. 2025), Table 8.2.1, and "
    "2025 (Jones et al. 2026), Table 10.1.1: cost per working hour"
)


class ConfigError(CopsimError, ValueError):
    """A configuration value or key that copsim cannot accept.

    The message is one line that names the key, the bad value and what is allowed.
    """

    def __init__(self, key: str, value: Any, allowed: str):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"invalid value for {key}: {shown(value)} (allowed: {allowed})")


class UnknownKeyError(ConfigError):
    """A key that is not a copsim parameter; the message lists close matches."""

    def __init__(self, key: str, candidates: Iterable[str]):
        # The key itself is never suggested (a run key such as events, where it is not one).
        others = [c for c in candidates if c != key]
        close = difflib.get_close_matches(key, others, n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(close)}?" if close else "see docs/parameters.md"
        self.key, self.value, self.allowed = key, None, hint
        ValueError.__init__(self, f"unknown key {shown(key)} ({hint})")


@dataclass(frozen=True)
class Param:
    """One model parameter.

    Attributes:
        name: Dotted public name, ``group.name`` or a top-level name.
        default: Default value; its Python type is the parameter's type.
        low: Smallest allowed value (numbers only).
        high: Largest allowed value (numbers only).
        unit: Unit of the value, in words.
        description: One line on what the parameter does in the model.
        source: Where the default comes from, or ``"assumption"``.
        mutable: Whether a policy event may change it during a run.
        choices: Allowed values for a categorical parameter.
    """

    name: str
    default: int | float | bool | str
    low: float | None = None
    high: float | None = None
    unit: str = ""
    description: str = ""
    source: str = ASSUMPTION
    mutable: bool = True
    choices: tuple[Any, ...] | None = None

    @property
    def kind(self) -> type:
        """The Python type of the parameter (int, float, bool or str)."""
        return type(self.default)

    @property
    def group(self) -> str:
        """The group the parameter belongs to (``""`` for top-level ones)."""
        return self.name.rpartition(".")[0]

    @property
    def key(self) -> str:
        """The parameter's name inside its group."""
        return self.name.rpartition(".")[2]

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages and docs."""
        if self.choices is not None:
            return "one of " + ", ".join(map(str, self.choices))
        noun = {int: "a whole number", float: "a number", bool: "true or false"}.get(
            self.kind, "a string"
        )
        if self.low is not None and self.high is not None:
            return f"{noun} from {_fmt(self.low)} to {_fmt(self.high)}"
        return noun

    def check(self, value: Any) -> int | float | bool | str:
        """Return ``value`` converted to the parameter's type, or raise ConfigError."""
        kind = self.kind
        if kind is bool:
            if not isinstance(value, bool):
                raise ConfigError(self.name, value, self.allowed())
            return value
        if kind in (int, float):
            # numbers.Real admits numpy scalars, which sampling tools hand over (but not
            # numpy booleans).
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ConfigError(self.name, value, self.allowed())
            if kind is int and not float(value).is_integer():
                raise ConfigError(self.name, value, self.allowed())
            out_of_range = (
                value != value  # NaN
                or (self.low is not None and value < self.low)
                or (self.high is not None and value > self.high)
            )
            if out_of_range:
                raise ConfigError(self.name, value, self.allowed())
            return kind(value)
        if not isinstance(value, str) or (self.choices and value not in self.choices):
            raise ConfigError(self.name, value, self.allowed())
        return value


def _fmt(x: float) -> str:
    # Whole numbers in full (the seed's 2147483647, not 2.14748e+09); others briefly.
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def P(name: str, default: Any, low: float | None = None, high: float | None = None, **kw) -> Param:
    """Shorthand constructor used by the declarations below."""
    return Param(name, default, low, high, **kw)


# fmt: off
PARAMS: tuple[Param, ...] = (
    # --- the run --------------------------------------------------------------------------
    P("weeks", 156, 1, 1040, unit="weeks", mutable=False,
      description="Length of the run (weekly steps; 156 = three years)",
      source="Model brief: weekly steps over three years"),
    P("seed", 0, 0, 2**31 - 1, unit="", mutable=False,
      description="Seed of the run: every random draw is keyed by it (docs/ODD.md)"),
    P("burn_in_weeks", 260, 0, 1040, unit="weeks", mutable=False,
      description="Weeks run with no CoP before week 0, so that outputs start from the "
      "no-CoP steady state (week 0 is the end of burn-in)", source=SPINUP),
    # --- the site -------------------------------------------------------------------------
    P("site.joint_working_history", 0.5, 0.0, 1.0, unit="0-1", mutable=False,
      description="Area's history of joint working: baseline trust of cross-agency ties, "
      "and the share of the tie maximum present at the start"),
    P("site.agencies_per_type", 1, 1, 20, unit="agencies", mutable=False,
      description="Agencies of each of the six types (housing, drugs and alcohol, mental "
      "health, criminal justice, domestic abuse, adult social care)",
      source=BRIEF_SCALE),
    P("site.practitioners_per_agency", 10, 1, 200, unit="posts", mutable=False,
      description="Mean front-line posts per agency at a budget of 1.0", source=BRIEF_SCALE),
    P("site.agency_size_spread", 0.5, 0.0, 0.9, unit="share", mutable=False,
      description="Agencies' sizes spread evenly from (1 - this) to (1 + this) times "
      "site.practitioners_per_agency, in random order; 0 makes every agency the same size"),
    P("site.manager_support", 0.5, 0.0, 1.0, unit="0-1", mutable=False,
      description="Mean support (supervision, recognition) of agencies' managers, "
      "relieving burnout, with or without a CoP"),
    P("site.manager_support_spread", 0.3, 0.0, 0.5, unit="0-1", mutable=False,
      description="Each agency's manager support is uniform within this of the mean "
      "(clipped to 0-1); 0 makes it the same everywhere"),
    P("site.people", 300, 0, 50000, unit="places", mutable=False,
      description="Places for people with multiple needs at the site; a place freed by "
      "someone leaving is taken by the next referral (an open cohort)",
      source="Model brief ('a few hundred'); " + HARD_EDGES),
    P("site.cross_ties_per_practitioner", 3.0, 0.0, 20.0, unit="ties", mutable=False,
      description="Mean cross-agency ties per practitioner at the start where the history "
      "of joint working is 1 (scaled by the history)"),
    P("site.file", "", unit="path", mutable=False,
      description="An area file (YAML, or a CSV of agencies) describing your own site: its "
      "agencies (name, type, posts, budget, manager support), people and history of joint "
      "working (README 'Your own area'); empty means the presets' agencies"),
    # --- the region -----------------------------------------------------------------------
    P("region.localities", 1, 1, 50, unit="localities", mutable=False,
      description="Copies of the site run as localities of one region: each its own "
      "agencies, people, ties, CoP and broker; one commissioner over them all"),
    P("region.move_rate", 0.0, 0.0, 1.0, unit="share",
      description="Share of practitioners leaving an agency who stay in the sector and move "
      "to a funded vacancy at another agency of the region (0 keeps every site as it was; "
      "around 0.5 is suggested, see the source)",
      source="assumption informed by Skills for Care (most of adult social care's starters "
      "are recruited from within the sector)"),
    P("region.tie_preference", 2.0, 0.0, 20.0, unit="1/tie",
      description="A moving practitioner weighs each agency with a vacancy by (1 + this x "
      "their cross-agency ties into it) times its vacancies; 0 ignores ties"),
    # --- needs and crises -----------------------------------------------------------------
    P("needs.domains_per_person", 3.0, 1.0, 6.0, unit="domains", mutable=False,
      description="Mean number of need domains active for a person at entry",
      source="assumption informed by Hard Edges 2015 (overlapping disadvantages)"),
    P("needs.initial_level", 0.6, 0.35, 1.0, unit="0-1", mutable=False,
      description="Mean level of an active need at entry"),
    P("needs.threshold", 0.35, 0.05, 0.95, unit="0-1",
      description="Level above which a domain counts as an active need"),
    P("needs.deterioration", 0.002, 0.0, 0.05, unit="1/week",
      description="Weekly drift of an active, unsupported need towards its maximum"),
    P("needs.improvement", 0.003, 0.0, 0.05, unit="1/week",
      description="Weekly drift of a supported need towards zero, scaled by engagement"),
    P("needs.noise", 0.02, 0.0, 0.2, unit="sd/week",
      description="Standard deviation of weekly random change in each need"),
    P("needs.crisis_shock", 0.02, 0.0, 0.5, unit="0-1",
      description="Rise of the related needs after a crisis event"),
    P("needs.crisis_shock_weeks", 26, 0, 520, unit="weeks",
      description="Time constant over which a crisis's rise in needs fades (1/this of "
      "what is left released a week); 0 keeps the rise for good",
      source="assumption (range 4-208 weeks; the default near the range's geometric "
      "middle, between the acute excess risk after a crisis, weeks to 3 months, and "
      "wellbeing's recovery, about 4 years), informed by " + CRISIS_AFTERMATH + "; "
      + KETTLEWELL),
    P("needs.support_protection", 0.45, 0.0, 0.9, unit="share",
      description="Reduction in crisis hazard when all of a person's active needs are "
      "supported (coordinated casework)", source=MEAM),
    P("needs.recovered_severity", 12.0, 0.0, 48.0, unit="NDT points",
      description="Severity at or below which a person counts as recovered", source=NDT),
    P("needs.crisis_proneness_cv", 1.5, 0.0, 4.0, unit="ratio", mutable=False,
      description="Coefficient of variation of each person's crisis proneness (gamma, "
      "mean 1), so a minority has most crises; 0 makes everyone equally prone",
      source="assumption informed by " + HARD_EDGES),
    # --- the open cohort ------------------------------------------------------------------
    P("cohort.moved_on_rate", 1.0, 0.0, 10.0, unit="per person-year",
      description="Rate at which a person disengaged from services moves on (times 1 - "
      "engagement)", source="assumption informed by " + FULFILLING),
    P("cohort.discharge_rate", 0.6, 0.0, 10.0, unit="per person-year",
      description="Rate at which a person whose active needs are all supported is housed "
      "and discharged (times the share supported)",
      source="assumption informed by " + FULFILLING),
    P("cohort.prison_rate", 0.15, 0.0, 10.0, unit="per person-year",
      description="Rate of leaving for prison at mid offending need (proportional to it)"),
    P("cohort.death_rate", 0.02, 0.0, 0.5, unit="per person-year",
      description="Death rate of people with multiple needs (several times the general "
      "population's)"),
    P("crises.ed_attendance_rate", 2.5, 0.0, 50.0, unit="per person-year",
      description="Emergency department attendances a year at mid need, unsupported"),
    P("crises.ed_attendance_cost", 280.0, 0.0, 10000.0, unit="GBP",
      description="Unit cost of an ED attendance", source=NCC),
    P("crises.hospital_admission_rate", 0.4, 0.0, 20.0, unit="per person-year",
      description="Emergency hospital admissions a year at mid need, unsupported"),
    P("crises.hospital_admission_cost", 3567.0, 0.0, 50000.0, unit="GBP",
      description="Unit cost of an emergency admission (non-elective stay, 40% short)",
      source=NCC),
    P("crises.arrest_custody_rate", 1.0, 0.0, 20.0, unit="per person-year",
      description="Arrests or custody episodes a year at mid need, unsupported"),
    P("crises.arrest_custody_cost", 640.0, 0.0, 50000.0, unit="GBP",
      description="Unit cost of an arrest or custody episode (police and justice response)",
      source=HOME_OFFICE_POLICE),
    P("crises.eviction_rough_sleeping_rate", 0.3, 0.0, 20.0, unit="per person-year",
      description="Evictions or episodes of rough sleeping a year at mid need, unsupported"),
    P("crises.eviction_rough_sleeping_cost", 3702.0, 0.0, 50000.0, unit="GBP",
      description="Unit cost of an eviction or episode of rough sleeping", source=PLEACE),
    # --- casework across agencies ---------------------------------------------------------
    P("casework.attempt_rate", 0.25, 0.0, 1.0, unit="1/week",
      description="Weekly chance that a key worker seeks help for an unmet need, times "
      "the person's engagement"),
    P("casework.cold_referral", 0.5, 0.0, 1.0, unit="probability",
      description="Route factor of a referral made with no working tie (front door)"),
    P("casework.episode_weeks", 26, 1, 156, unit="weeks",
      description="How long an accepted referral keeps a need supported"),
    P("casework.exclusion_risk", 0.15, 0.0, 1.0, unit="probability",
      description="Chance that a failed referral excludes the person, at maximum severity"),
    P("casework.exclusion_weeks", 26, 1, 156, unit="weeks",
      description="How long an exclusion bars the person from that agency"),
    P("casework.tie_from_referral", 0.1, 0.0, 1.0, unit="probability",
      description="Chance that a successful referral without a tie creates one"),
    P("casework.engagement_gain", 0.01, 0.0, 0.2, unit="1/week",
      description="Weekly rise of engagement towards 1 with an allocated key worker"),
    P("casework.bounce_loss", 0.05, 0.0, 0.5, unit="0-1",
      description="Engagement lost when a referral fails"),
    P("casework.continuity_loss", 0.2, 0.0, 1.0, unit="0-1",
      description="Engagement lost when the person's key worker leaves"),
    P("casework.complex_case_weight", 1.5, 0.0, 10.0, unit="cases",
      description="Caseload weight of a person with multiple needs (key-worked or "
      "supported) relative to an ordinary case"),
    P("casework.key_worker_choice", "weighted", unit="",
      choices=("least_loaded", "weighted"),
      description="How a waiting person's key worker is chosen among the agency's staff in "
      "post: weighted, a keyed race with weight (1 + people key-worked)^-"
      "casework.allocation_balance, so one arrival more or less moves few allocations; "
      "least_loaded, strictly (ties to the lower post), the rule before common random "
      "numbers",
      source="modelling choice for common random numbers (Efraimidis and Spirakis 2006 "
      "keyed races; docs/analysis.md measures the noise each rule leaves)"),
    P("casework.allocation_balance", 4.0, 0.0, 16.0, unit="exponent",
      description="Under weighted key-worker choice, how strongly a lighter caseload wins "
      "(0: any practitioner in post equally; large: almost always the least loaded)",
      source="assumption (range 2-8)"),
    # --- trust and ties -------------------------------------------------------------------
    P("trust.gain", 0.15, 0.0, 1.0, unit="share of gap",
      description="Saturating trust gain of a tie after a successful joint interaction"),
    P("trust.loss", 0.05, 0.0, 1.0, unit="share",
      description="Proportional trust loss of a tie after a failed joint interaction"),
    P("trust.decay", 0.01, 0.0, 1.0, unit="1/week",
      description="Weekly drift of an unused tie's trust towards the site's baseline"),
    P("trust.meeting_gain", 0.5, 0.0, 1.0, unit="share of gain",
      description="Trust gain of a tie whose two ends attend the same CoP meeting, as a "
      "share of trust.gain"),
    P("trust.forget_weeks", 52, 1, 1040, unit="weeks",
      description="A cross-agency tie unused this long is lost"),
    # --- brokerage and set-up -------------------------------------------------------------
    P("brokerage.hours_per_week", 5.0, 0.0, 40.0, unit="hours/week",
      description="Broker (facilitator) hours a week; 0 means no community of practice"),
    P("brokerage.setup_weeks", 12, 0, 104, unit="weeks",
      description="Set-up phase: broker hours go to introductions; meetings start after it"),
    P("brokerage.hours_per_meeting", 8.0, 0.5, 40.0, unit="hours",
      description="Broker hours to prepare, run and follow up one CoP meeting"),
    P("brokerage.hours_per_introduction", 3.0, 0.5, 40.0, unit="hours",
      description="Broker hours to introduce two practitioners from different agencies"),
    P("brokerage.meeting_interval", 4, 1, 52, unit="weeks",
      description="Weeks between CoP meetings ('regular' in the programme: monthly)"),
    P("brokerage.funded_weeks", 104, 0, 1040, unit="weeks",
      description="Weeks from the start that the programme funds the broker and backfill; "
      "after them the broker leaves and only an established CoP goes on meeting",
      source=MCN_FUNDING),
    P("brokerage.hourly_cost", 57.0, 0.0, 500.0, unit="GBP/hour",
      description="Programme cost of an hour of brokerage, with on-costs", source=PSSRU),
    # --- the community of practice --------------------------------------------------------
    P("cop.attendance_max", 0.9, 0.0, 1.0, unit="probability",
      description="Highest chance that a member attends a meeting"),
    P("cop.pressure_sensitivity", 2.0, 0.0, 20.0, unit="1/pressure",
      description="How fast attendance without protected time falls as caseload exceeds "
      "the standard"),
    P("cop.meeting_hours", 2.0, 0.0, 16.0, unit="hours",
      description="Practitioner time per meeting attended (backfilled when protected)"),
    P("cop.min_attendees", 6, 2, 500, unit="people",
      description="Attendees a meeting needs to count towards establishment"),
    P("cop.min_agencies", 4, 2, 120, unit="agencies",
      description="Distinct agencies a meeting needs to count towards establishment"),
    P("cop.trust_threshold", 0.6, 0.0, 1.0, unit="0-1",
      description="Mean trust among attendees' mutual ties a meeting needs to count"),
    P("cop.establish_meetings", 3, 1, 24, unit="meetings",
      description="Consecutive qualifying meetings that establish the CoP (and "
      "non-qualifying ones that end it)"),
    P("cop.invite_rate", 0.1, 0.0, 1.0, unit="probability",
      description="Chance per meeting that an attending member brings in a tied colleague, "
      "times the tie's trust"),
    P("cop.lapse_meetings", 3, 1, 24, unit="meetings",
      description="Consecutive missed meetings after which membership lapses"),
    P("cop.tie_formation", 0.3, 0.0, 1.0, unit="probability",
      description="Chance per meeting that an attendee forms a tie with another agency's "
      "attendee"),
    P("cop.learning_rate", 0.05, 0.0, 1.0, unit="share of gap",
      description="Knowledge an attendee gains per meeting towards the best in the room"),
    P("cop.peer_support", 0.5, 0.0, 2.0, unit="share",
      description="Rise in burnout recovery in the weeks after attending a meeting "
      "(kept small: demand dominates, see the brief's caution)"),
    P("cop.peer_support_weeks", 2, 1, 26, unit="weeks",
      description="Weeks that peer support lasts after a meeting attended (the meeting's "
      "week included); below the meeting interval, regular attenders have it part-time",
      source=BURNOUT_REVIEWS),
    P("cop.convenor_rate", 0.2, 0.0, 1.0, unit="probability",
      description="Chance at each due meeting that a member of a CoP without a convenor "
      "steps up to convene it, times their managers' support; a CoP is established only "
      "with a convenor, and after funding only an established CoP meets",
      source="assumption (range 0.05-0.5); the role from Wenger, McDermott and Snyder "
      "2002 (Cultivating Communities of Practice: how the coordinator's role is carried out "
      "is among the key causes of a CoP's failure, as summarised at "
      "socialinsilico.wordpress.com/tag/why-communities-fail) and Wilson-Mah and Walinga "
      "2017 (convening interdisciplinary CoPs)"),
    P("cop.stress_buffering", 0.5, 0.0, 5.0, unit="1/demand",
      description="Extra peer-support relief per unit of demand above 1: support helps "
      "more under pressure; 0 turns the channel off", source=COHEN_WILLS),
    P("cop.embeddedness", 0.1, 0.0, 0.9, unit="share",
      description="Reduction in a CoP member's leaving hazard (fit, and what leaving would "
      "sacrifice); 0 turns the channel off", source=MITCHELL),
    # --- knowledge ------------------------------------------------------------------------
    P("knowledge.own_domain", 0.8, 0.0, 1.0, unit="0-1", mutable=False,
      description="Experienced practitioner's knowledge of their own agency's domain"),
    P("knowledge.other_domains", 0.15, 0.0, 1.0, unit="0-1", mutable=False,
      description="Experienced practitioner's knowledge of other domains",
      source="assumption informed by the ESRC study (support workers feel out of their depth)"),
    P("knowledge.new_hire", 0.5, 0.0, 1.0, unit="share",
      description="A new hire's knowledge as a share of an experienced practitioner's"),
    P("knowledge.spread", 0.01, 0.0, 1.0, unit="share of gap/week",
      description="Weekly knowledge spread from colleagues in the same agency"),
    # --- nurturing ------------------------------------------------------------------------
    P("nurture.protected_time", 0.5, 0.0, 1.0, unit="0-1",
      description="Managers' protection of time to attend the CoP, shielding attendance "
      "from caseload pressure"),
    P("nurture.manager_support", 0.5, 0.0, 1.0, unit="share of gap",
      description="Nurture of managers who back the CoP: in each agency with a CoP member "
      "in post, manager support rises this share of the way to 1"),
    P("nurture.manager_effect", 0.25, 0.0, 2.0, unit="share",
      description="Rise in burnout recovery at full manager support (kept small: demand "
      "dominates, see the brief's caution)"),
    P("nurture.commissioner_engagement", 0.3, 0.0, 1.0, unit="0-1",
      description="Commissioner's engagement with the CoP: how much of what it surfaces "
      "reaches commissioning"),
    # --- workforce ------------------------------------------------------------------------
    P("workforce.background_caseload", 40.0, 0.0, 200.0, unit="cases/post",
      description="Ordinary cases per typical post besides the modelled people (demand; "
      "a budget change does not change it)", source=BLACK),
    P("workforce.caseload_standard", 40.0, 1.0, 200.0, unit="cases",
      description="Caseload a practitioner can carry without strain", source=BLACK),
    P("workforce.burnout_fill", 0.03, 0.0, 1.0, unit="1/week",
      description="Burnout inflow per unit of demand (a stock, Homer 1985)"),
    P("workforce.burnout_recovery", 0.05, 0.0, 1.0, unit="1/week",
      description="Burnout outflow rate before support"),
    P("workforce.failed_referral_weight", 0.1, 0.0, 5.0, unit="demand",
      description="Demand added by one failed referral in a week"),
    P("workforce.crisis_weight", 0.1, 0.0, 5.0, unit="demand",
      description="Demand added by one crisis of a key-worked person in a week"),
    P("workforce.initial_burnout", 0.3, 0.0, 1.0, unit="0-1", mutable=False,
      description="Burnout of a new hire, and mean burnout at the start of burn-in"),
    P("workforce.resilience_spread", 0.5, 0.0, 1.5, unit="sd of log", mutable=False,
      description="Spread of practitioners' resilience (a lognormal multiplier of burnout "
      "recovery, mean 1, drawn at hire); 0 makes everyone equally resilient"),
    P("workforce.sector_differences", 1.0, 0.0, 1.0, unit="0-1",
      description="Weight of sector-specific leaving rates (drugs and alcohol lower, adult "
      "social care higher; domains.SECTOR_TURNOVER); 0 gives every sector the same rate",
      source=DA_CENSUS + "; " + SFC),
    P("workforce.embeddedness_ties", 0.03, 0.0, 0.5, unit="1/tie",
      description="Leaving hazard falls by the factor exp(-this x cross-agency ties) "
      "(links to people); 0 turns the channel off", source=MITCHELL),
    P("workforce.turnover_at_zero_burnout", 0.143, 0.0, 0.95, unit="share/year",
      description="Annual leaving probability of a practitioner with no burnout",
      source="calibrated (docs/calibration.md) so the no-CoP site matches " + SFC),
    P("workforce.burnout_leave_ratio", 3.0, 1.0, 10.0, unit="ratio",
      description="Leaving hazard at full burnout relative to none", source=SFC_PROTECT),
    P("workforce.new_starter_leave_ratio", 1.5, 1.0, 10.0, unit="ratio",
      description="Leaving hazard in the first year in post relative to later", source=DA_CENSUS),
    P("workforce.hiring_lag_weeks", 19.0, 1.0, 104.0, unit="weeks",
      description="Mean time to fill a vacancy",
      source="calibrated (docs/calibration.md) so the no-CoP site matches " + SFC),
    P("workforce.replacement_cost", 7400.0, 0.0, 100000.0, unit="GBP",
      description="Cost of replacing a practitioner who leaves", source=SFC_COST),
    # --- funding and commissioning --------------------------------------------------------
    P("funding.agency_budget", 1.0, 0.2, 2.0, unit="x typical",
      description="Agency budgets relative to typical; funded posts scale with it"),
    P("funding.backfill_hourly_cost", 39.0, 0.0, 500.0, unit="GBP/hour",
      description="Programme cost of an hour of backfilled (protected) attendance",
      source=PSSRU),
    P("commissioner.insight_rate", 0.1, 0.0, 1.0, unit="share of gap",
      description="Insight a fully engaged commissioner gains from one CoP meeting"),
    P("commissioner.perception_noise", 1.0, 0.0, 3.0, unit="sd of log",
      description="Error of the commissioner's view of each agency's unmet need with no "
      "insight (lognormal); it falls in proportion to insight"),
    P("commissioner.insight_decay", 0.02, 0.0, 1.0, unit="1/week",
      description="Weekly loss of commissioner insight"),
    P("commissioner.review_weeks", 13, 1, 156, unit="weeks",
      description="Weeks between the commissioner's funding reviews"),
    P("commissioner.move_share", 0.1, 0.0, 0.5, unit="share",
      description="Share of total agency budget moved at a review by a fully engaged "
      "commissioner, towards the agencies with the most unmet need as they perceive it"),
    # --- economics: the appraisal's conventions and costs (docs/economics.md) ---------------
    P("economics.price_year", "2024/25", unit="financial year", mutable=False,
      choices=("2012/13", "2013/14", "2014/15", "2015/16", "2016/17", "2017/18", "2018/19",
               "2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25"),
      description="Price year of the appraisal; every unit cost is moved to it with the "
      "GDP deflator (copsim.model.prices)",
      source="HM Treasury GDP deflators at market prices"),
    P("economics.discount_rate", 0.035, 0.0, 0.2, unit="share/year", mutable=False,
      description="Discount rate of costs and savings, by year of the appraisal (year 1 "
      "undiscounted)", source=GREEN_BOOK),
    P("economics.perspective", "public_sector", unit="", mutable=False,
      choices=("nhs_la", "public_sector"),
      description="Whose costs count: nhs_la (NHS and local authority: ED, admissions, "
      "evictions and rough sleeping, staff) or public_sector (adding criminal justice)",
      source=GREEN_BOOK),
    P("economics.practitioner_hourly_cost", 48.0, 0.0, 500.0, unit="GBP/hour", mutable=False,
      description="Opportunity cost of a practitioner's hour in a meeting that is not "
      "backfilled (casework forgone); backfilled hours cost funding.backfill_hourly_cost",
      source=PSSRU),
    P("economics.setup_cost", 2280.0, 0.0, 100000.0, unit="GBP", mutable=False,
      description="One-off cost of setting up a CoP (recruiting the broker, venue, "
      "materials), in week 1 of a run with broker hours", source=PSSRU),
)
# fmt: on

SCHEMA: dict[str, Param] = {p.name: p for p in PARAMS}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(p.group for p in PARAMS if p.group))

RUN_KEYS = ("events", "replicates")
"""Config keys that are not model parameters: the policy timeline (validated by
copsim.model.events) and how many seeds a sweep job runs (copsim.config.REPLICATES)."""


def defaults() -> dict[str, Any]:
    """Return the flat mapping of every parameter name to its default."""
    return {p.name: p.default for p in PARAMS}


def check_key(name: str) -> Param:
    """Return the declaration of ``name`` or raise UnknownKeyError with close matches."""
    try:
        return SCHEMA[name]
    except KeyError:
        raise UnknownKeyError(name, [*SCHEMA, *RUN_KEYS]) from None


def sampling_range(
    name: str, low: float | None = None, high: float | None = None
) -> tuple[Param, float, float]:
    """The range a sampler may vary ``name`` over: the schema's, or a narrower one.

    Raises:
        ConfigError: For an unknown or non-numeric parameter (or ``seed``), or a range
            outside the schema's.
    """
    param = check_key(name)
    if param.kind not in (int, float) or name == "seed":
        raise ConfigError(name, param.default, "a numeric model parameter")
    lo = param.low if low is None else low
    hi = param.high if high is None else high
    within = f"within {param.low:g}:{param.high:g}"
    if not lo < hi:
        raise ConfigError(name, f"{lo:g}:{hi:g}", f"a range LOW:HIGH with LOW below HIGH, {within}")
    if not param.low <= lo < hi <= param.high:
        raise ConfigError(name, f"{lo:g}:{hi:g}", f"a range {within}")
    return param, float(lo), float(hi)


def validate(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a flat mapping of parameter values and fill in defaults.

    Args:
        values: Parameter name to value; names must be declared in :data:`PARAMS`.

    Returns:
        A complete flat mapping with every value converted to its declared type.

    Raises:
        ConfigError: For the first unknown key or bad value, naming it.
    """
    out = defaults()
    for name, value in values.items():
        if not isinstance(name, str):
            raise ConfigError("parameter name", name, "a dotted name as text, e.g. 'trust.gain'")
        out[name] = check_key(name).check(value)
    return out


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten a nested mapping into dotted names (``{"a": {"b": 1}}`` -> ``{"a.b": 1}``).

    Raises:
        ConfigError: For a name given twice (``{"a.b": 1, "a": {"b": 2}}``), which would
            otherwise keep one of the two silently.
    """
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and name not in SCHEMA:
            items = flatten(value, name + ".").items()
        else:
            items = [(name, value)]
        for name, value in items:
            if name in flat:
                raise ConfigError(name, value, f"one value, but {shown(flat[name])} is given too")
            flat[name] = value
    return flat
