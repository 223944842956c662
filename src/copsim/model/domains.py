"""The domains of need, the agency types that serve them, and the kinds of crisis.

These are structural constants of the model (the ODD's "entities"), not tunable
parameters: each need domain is served by one agency type.
"""

from __future__ import annotations

import numpy as np

DOMAINS: tuple[str, ...] = (
    "housing",
    "substance_use",
    "mental_health",
    "offending",
    "domestic_abuse",
    "social_care",
)
"""Need domains; index ``d`` of every per-domain array."""

AGENCY_TYPES: dict[str, str] = {
    "housing": "housing and homelessness support",
    "substance_use": "drugs and alcohol",
    "mental_health": "mental health",
    "offending": "criminal justice",
    "domestic_abuse": "domestic abuse",
    "social_care": "adult social care",
}
"""The agency type that serves each need domain."""

# Relative chance that a domain is among a person's needs at entry. Housing leads because
# housing-related support is the mainstay of help (ESRC "Rethinking Multiple Exclusion
# Homelessness"); the rest follow the overlaps in Hard Edges 2015. Assumption.
DOMAIN_WEIGHTS = np.array([0.85, 0.7, 0.7, 0.5, 0.3, 0.3])

# Weight of each domain in the New Directions Team-like severity (0-48). The NDT has ten
# items scored 0-4, risk to others and risk from others doubled; each item is mapped to the
# domain it reflects, and engagement adds the remaining 4 points (see docs/ODD.md).
SEVERITY_WEIGHTS = np.array([4.0, 8.0, 8.0, 12.0, 8.0, 4.0])
SEVERITY_ENGAGEMENT_WEIGHT = 4.0
SEVERITY_MAX = float(SEVERITY_WEIGHTS.sum() + SEVERITY_ENGAGEMENT_WEIGHT)

CRISIS_KINDS: tuple[str, ...] = (
    "ed_attendance",
    "hospital_admission",
    "arrest_custody",
    "eviction_rough_sleeping",
)
"""Kinds of crisis event; each has a rate and a unit cost in the schema (``crises.*``)."""

# Which needs drive each kind of crisis (rows: kinds, columns: domains; rows sum to 1).
CRISIS_DRIVERS = np.array(
    [
        [0.0, 0.5, 0.5, 0.0, 0.0, 0.0],  # ED attendance: substance use, mental health
        [0.0, 0.4, 0.4, 0.0, 0.0, 0.2],  # admission: also self-neglect (social care)
        [0.0, 0.3, 0.0, 0.7, 0.0, 0.0],  # arrest or custody: offending, substance use
        [0.7, 0.0, 0.0, 0.0, 0.3, 0.0],  # eviction or rough sleeping: housing, abuse
    ]
)

# Reported annual staff turnover of each agency type, used only relative to its mean
# (``workforce.sector_differences`` weighs it in; the site-wide level is calibrated).
# Drugs and alcohol: 19-25% (drug and alcohol workforce census), midpoint 22%; adult social
# care: 29-31% (Skills for Care), 30%. The others are assumptions: housing and domestic
# abuse support like adult social care (largely voluntary-sector support work), mental
# health and criminal justice (statutory) between the two.
SECTOR_TURNOVER = np.array([0.30, 0.22, 0.25, 0.25, 0.30, 0.30])
