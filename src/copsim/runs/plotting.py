"""Figures of a run. Policy events are drawn as vertical markers on every time series."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only; the browser app draws its own plots

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import Formatter  # noqa: E402

from copsim.runs.provenance import copsim_version, git_commit  # noqa: E402

STATE_COLOURS = {
    "people_in_crisis": "#c0392b",
    "people_unstable": "#e67e22",
    "people_stable": "#2980b9",
    "people_recovered": "#27ae60",
}


EVENT_LABEL_CHARS = 28
"""Longest event label drawn on a plot (longer ones end in an ellipsis): it runs down
the panel from the top and must stay inside it."""

TITLE_PAD = 16
"""Points between a panel and its title, room for the legend drawn between them."""

LINE_STYLES = ("-", "--", ":", "-.")
"""With the 10 colours of the cycle, 40 series that can be told apart."""


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, ending in an ellipsis if it was longer."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


THOUSANDS_FROM = 10_000
"""An axis with a tick this large or larger counts every tick in thousands (``16k``)."""


class OneFormat(Formatter):
    """Every tick label of an axis in one format, short enough not to collide.

    An axis whose ticks reach :data:`THOUSANDS_FROM` shows them all in thousands
    (``-8k``, ``0``, ``8k``, ``16k``), any other shows plain numbers; either way with the
    decimals the step between ticks needs, the same for every tick. (``.3g`` per tick
    mixed ``-8e+03`` and ``16k`` on one axis.)
    """

    def __init__(self) -> None:
        self.scale, self.suffix, self.decimals = 1.0, "", 0

    def set_locs(self, locs: Sequence[float]) -> None:
        """Choose the axis's format from all its ticks (matplotlib calls this first)."""
        super().set_locs(locs)
        values = np.abs(np.asarray(locs, dtype=float))
        values = values[np.isfinite(values)]
        big = len(values) and values.max() >= THOUSANDS_FROM
        self.scale, self.suffix = (1000.0, "k") if big else (1.0, "")
        scaled = np.asarray(locs, dtype=float) / self.scale
        scaled = scaled[np.isfinite(scaled)]
        # The fewest decimals that write every tick exactly (2.5k needs one, 0.05 two).
        self.decimals = next(
            (d for d in range(7) if np.allclose(scaled * 10**d, np.round(scaled * 10**d))), 6
        )

    def __call__(self, x: float, pos: int | None = None) -> str:
        """The label of the tick at ``x``."""
        value = round(x / self.scale, self.decimals)
        if value == 0:
            return "0"
        return f"{value:.{self.decimals}f}{self.suffix}"


def series_style(i: int) -> dict[str, Any]:
    """Colour and line style of series ``i``: a new line style after every 10 colours."""
    return {"color": f"C{i % 10}", "linestyle": LINE_STYLES[(i // 10) % len(LINE_STYLES)]}


def mark_events(ax: plt.Axes, events: Sequence[dict[str, Any]]) -> None:
    """Draw each policy event as a dashed vertical line labelled at the top."""
    for event in events:
        ax.axvline(event["week"], color="0.3", linestyle="--", linewidth=1)
        ax.annotate(
            shorten(event.get("label", ""), EVENT_LABEL_CHARS),
            (event["week"], 1.0),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="top",
            ha="right",
            fontsize=7,
            color="0.3",
        )


def shade_established(ax: plt.Axes, weekly: pd.DataFrame) -> None:
    """Shade the weeks in which the CoP was established."""
    est = weekly["cop_established"].to_numpy() > 0
    ax.fill_between(
        weekly["week"],
        0,
        1,
        where=est,
        transform=ax.get_xaxis_transform(),
        color="#8e44ad",
        alpha=0.12,
        linewidth=0,
        label="CoP established",
    )


def overview(weekly: pd.DataFrame, events: Sequence[dict[str, Any]], title: str) -> Figure:
    """Four panels: workforce, cross-agency working, people's outcomes, costs."""
    fig, axes = plt.subplots(2, 2, figsize=(12, 8), sharex=True, layout="constrained")
    w = weekly["week"]

    ax = axes[0, 0]
    ax.plot(w, weekly["staff_in_post"], label="staff in post", color="#34495e")
    ax.plot(w, weekly["vacancies"], label="vacancies", color="#95a5a6")
    ax.set_ylabel("practitioners")
    ax.set_ylim(bottom=0)
    twin = ax.twinx()
    twin.plot(w, weekly["burnout_mean"], label="mean burnout", color="#c0392b")
    twin.set_ylim(0, 1)
    twin.set_ylabel("burnout (0-1)")
    _legend(ax, twin)
    ax.set_title("Workforce", pad=TITLE_PAD)

    ax = axes[0, 1]
    shade_established(ax, weekly)
    ax.plot(w, weekly["cross_agency_ties"], label="cross-agency ties", color="#16a085")
    ax.plot(w, weekly["cop_attendance"], label="CoP attendance", color="#8e44ad")
    ax.set_ylabel("ties / attendees")
    ax.set_ylim(bottom=0)
    twin = ax.twinx()
    twin.plot(w, weekly["cross_agency_trust"], label="mean trust", color="#d35400")
    twin.plot(
        w, weekly["knowledge_breadth"], label="knowledge breadth", color="#7f8c8d", linestyle=":"
    )
    twin.set_ylim(0, 1)
    twin.set_ylabel("trust, knowledge (0-1)")
    _legend(ax, twin)
    ax.set_title("Working across agencies", pad=TITLE_PAD)

    ax = axes[1, 0]
    cols = list(STATE_COLOURS)
    ax.stackplot(
        w,
        *(weekly[c] for c in cols),
        colors=list(STATE_COLOURS.values()),
        labels=[c.removeprefix("people_").replace("_", " ") for c in cols],
        alpha=0.85,
    )
    ax.set_ylabel("people")
    ax.set_xlabel("week")
    _legend(ax)
    ax.set_title("People with multiple needs", pad=TITLE_PAD)

    ax = axes[1, 1]
    for col, colour in (
        ("programme_cost", "#8e44ad"),
        ("crisis_cost", "#c0392b"),
        ("turnover_cost", "#34495e"),
    ):
        ax.plot(w, weekly[col] / 1000, label=col.replace("_", " "), color=colour)
    ax.set_ylabel("cumulative cost (thousand GBP)")
    ax.set_xlabel("week")
    _legend(ax)
    ax.set_title("Costs", pad=TITLE_PAD)

    for ax in axes.flat:
        mark_events(ax, events)
        ax.grid(alpha=0.3)
    fig.suptitle(title, fontsize=11)
    return fig


def _legend(ax: plt.Axes, *others: plt.Axes) -> None:
    """One legend for a panel and its twin, above the panel (outside the data)."""
    handles, labels = ax.get_legend_handles_labels()
    for other in others:
        more = other.get_legend_handles_labels()
        handles, labels = handles + more[0], labels + more[1]
    ax.legend(
        handles,
        labels,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=len(labels),
        fontsize=7,
        frameon=False,
        borderaxespad=0.2,
        handlelength=1.5,
        columnspacing=1.0,
    )


def save(fig: Figure, path: str) -> None:
    """Save a figure as PNG stamped with copsim's version and git commit."""
    meta = {"Software": f"copsim {copsim_version()} (git {git_commit()})"}
    fig.savefig(path, dpi=110, format="png", metadata=meta)
    plt.close(fig)
