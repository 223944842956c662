"""What a PSA shows, written as ``psa.json``, figures and ``report.md``.

Probabilities, the cost-effectiveness plane, acceptability curves, a tornado, EVPPI, the
replicates a draw needs (:mod:`copsim.analysis.psa_replicates`) and break-even values.

Every figure is computed from the PSA's runs: ``psa.parquet`` (the draws) for the
probabilities, plane, acceptability curves and EVPPI; the base, one-way and grid points
of the same sweep for the tornado and break-even values. A draw's net benefit is its mean
over seeds, so seed noise averages out before a draw is called positive or negative.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from copsim.analysis import break_even, evppi, psa_replicates
from copsim.analysis.psa import BREAK_EVEN_GRID, Point
from copsim.files import atomic_write, write_json
from copsim.model.uncertainty import (
    CALIBRATION_PRIORS,
    GROUPS,
    RETENTION_STRENGTHS,
    UNCERTAINTY,
)
from copsim.runs.appraisal import HORIZON_YEARS, PERSPECTIVES
from copsim.runs.plotting import OneFormat, save
from copsim.words import count

NB = "net_benefit_pv"
HORIZONS = {**{count(n, "year"): f"{NB}_y{n}" for n in HORIZON_YEARS}, "whole run": NB}

WTP_CRISIS = np.linspace(0.0, 5000.0, 51)
"""Willingness to pay per crisis avoided (GBP, beyond its cost) for the acceptability curve."""

WTP_LEAVER = np.linspace(0.0, 50000.0, 51)
"""Willingness to pay per leaver avoided (GBP, beyond the replacement cost)."""

RETENTION = "retention strengths"
"""An EVPPI group across the others: every channel by which a CoP keeps staff."""


def evppi_groups(draws: pd.DataFrame) -> dict[str, list[str]]:
    """The EVPPI's parameter groups, each the drawn parameters it holds.

    The groups of :data:`copsim.model.uncertainty.GROUPS`, by each prior's group, then the
    retention strengths together (:data:`RETENTION_STRENGTHS`; they also sit in their own
    groups).
    """
    priors = {**UNCERTAINTY, **CALIBRATION_PRIORS}
    groups = {g: [n for n, d in priors.items() if d.group == g and n in draws] for g in GROUPS}
    groups[RETENTION] = [n for n in RETENTION_STRENGTHS if n in draws]
    return {g: names for g, names in groups.items() if names}


def per_draw(table: pd.DataFrame) -> pd.DataFrame:
    """One row per draw: drawn values and the mean of each output over the draw's seeds."""
    values = table.drop(columns="seed").apply(pd.to_numeric, errors="coerce")
    return values.dropna(axis=1, how="all").groupby("draw").mean()


def prob_positive(draws: pd.DataFrame) -> dict[str, float | None]:
    """Share of draws with a positive mean net benefit, at each horizon the runs reach."""
    out: dict[str, float | None] = {}
    for label, column in HORIZONS.items():
        v = draws[column].dropna() if column in draws else []
        out[label] = float((v > 0).mean()) if len(v) else None
    return out


def acceptability(draws: pd.DataFrame, effect: str, wtp: np.ndarray) -> np.ndarray:
    """Probability the CoP is worth it at each willingness to pay per unit of ``effect``.

    Net monetary benefit ``NB + wtp * effect`` (the savings already count what the avoided
    events cost; ``wtp`` is what a decision maker would pay beyond that).
    """
    nb, e = draws[NB].to_numpy(), draws[effect].to_numpy()
    return np.array([float(np.mean(nb + w * e > 0)) for w in wtp])


def tornado(runs: pd.DataFrame, points: Sequence[Point]) -> pd.DataFrame:
    """One-way ranges: mean net benefit over the common seeds at each end of each range."""
    base = runs[runs["label"] == "base"].set_index("seed")[NB]
    values = {p.label: next(iter(p.overrides.values())) for p in points if p.kind == "one_way"}
    names = dict.fromkeys(label.partition(":")[2] for label in values)
    rows = []
    for name in names:
        ends = {}
        for side in ("low", "high"):
            sub = runs[runs["label"] == f"{side}:{name}"].set_index("seed")[NB]
            seeds = sub.index.intersection(base.index)
            ends[side] = float(sub.loc[seeds].mean()) if len(seeds) else np.nan
        if not np.isnan(ends["low"]):
            low, high = values[f"low:{name}"], values[f"high:{name}"]
            rows.append({"parameter": name, "value_low": low, "value_high": high, **ends})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["base"] = float(base.mean())
    out["swing"] = (out["high"] - out["low"]).abs()
    return out.sort_values("swing", ascending=False).reset_index(drop=True)


def evppi_by_group(draws: pd.DataFrame) -> pd.DataFrame:
    """EVPI and regression-based EVPPI of each parameter group (GBP per site)."""
    nb = draws[NB].to_numpy()
    rows = [{"group": "all parameters (EVPI)", "parameters": "", "evppi": evppi.evpi(nb)}]
    for group, names in evppi_groups(draws).items():
        value = evppi.evppi(nb, draws[names].to_numpy())
        rows.append({"group": group, "parameters": ", ".join(names), "evppi": value})
    return pd.DataFrame(rows)


def evppi_warning(draws: pd.DataFrame) -> str | None:
    """Why the EVPPI of these draws cannot be read yet, or None if it can.

    Every group needs :func:`copsim.analysis.evppi.draws_needed` draws (ten per term of
    its regression); the message says how many the largest group needs.
    """
    sizes = [len(names) for names in evppi_groups(draws).values()]
    needed = max((evppi.draws_needed(k) for k in sizes), default=0)
    if len(draws) >= needed:
        return None
    return (
        f"EVPPI from {count(len(draws), 'draw')} is not meaningful yet: the regression of "
        f"its largest parameter group needs {count(needed, 'draw')} or more "
        f"({evppi.DRAWS_PER_TERM} per term or hyperparameter); rerun with draws={needed}"
    )


def break_evens(runs: pd.DataFrame, points: Sequence[Point]) -> list[break_even.BreakEven]:
    """Break-even of the grid parameters and of the crisis unit costs (whole and by payer)."""
    out = []
    for name in BREAK_EVEN_GRID:
        grid_points = sorted(
            (p.overrides[name], p.label) for p in points if p.kind == "grid" and name in p.overrides
        )
        if not grid_points:
            continue
        wide = {v: runs[runs["label"] == label].set_index("seed")[NB] for v, label in grid_points}
        seeds = sorted(set.intersection(*(set(s.index) for s in wide.values())))
        if seeds:
            nb = np.array([wide[v].loc[seeds].to_numpy() for v, _ in grid_points])
            out.append(break_even.on_grid(name, np.array([v for v, _ in grid_points]), nb))
    base = runs[runs["label"] == "base"].sort_values("seed")
    if len(base):
        nb = base[NB].to_numpy()
        out.append(
            break_even.unit_cost_scale(
                "all crisis unit costs (scale)", nb, base["savings_crises_pv"].to_numpy()
            )
        )
        counted = (
            PERSPECTIVES[str(base["economics.perspective"].iloc[0])]
            if ("economics.perspective" in base)
            else PERSPECTIVES["public_sector"]
        )
        for payer in counted:
            out.append(
                break_even.unit_cost_scale(
                    f"{payer} crisis unit costs (scale)",
                    nb,
                    base[f"savings_crises_{payer}_pv"].to_numpy(),
                )
            )
    return out


# --- figures -----------------------------------------------------------------------------


def _money(*axes: Any) -> None:
    """One number format on each money axis (:class:`copsim.runs.plotting.OneFormat`)."""
    for axis in axes:
        axis.set_major_formatter(OneFormat())


def plane_figure(draws: pd.DataFrame) -> Figure:
    """Cost-effectiveness plane: incremental cost against savings, one point a draw."""
    fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
    cost, saved = draws["incremental_cost_pv"] / 1e3, draws["savings_pv"] / 1e3
    positive = draws[NB] > 0
    ax.scatter(cost[positive], saved[positive], s=12, color="#27ae60", label="net benefit > 0")
    ax.scatter(cost[~positive], saved[~positive], s=12, color="#c0392b", label="net benefit <= 0")
    top = float(max(cost.max(), saved.max(), 1.0)) * 1.05
    low = float(min(saved.min(), 0.0)) * 1.05
    ax.plot([0, top], [0, top], color="grey", lw=1, ls="--", label="break-even")
    ax.set_xlim(0, top)
    ax.set_ylim(low, top)
    ax.set_xlabel("incremental cost, GBP thousand (discounted)")
    ax.set_ylabel("savings, GBP thousand (discounted)")
    _money(ax.xaxis, ax.yaxis)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    return fig


def acceptability_figure(draws: pd.DataFrame) -> Figure:
    """Acceptability curves against willingness to pay per crisis and per leaver avoided."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained", sharey=True)
    for ax, effect, wtp, what in (
        (axes[0], "crises_avoided", WTP_CRISIS, "crisis avoided"),
        (axes[1], "leavers_avoided", WTP_LEAVER, "leaver avoided"),
    ):
        ax.plot(wtp, acceptability(draws, effect, wtp), color="#2980b9")
        ax.set_xlabel(f"willingness to pay per {what}, GBP (beyond its cost)")
        _money(ax.xaxis)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("probability the CoP is worth it")
    return fig


def tornado_figure(ranges: pd.DataFrame, top: int = 12) -> Figure:
    """Tornado: mean net benefit at each end of each parameter's 95% range."""
    r = ranges.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(r) + 2.3), layout="constrained")
    base = float(ranges["base"].iloc[0]) / 1e3
    y = np.arange(len(r))
    ax.barh(y, r["low"] / 1e3 - base, left=base, color="#2980b9", label="at 2.5th percentile")
    ax.barh(y, r["high"] / 1e3 - base, left=base, color="#e67e22", label="at 97.5th percentile")
    ax.axvline(base, color="black", lw=1, label=f"base case ({base:,.1f} thousand)")
    ax.axvline(0, color="grey", lw=1, ls="--", label="break-even (0)")
    ax.set_yticks(y, r["parameter"])
    ax.set_xlabel("mean net benefit, GBP thousand (discounted)")
    _money(ax.xaxis)
    ax.set_title(
        f"One-way ranges: net benefit with one parameter at each end of its 95% range "
        f"(top {count(len(r), 'parameter')} by swing)",
        fontsize=10,
        wrap=True,
    )
    # Below the panel, so that it covers no bar whichever side the bars run to.
    fig.legend(loc="outside lower center", ncols=2, fontsize=8)
    ax.grid(alpha=0.3, axis="x")
    return fig


def evppi_figure(values: pd.DataFrame) -> Figure:
    """EVPI and EVPPI by parameter group."""
    v = values.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(v) + 1.5), layout="constrained")
    ax.barh(np.arange(len(v)), v["evppi"], color="#8e44ad")
    ax.set_yticks(np.arange(len(v)), v["group"])
    ax.set_xlabel("expected value of (partial) perfect information, GBP per site")
    _money(ax.xaxis)
    ax.grid(alpha=0.3, axis="x")
    return fig


# --- writing -----------------------------------------------------------------------------


def results(
    table: pd.DataFrame,
    runs: pd.DataFrame,
    points: Sequence[Point],
    replicates: int,
    source: str,
) -> dict[str, Any]:
    """Everything ``psa.json`` holds, from the PSA's table and runs.

    ``source`` says what the draws were drawn from (:func:`copsim.analysis.psa.describe_source`).
    """
    draws = per_draw(table)
    nb = draws[NB]
    probs = prob_positive(draws)
    return {
        "source": source,
        "draws": int(len(draws)),
        "replicates": int(replicates),
        "replicates_anova": psa_replicates.sizing(psa_replicates.balanced(table)),
        "prob_net_benefit_positive": probs["whole run"],
        "prob_net_benefit_positive_by_horizon": probs,
        "net_benefit_pv_mean": float(nb.mean()),
        "net_benefit_pv_interval": [float(v) for v in np.percentile(nb, [2.5, 97.5])],
        "horizon_weeks": int(table["horizon_weeks"].iloc[0]),
        "evppi": evppi_by_group(draws).to_dict("records"),
        "evppi_warning": evppi_warning(draws),
        "break_even": [vars(b) for b in break_evens(runs, points)],
    }


def _table(df: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(_fmt(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "-"
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"
    return str(v)


def write(
    folder: Path,
    table: pd.DataFrame,
    runs: pd.DataFrame,
    points: Sequence[Point],
    replicates: int,
    command: str,
    source: str,
) -> dict[str, Any]:
    """Write ``psa.parquet``, ``psa.json``, the figures and ``report.md`` into ``folder``.

    ``source`` says what the draws were drawn from (``psa.json``'s ``source``).
    """
    atomic_write(folder / "psa.parquet", lambda p: table.to_parquet(p, index=False))
    res = results(table, runs, points, replicates, source)
    write_json(folder / "psa.json", res)
    draws = per_draw(table)
    ranges = tornado(runs, points)
    figures = {
        "ce_plane.png": plane_figure(draws),
        "acceptability.png": acceptability_figure(draws),
        "evppi.png": evppi_figure(evppi_by_group(draws)),
    }
    if not ranges.empty:
        figures["tornado.png"] = tornado_figure(ranges)
    for name, fig in figures.items():
        atomic_write(folder / name, lambda p, f=fig: save(f, str(p)))
    text = _report(res, draws, ranges, command, "tornado.png" in figures)
    atomic_write(folder / "report.md", lambda p: p.write_text(text))
    return res


def _replicates_text(a: dict[str, Any]) -> str:
    """The ANOVA sizing of replicates in words (O'Hagan, Stevenson and Madan 2007)."""
    if "note" in a:
        return f"With {count(a['replicates'], 'replicate')} a draw: {a['note']}.\n"

    def need(n: int | None) -> str:
        if n is None:
            return "any number of replicates falls short (the draws do not differ beyond noise)"
        return count(n, "replicate")

    def share(v: float | None) -> str:
        return "-" if v is None else f"{v:.2f}"

    return (
        "A draw's net benefit is the mean of its seeds. By a one-way analysis of variance "
        "(O'Hagan, Stevenson and Madan 2007) the within-draw (Monte Carlo) variance is "
        f"{a['within']:.3g} GBP^2 and the between-draw variance {a['between']:.3g}: at "
        f"{count(a['replicates'], 'replicate')} a draw mean's Monte Carlo variance is "
        f"{share(a['mc_share_now'])} of the between-draw variance, and for it to be at most "
        f"{a['mc_share']:.0%} a draw needs {need(a['replicates_needed'])}. With the "
        "seeds as blocks (every draw runs the same seeds on common random numbers, so a "
        "seed's shared luck moves every draw alike), the draw-by-seed residual is "
        f"{a['residual']:.3g} and the between-draw variance {a['between_blocked']:.3g}: "
        f"share {share(a['mc_share_now_blocked'])} now, "
        f"{need(a['replicates_needed_blocked'])} for {a['mc_share']:.0%}.\n"
    )


def _report(
    res: dict[str, Any], draws: pd.DataFrame, ranges: pd.DataFrame, command: str, tornado: bool
) -> str:
    probs = pd.DataFrame(
        [
            {"horizon": k, "P(net benefit > 0)": v}
            for k, v in res["prob_net_benefit_positive_by_horizon"].items()
        ]
    )
    lo, hi = res["net_benefit_pv_interval"]
    crisis_curve = acceptability(draws, "crises_avoided", WTP_CRISIS)
    leaver_curve = acceptability(draws, "leavers_avoided", WTP_LEAVER)
    be = pd.DataFrame(res["break_even"])
    lines = [
        "# Probabilistic sensitivity analysis\n\n",
        f"`{command}`: {res['draws']} parameter draws (from {res['source']}; "
        "docs/evidence.md), each over "
        f"{count(res['replicates'], 'seed')} with its no-CoP twin; "
        f"{count(res['horizon_weeks'], 'week')}. Costs and savings "
        "are discounted present values in the price year, from the perspective of the "
        "configuration (docs/economics.md). A draw's net benefit is its mean over seeds.\n\n",
        "## Probability that net benefit is positive\n\n",
        _table(probs),
        f"\nMean net benefit over draws GBP {res['net_benefit_pv_mean']:,.0f} "
        f"(95% of draws from {lo:,.0f} to {hi:,.0f}).\n\n",
        "## Cost-effectiveness plane\n\n![plane](ce_plane.png)\n\n",
        "## Acceptability\n\n",
        "Probability that the CoP is worth it when a decision maker values each crisis "
        "(left) or leaver (right) avoided beyond what it costs the public purse.\n\n",
        "![acceptability](acceptability.png)\n\n",
        f"At GBP 0, {crisis_curve[0]:.0%}; at GBP {WTP_CRISIS[10]:,.0f} per crisis avoided, "
        f"{crisis_curve[10]:.0%}; at GBP {WTP_LEAVER[10]:,.0f} per leaver avoided, "
        f"{leaver_curve[10]:.0%}.\n\n",
    ]
    if tornado:
        shown = ranges[["parameter", "value_low", "value_high", "low", "high", "swing"]]
        lines += [
            "## One-way ranges (tornado)\n\n",
            "Mean net benefit over the same seeds with one parameter at the 2.5th or 97.5th "
            "percentile of what it is drawn from (its prior, or the posterior's sets) and the "
            "rest at the base case "
            f"(GBP {ranges['base'].iloc[0]:,.0f}).\n\n",
            "![tornado](tornado.png)\n\n",
            _table(shown.head(10)),
            "\n",
        ]
    lines += [
        "## Value of further evidence (EVPPI)\n\n",
        "Expected value of perfect information on each parameter group, per site, by "
        "regression of net benefit on the group's draws (Strong, Oakley and Brennan 2014). "
        "A group worth little would not change the decision however well it were known.\n\n",
        *([f"**Warning:** {res['evppi_warning']}.\n\n"] if res["evppi_warning"] else []),
        "![evppi](evppi.png)\n\n",
        _table(pd.DataFrame(res["evppi"])),
        "\n## Replicates per draw\n\n",
        _replicates_text(res["replicates_anova"]),
        "\n## Break-even values\n\n",
        "Where mean net benefit is zero, with a bootstrap 95% interval over seeds; a scale "
        "multiplies the current unit costs. '-' where the curve does not cross zero within "
        "the grid (or in enough resamples).\n\n",
    ]
    if not be.empty:
        lines.append(_table(be[["name", "value", "low", "high", "crossing_share", "seeds"]]))
    return "".join(lines)
