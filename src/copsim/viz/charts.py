"""Live line charts, drawn as small inline SVG documents.

Why not Matplotlib or Altair: a step must redraw eight charts within the app's 200 ms
budget. Rendering Matplotlib figures to PNG costs tens of milliseconds each, and Solara's
Vega-Lite widget waits 100 ms (a debounce) before it even starts drawing. A polyline per
series costs well under a millisecond to write and nothing to fetch, so the page also
works offline without extra front-end libraries. Runs A and B share colours per series;
B is dashed. Policy events are numbered vertical markers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

GRID = "#e3e3e3"
AXIS_TEXT = "#555"
MARKER = "#6b6b6b"
UNFUNDED = "#000000"
"""Shading of the weeks after the programme's funding of the broker ends."""


@dataclass(frozen=True)
class Line:
    """One series of one run.

    Attributes:
        label: Legend text for the series (shared by runs A and B).
        values: Weekly values, week 0 first.
        colour: Stroke colour.
        dashed: Whether to dash it (run B).
    """

    label: str
    values: Sequence[float]
    colour: str
    dashed: bool = False


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """About ``count`` round tick values covering ``[lo, hi]``."""
    span = hi - lo
    if span <= 0:
        span = abs(hi) or 1.0
        hi = lo + span
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))
    first = math.floor(lo / step + 1e-9) * step
    ticks = []
    k = 0
    while True:
        tick = first + k * step
        ticks.append(round(tick, 10))
        if tick >= hi - 1e-9 * step:
            return ticks
        k += 1


def compact(value: float) -> str:
    """A short number for an axis label: 1234 -> 1.2k, 25000 -> 25k, 0.35 -> 0.35."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:.3g}M"
    if size >= 1e3:
        return f"{value / 1e3:.3g}k"
    return f"{value:.3g}"


def week_ticks(weeks: int) -> list[int]:
    """Ticks along the week axis: yearly for long runs, quarterly for short ones."""
    every = 52 if weeks > 104 else 26 if weeks > 52 else 13 if weeks > 13 else 1
    return list(range(0, weeks + 1, every))


def line_chart(
    key: str,
    title: str,
    lines: Sequence[Line],
    weeks: int,
    markers: Sequence[tuple[int, int]] = (),
    *,
    funding_end: int | None = None,
    y_max: float | None = None,
    width: int = 340,
    height: int = 200,
) -> str:
    """Draw one chart.

    Args:
        key: Identifier, written to ``data-chart`` (for tests and styling).
        title: Title at the top left.
        lines: The series; the legend shows each distinct (label, colour) once.
        weeks: Length of the week axis (the run's length, so it does not rescale).
        markers: Policy events as (number, week).
        funding_end: The last week the programme funds the broker; the weeks after it
            are shaded (None, or a week at or past the end: nothing shaded).
        y_max: Fixed top of the value axis (e.g. 1 for shares); else from the data.
        width: Width in pixels.
        height: Height in pixels.

    Returns:
        An ``<svg>`` element as text.
    """
    left, right, top, bottom = 44, 10, 46, 22
    pw, ph = width - left - right, height - top - bottom
    values = [v for line in lines for v in line.values if v == v]
    lo = min(0.0, min(values, default=0.0))
    top_value = max(values, default=0.0)
    # A fixed top (a share's 1) is kept; otherwise a little headroom, so that a level
    # series does not run along the frame.
    hi = max(y_max, top_value) if y_max is not None else top_value * 1.05
    if hi <= lo:
        hi = lo + 1.0
    ticks = nice_ticks(lo, hi)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])

    def x(week: float) -> float:
        return left + pw * week / max(weeks, 1)

    def y(value: float) -> float:
        return top + ph * (1 - (value - lo) / (hi - lo))

    n = max((len(line.values) for line in lines), default=1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="copsim-chart" data-chart="{key}" '
        f'data-week="{n - 1}" viewBox="0 0 {width} {height}" width="100%" '
        f'font-family="Roboto, Helvetica, Arial, sans-serif" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="4" y="13" font-size="12" font-weight="600" fill="#222">{escape(title)}</text>',
    ]
    seen: dict[tuple[str, str], None] = {}
    for line in lines:
        seen.setdefault((line.label, line.colour), None)
    lx = 4
    for label, colour in seen:
        if not label:
            continue
        out.append(
            f'<rect x="{lx}" y="20" width="10" height="4" fill="{colour}"/>'
            f'<text x="{lx + 13}" y="26" font-size="10" fill="{AXIS_TEXT}">{escape(label)}</text>'
        )
        lx += 20 + 6 * len(label)
    for tick in ticks:
        ty = y(tick)
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 4}" y="{ty + 3:.1f}" font-size="9" text-anchor="end" '
            f'fill="{AXIS_TEXT}">{compact(tick)}</text>'
        )
    for week in week_ticks(weeks):
        tx = x(week)
        out.append(
            f'<text x="{tx:.1f}" y="{top + ph + 12}" font-size="9" text-anchor="middle" '
            f'fill="{AXIS_TEXT}">{week}</text>'
        )
    out.append(
        f'<text x="{left + pw}" y="{height - 1}" font-size="9" text-anchor="end" '
        f'fill="{AXIS_TEXT}">week</text>'
    )
    if lo < 0 < hi:
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#999"/>'
        )
    if funding_end is not None and funding_end < weeks:
        fx = x(funding_end)
        out.append(
            f'<g class="copsim-unfunded" data-week="{funding_end}">'
            f'<rect x="{fx:.1f}" y="{top}" width="{left + pw - fx:.1f}" height="{ph}" '
            f'fill="{UNFUNDED}" fill-opacity="0.05"/>'
            f'<text x="{left + pw - 3}" y="{top + 10}" font-size="8" text-anchor="end" '
            f'fill="{AXIS_TEXT}">no broker</text></g>'
        )
    at_week: dict[int, int] = {}
    for number, week in markers:
        mx = x(week)
        # Events in the same week share a line; their numbers sit side by side.
        nx = mx + 13 * at_week.get(week, 0)
        at_week[week] = at_week.get(week, 0) + 1
        out.append(
            f'<g class="copsim-marker" data-marker="{number}" data-week="{week}">'
            f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{top - 2}" y2="{top + ph}" '
            f'stroke="{MARKER}" stroke-dasharray="3 2"/>'
            f'<circle cx="{nx:.1f}" cy="{top - 8}" r="6" fill="#fff" stroke="{MARKER}"/>'
            f'<text x="{nx:.1f}" y="{top - 5}" font-size="8" text-anchor="middle" '
            f'fill="#222">{number}</text></g>'
        )
    for line in lines:
        pts = " ".join(f"{x(week):.1f},{y(v):.1f}" for week, v in enumerate(line.values) if v == v)
        dash = ' stroke-dasharray="5 3"' if line.dashed else ""
        out.append(
            f'<polyline fill="none" stroke="{line.colour}" stroke-width="1.8"{dash} '
            f'points="{pts}"/>'
        )
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#bbb"/>')
    out.append("</svg>")
    return "".join(out)
