"""The practitioner network of one run, drawn as an inline SVG document.

Each agency is a cluster of its posts around a circle, coloured by agency (Okabe-Ito
colours, readable with colour-blindness). Cross-agency ties are lines whose darkness and
width grow with trust. A filled dot is a practitioner in post, ringed dark if a member of
the CoP and red if badly burnt out; a dashed empty circle is a funded post nobody holds (a
vacancy); a red cross marks a post whose holder left in the last few weeks.

Post positions depend only on the site's shape, so a node never jumps between steps.
"""

from __future__ import annotations

import math
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

import numpy as np

from copsim.model.domains import AGENCY_TYPES, DOMAINS

if TYPE_CHECKING:
    from copsim.viz.session import Run

AGENCY_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00")
"""One colour per agency type, in the order of :data:`copsim.model.domains.DOMAINS`."""

SHORT_NAMES = {
    "housing": "housing",
    "substance_use": "drugs & alcohol",
    "mental_health": "mental health",
    "offending": "criminal justice",
    "domestic_abuse": "domestic abuse",
    "social_care": "adult social care",
}
"""Agency types as labelled in the network (full names in :data:`AGENCY_TYPES`)."""

TIE_COLOUR = "#2b3a55"
BURNOUT_ALERT = 0.6
"""Burnout at or above which a practitioner is ringed red."""
LEFT_WEEKS = 8
"""How long a leaver's post keeps its red cross."""

assert set(SHORT_NAMES) == set(AGENCY_TYPES)


def geometry(n_agencies: int, size: int) -> tuple[float, float]:
    """Radius of the circle of agencies and of each agency's cluster."""
    ring = size * 0.28
    # Neighbouring clusters must not overlap: half the chord between centres, less a gap.
    return ring, min(size * 0.13, ring * math.sin(math.pi / max(n_agencies, 2)) * 0.9)


@lru_cache(maxsize=16)
def post_positions(n_agencies: int, posts_per_agency: int, size: int) -> np.ndarray:
    """Fixed (x, y) of every post: agencies around a circle, posts in a sunflower spiral.

    The spiral (a golden-angle phyllotaxis) packs a cluster's posts evenly, so a cluster
    stays round however many of its posts are filled.
    """
    centre = size / 2
    ring, cluster = geometry(n_agencies, size)
    pos = np.zeros((n_agencies * posts_per_agency, 2))
    golden = math.pi * (3 - math.sqrt(5))
    for a in range(n_agencies):
        angle = 2 * math.pi * a / n_agencies - math.pi / 2
        cx, cy = centre + ring * math.cos(angle), centre + ring * math.sin(angle)
        for i in range(posts_per_agency):
            r = cluster * math.sqrt((i + 0.5) / posts_per_agency)
            pos[a * posts_per_agency + i] = (
                cx + r * math.cos(i * golden),
                cy + r * math.sin(i * golden),
            )
    return pos


def visible_posts(run: Run) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which posts to draw: (in post, vacant, left recently), as boolean masks."""
    model = run.model
    posts, agencies = model.posts, model.agencies
    occupied = posts.occupied
    vacant = np.zeros(len(posts), dtype=bool)
    vacant[agencies.vacant_posts(posts)] = True
    left = model.steps - run.left_week < LEFT_WEEKS
    return occupied, vacant, left


def network_svg(run: Run, size: int = 400) -> str:
    """Draw run ``run``'s practitioner network this week.

    Returns:
        An ``<svg>`` element as text, with ``data-*`` counts for tests.
    """
    model = run.model
    posts, agencies = model.posts, model.agencies
    pos = post_positions(len(agencies), agencies.n_posts, size)
    occupied, vacant, left = visible_posts(run)
    a, b, trust, _ = model.ties.view()
    n_left = int(left.sum())
    header = (
        f"in post {int(occupied.sum())} · vacancies {int(vacant.sum())} · "
        f"left in last {LEFT_WEEKS} wk {n_left} · ties {len(a)}"
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="copsim-network" data-run="{run.key}" '
        f'data-week="{model.steps}" data-ties="{len(a)}" data-in-post="{int(occupied.sum())}" '
        f'data-vacancies="{int(vacant.sum())}" viewBox="0 0 {size} {size + 34}" width="100%" '
        f'font-family="Roboto, Helvetica, Arial, sans-serif" '
        f'role="img" aria-label="practitioner network of run {run.key}">',
        f'<text x="4" y="14" font-size="12" font-weight="600" fill="#222">'
        f"{escape(run.title)} · week {model.steps}</text>",
        f'<text x="4" y="28" font-size="10" fill="#555">{escape(header)}</text>',
        '<g transform="translate(0 30)">',
    ]
    # Ties first, so that practitioners are drawn over them; order by trust so the
    # strongest are on top.
    for k in np.argsort(trust):
        (x1, y1), (x2, y2), t = pos[a[k]], pos[b[k]], float(trust[k])
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{TIE_COLOUR}" stroke-opacity="{0.05 + 0.45 * t:.2f}" '
            f'stroke-width="{0.3 + 1.7 * t:.2f}"/>'
        )
    colour = [AGENCY_COLOURS[d % len(AGENCY_COLOURS)] for d in agencies.domain]
    for post in np.flatnonzero(occupied | vacant | left):
        x, y = pos[post]
        fill = colour[posts.agency[post]]
        if occupied[post]:
            member = bool(posts.member[post])
            ring = "#1a1a1a" if member else "#ffffff"
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.6" fill="{fill}" stroke="{ring}" '
                f'stroke-width="{1.6 if member else 0.8}"/>'
            )
            if posts.burnout[post] >= BURNOUT_ALERT:
                out.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="none" stroke="#d62728" '
                    f'stroke-width="1.2"/>'
                )
        elif vacant[post]:
            out.append(
                f'<circle class="vacancy" cx="{x:.1f}" cy="{y:.1f}" r="4.2" fill="#fff" '
                f'stroke="{fill}" stroke-width="1.3" stroke-dasharray="2 1.5"/>'
            )
        if left[post]:
            out.append(
                f'<path class="leaver" d="M{x - 3.5:.1f} {y - 3.5:.1f}l7 7m0 -7l-7 7" '
                f'stroke="#d62728" stroke-width="1.6"/>'
            )
    n_ag = len(agencies)
    ring, cluster = geometry(n_ag, size)
    ring += cluster + 12
    for i in range(n_ag):
        angle = 2 * math.pi * i / n_ag - math.pi / 2
        lx = size / 2 + ring * math.cos(angle)
        ly = size / 2 + ring * math.sin(angle)
        name = SHORT_NAMES[DOMAINS[agencies.domain[i]]]
        if n_ag > len(DOMAINS):
            name += f" {i // len(DOMAINS) + 1}"
        out.append(
            f'<text x="{lx:.1f}" y="{ly + 3:.1f}" font-size="10" text-anchor="middle" '
            f'fill="{colour[i]}" font-weight="600">{escape(name)}</text>'
        )
    out.append("</g></svg>")
    return "".join(out)


def legend_html() -> str:
    """The key to the network's symbols, as a line of HTML."""
    return (
        '<div class="copsim-legend" style="font-size:11px;color:#444">'
        "● in post (dark ring: CoP member; "
        '<span style="color:#d62728">red ring</span>: burnout ≥ '
        f"{BURNOUT_ALERT:g}) · ◌ vacancy · "
        f'<span style="color:#d62728">✕</span> left in the last {LEFT_WEEKS} weeks · '
        "lines: cross-agency ties, darker and thicker with more trust</div>"
    )
