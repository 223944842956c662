"""A comparison written to a folder: tables (CSV and Markdown), figures and a short report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from copsim.analysis.figures import DEFAULT_WEEKLY, forest, heatmap, means, weekly_bands
from copsim.analysis.paired import compare, describe
from copsim.analysis.replicates import Runs
from copsim.files import atomic_write
from copsim.runs.plotting import save
from copsim.runs.provenance import copsim_version, git_commit
from copsim.words import count, count_range

DEFAULT_OUTPUTS = (
    "turnover_rate",
    "expected_turnover_rate",
    "retention",
    "burnout_mean",
    "crises_per_person_year",
    "share_stable",
    "share_recovered",
    "cross_agency_trust",
    "net_benefit",
)


def _markdown(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(_fmt(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def write_comparison(
    runs: Runs,
    folder: Path,
    baseline: str | None = None,
    outputs: Sequence[str] = DEFAULT_OUTPUTS,
    weekly_outputs: Sequence[str] = DEFAULT_WEEKLY,
) -> Path:
    """Write the comparison of ``runs`` against ``baseline`` into ``folder``.

    Files: ``summary_stats.csv/.md`` (per configuration: mean, median, 95% interval),
    ``paired_differences.csv/.md`` (against the baseline, by seed), ``runs.parquet`` (every
    run's summary), ``weekly_bands.png``, ``means.png``, ``forest.png``, ``heatmap.png``
    (when exactly two numeric parameters vary), and ``report.md`` tying them together.

    Returns:
        The path of ``report.md``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    outputs = [o for o in outputs if o in runs.outputs]
    baseline = runs.resolve(baseline) if baseline else runs.configs[0]
    stats = describe(runs, outputs)
    diffs = compare(runs, baseline, outputs)
    for name, df in (("summary_stats", stats), ("paired_differences", diffs)):
        atomic_write(folder / f"{name}.csv", lambda p, df=df: df.to_csv(p, index=False))
        atomic_write(folder / f"{name}.md", lambda p, df=df: p.write_text(_markdown(df)))
    atomic_write(folder / "runs.parquet", lambda p: runs.summary.to_parquet(p, index=False))

    figures = []
    if runs.weekly is not None:
        fig = weekly_bands(runs, weekly_outputs)
        atomic_write(folder / "weekly_bands.png", lambda p: save(fig, str(p)))
        figures.append(("Weekly series", "weekly_bands.png"))
    fig = means(stats, outputs)
    atomic_write(folder / "means.png", lambda p: save(fig, str(p)))
    figures.append(("Means per configuration", "means.png"))
    if len(diffs):
        fig = forest(diffs, outputs)
        atomic_write(folder / "forest.png", lambda p: save(fig, str(p)))
        figures.append(("Paired differences", "forest.png"))
    numeric = [
        c
        for c in runs.factors.columns
        if pd.api.types.is_numeric_dtype(runs.factors[c]) and runs.factors[c].nunique() > 1
    ]
    if len(numeric) == 2:
        fig = heatmap(runs, outputs[0], numeric[0], numeric[1])
        atomic_write(folder / "heatmap.png", lambda p: save(fig, str(p)))
        figures.append((f"{outputs[0]} over {numeric[0]} and {numeric[1]}", "heatmap.png"))

    n = runs.summary.groupby("config").size()
    lines = [
        "# copsim comparison\n",
        f"copsim {copsim_version()} (git {git_commit()}); "
        f"{count(len(runs.configs), 'configuration')}, "
        f"{count_range(int(n.min()), int(n.max()), 'replicate')} each; "
        f"baseline: `{baseline}`.\n",
        "Differences are paired by seed: every configuration ran on the same seeds, and "
        "every random draw is keyed by the agent it is for (common random numbers by agent "
        "slot), so a seed's difference reflects the configurations, not the noise. "
        "Intervals are bootstrap 95% intervals of the mean "
        "paired difference; the unpaired interval on the same runs is shown for comparison. "
        "`effect_size` is the mean difference over the average standard deviation of the "
        "two configurations.\n",
        "## Per configuration\n",
        _markdown(stats[["config", "output", "n", "mean", "median", "low", "high"]]),
        "## Against the baseline\n",
        _markdown(
            diffs[
                [
                    "config",
                    "output",
                    "mean",
                    "low",
                    "high",
                    "unpaired_low",
                    "unpaired_high",
                    "effect_size",
                ]
            ]
        )
        if len(diffs)
        else "(none)\n",
    ]
    for title, name in figures:
        lines.append(f"## {title}\n\n![{title}]({name})\n")
    report = folder / "report.md"
    atomic_write(report, lambda p: p.write_text("\n".join(lines)))
    return report
