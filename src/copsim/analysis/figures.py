"""Comparison figures: weekly bands, a forest plot of paired differences, a heatmap.

Every time-series panel marks the configurations' policy events; every figure is saved
with copsim's version and git commit in its metadata (:func:`copsim.runs.plotting.save`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from copsim.analysis.replicates import Runs
from copsim.errors import UsageError
from copsim.model.records import WEEKLY
from copsim.runs.outputs import SUMMARY
from copsim.runs.plotting import OneFormat, mark_events, series_style

LABEL_CHARS = 28
"""Configuration labels on figures are wrapped onto lines of this length (never cut)."""

GRID_COLUMNS = 3
"""Panels per row of the forest and means figures (a grid, not a strip)."""

UNITS = {o.name: o.unit for o in (*WEEKLY, *SUMMARY)}

DEFAULT_WEEKLY = (
    "staff_in_post",
    "burnout_mean",
    "cross_agency_trust",
    "cop_attendance",
    "people_in_crisis",
    "people_stable",
)


def config_labels(configs: Sequence[str], width: int = LABEL_CHARS) -> dict[str, str]:
    """Each configuration labelled by what sets it apart from the others, wrapped.

    A label's ``key=value`` settings that every configuration shares are left out (they
    would fill the label and, cut to its width, make two configurations look alike);
    the rest are kept whole, one setting per line where they do not fit together on one.
    Words that are not settings (a named configuration, ``no CoP``) are all kept, and a
    configuration with nothing of its own keeps its whole label.

    Args:
        configs: Configuration labels (``brokerage.hours_per_week=5 site=typical``).
        width: Characters per line.

    Returns:
        Label to show, by configuration; no two the same.
    """
    settings = {c: str(c).split() for c in configs}
    shared = set.intersection(*(set(s) for s in settings.values())) if len(configs) > 1 else set()
    shared = {s for s in shared if "=" in s}
    out: dict[str, str] = {}
    for config, parts in settings.items():
        own = [p for p in parts if p not in shared] or parts or [str(config)]
        out[config] = "\n".join(_wrap(own, width)) or str(config)
    seen: dict[str, int] = {}
    for config, label in out.items():  # labels that differ only in spacing
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            out[config] = f"{label} ({seen[label]})"
    return out


def _wrap(settings: Sequence[str], width: int) -> list[str]:
    """Settings on lines of ``width``: together where they fit, a long one after its ``=``."""
    lines: list[str] = []
    open_line = False  # whether the last line may take another setting
    for setting in settings:
        key, eq, value = setting.partition("=")
        if len(setting) > width and eq and value:
            lines += [f"{key}{eq}", value]  # a lone value reads as the key's, not the next's
            open_line = False
        elif open_line and len(f"{lines[-1]} {setting}") <= width:
            lines[-1] = f"{lines[-1]} {setting}"
        else:
            lines.append(setting)
            open_line = True
    return lines


def weekly_bands(
    runs: Runs, outputs: Sequence[str] = DEFAULT_WEEKLY, band: tuple[float, float] = (10, 90)
) -> Figure:
    """Median weekly series per configuration with a 10-90% band across replicates."""
    if runs.weekly is None:
        raise UsageError("these runs carry no weekly table")
    n = len(outputs)
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    names = config_labels(runs.configs)
    # Room below the panels for the legend: its rows of (wrapped) labels at 8 points.
    legend_cols = min(cols, 3)
    lines = max(label.count("\n") + 1 for label in names.values())
    legend = int(np.ceil(len(names) / legend_cols)) * (lines * 0.14 + 0.06) + 0.3
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(5 * cols, 3.4 * rows + legend),
        squeeze=False,
        sharex=True,
        layout="constrained",
    )
    events = {(e["week"], e.get("label", "")): e for ev in runs.events.values() for e in ev}
    for ax, output in zip(axes.flat, outputs, strict=False):
        for i, config in enumerate(runs.configs):
            sub = runs.weekly[runs.weekly["config"] == config]
            q = sub.groupby("week")[output].quantile([band[0] / 100, 0.5, band[1] / 100])
            q = q.unstack()
            style = series_style(i)
            ax.fill_between(
                q.index, q.iloc[:, 0], q.iloc[:, 2], color=style["color"], alpha=0.12, linewidth=0
            )
            ax.plot(q.index, q.iloc[:, 1], label=names[config], **style)
        mark_events(ax, list(events.values()))
        ax.set_title(output.replace("_", " "))
        ax.set_ylabel(UNITS.get(output, ""))
        ax.yaxis.set_major_formatter(OneFormat())
        ax.grid(alpha=0.3)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("week")
    # One legend for all panels, below them, outside the data: one entry a configuration.
    handles, labels = axes.flat[0].get_legend_handles_labels()
    entries = dict(zip(labels, handles, strict=True))
    fig.legend(
        list(entries.values()),
        list(entries),
        loc="outside lower center",
        ncols=legend_cols,
        fontsize=8,
    )
    fig.suptitle(f"Median and {band[0]:g}-{band[1]:g}% band across replicates", fontsize=11)
    return fig


def _intervals(
    table: pd.DataFrame, outputs: Sequence[str], low: str, high: str, colour: str, zero: bool
) -> Figure:
    """A grid of panels, one per output: each configuration's value with its interval."""
    configs = list(dict.fromkeys(table["config"]))
    labels = config_labels(configs)
    names = [labels[c] for c in configs]
    lines = max(n.count("\n") + 1 for n in names)
    cols = min(GRID_COLUMNS, len(outputs))
    rows = int(np.ceil(len(outputs) / cols))
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(
            2.2 + 3.2 * cols,
            rows * (max(0.5, 0.17 * lines + 0.1) * len(configs) + 1.2) + 0.6,
        ),
        squeeze=False,
        sharey=True,
        layout="constrained",
    )
    y = np.arange(len(configs))[::-1]
    for ax, output in zip(axes.flat, outputs, strict=False):
        sub = table[table["output"] == output].set_index("config").reindex(configs)
        xerr = [sub["mean"] - sub[low], sub[high] - sub["mean"]]
        ax.errorbar(sub["mean"], y, xerr=xerr, fmt="o", color=colour, capsize=3)
        if zero:
            ax.axvline(0, color="0.5", linestyle="--", linewidth=1)
        ax.set_yticks(y, names)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.xaxis.set_major_formatter(OneFormat())
        ax.set_title(output.replace("_", " "), fontsize=9)
        ax.grid(alpha=0.3, axis="x")
    for ax in axes.flat[len(outputs) :]:
        ax.set_visible(False)
    return fig


def forest(differences: pd.DataFrame, outputs: Sequence[str] | None = None) -> Figure:
    """Paired differences against the baseline with 95% intervals, one panel per output."""
    outputs = list(outputs or dict.fromkeys(differences["output"]))
    fig = _intervals(differences, outputs, "low", "high", "#2c3e50", zero=True)
    baseline = differences["baseline"].iloc[0] if len(differences) else ""
    configs = list(dict.fromkeys([baseline, *differences["config"]]))
    shown = config_labels(configs, width=10**6)[baseline] if baseline else ""
    fig.suptitle(
        textwrap.fill(f"Paired difference against {shown} (mean, bootstrap 95% interval)", 100),
        fontsize=10,
    )
    return fig


def heatmap(runs: Runs, output: str, x: str, y: str) -> Figure:
    """Mean of a summary output over a grid of two swept parameters."""
    # A sweep's summary already carries its swept columns: take them from the factors.
    summary = runs.summary.drop(columns=[x, y], errors="ignore")
    df = summary.merge(runs.factors[[x, y]], left_on="config", right_index=True)
    grid = df.groupby([y, x])[output].mean().unstack(x).sort_index(ascending=False)
    fig, ax = plt.subplots(
        figsize=(1.2 * grid.shape[1] + 3, 0.8 * grid.shape[0] + 2), layout="constrained"
    )
    im = ax.imshow(grid.to_numpy(float), cmap="viridis", aspect="auto")
    ax.set_xticks(range(grid.shape[1]), [str(v) for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [str(v) for v in grid.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    for (i, j), v in np.ndenumerate(grid.to_numpy(float)):
        ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=8, color="w")
    bar = fig.colorbar(im, ax=ax, label=f"{output} (mean over replicates)")
    bar.formatter = OneFormat()
    bar.update_ticks()
    ax.set_title(output.replace("_", " "))
    return fig


def means(stats: pd.DataFrame, outputs: Sequence[str] | None = None) -> Figure:
    """Each configuration's mean with its bootstrap 95% interval, one panel per output."""
    outputs = list(outputs or dict.fromkeys(stats["output"]))
    fig = _intervals(stats, outputs, "mean_low", "mean_high", "#8e44ad", zero=False)
    fig.suptitle("Mean per configuration (bootstrap 95% interval)", fontsize=10)
    return fig
