"""What ``copsim plan`` writes: the table, the chosen plan, a figure and a plain report.

``pareto.parquet`` (every candidate), ``plan.json`` (the chosen plan, or the closest and
what it misses), ``pareto.png`` (cost against the chance of survival, coloured by the
chance of paying, the chosen plan marked) and ``report.md`` (what to fund, for how long,
what it is likely to buy, and how sure that is).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copsim.analysis.plan import LEVER_WORDS, LEVERS, SURVIVAL_WEEKS, TARGETS, shortfall
from copsim.files import atomic_write, write_json

if TYPE_CHECKING:
    import pandas as pd

    from copsim.analysis.plan import Request


def chosen_plan(
    table: pd.DataFrame, req: Request, command: str, site: str, weeks: int
) -> dict[str, Any]:
    """``plan.json``: the chosen plan, its objectives with intervals, what it misses."""
    row = table[table["chosen"]].iloc[0].to_dict()
    misses = shortfall(row, req.targets)
    return {
        "meets_targets": not misses,
        "plan": {n: _plain(row[n]) for n in LEVERS},
        "trial": int(row["trial"]),
        "cost_pv": {k: row[f"cost_pv{s}"] for k, s in _ends()},
        "p_survive": {k: row[f"p_survive{s}"] for k, s in _ends()},
        "p_pays": {k: row[f"p_pays{s}"] for k, s in _ends()},
        "net_benefit_pv": {k: row[f"net_benefit_pv{s}"] for k, s in _ends()},
        "crises_avoided": row["crises_avoided"],
        "leavers_avoided": row["leavers_avoided"],
        "futures": int(row["futures"]),
        "misses": {
            k: {"target": req.targets[k], "short_by": v, "means": TARGETS[k]}
            for k, v in misses.items()
        },
        "targets": req.targets,
        "searched": {n: [lv.low, lv.high] for n, lv in req.ranges.items()},
        "fixed": dict(req.fixed),
        "site": site,
        "weeks": weeks,
        "survival_weeks": SURVIVAL_WEEKS,
        "plans_tried": len(table),
        "non_dominated": int(table["non_dominated"].sum()),
        "posterior": req.posterior,
        "command": command,
    }


def _ends() -> list[tuple[str, str]]:
    return [("mean", ""), ("low", "_low"), ("high", "_high")]


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def front_table(table: pd.DataFrame) -> list[str]:
    """The non-dominated plans, cheapest first, as the lines of a Markdown table."""
    lines = [
        "| cost | lasts a year | pays | broker h/week | funded weeks | protected time "
        "| managers' support |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    front = table[table["non_dominated"]].sort_values("cost_pv")
    for r in front.to_dict("records"):
        mark = " (chosen)" if r["chosen"] else ""
        lines.append(
            f"| {money(r['cost_pv'])}{mark} | {r['p_survive']:.0%} | {r['p_pays']:.0%} | "
            f"{r['brokerage.hours_per_week']:.1f} | {int(r['brokerage.funded_weeks'])} | "
            f"{r['nurture.protected_time']:.2f} | {r['nurture.manager_support']:.2f} |"
        )
    return lines


def money(x: float) -> str:
    """GBP to the nearest hundred (a commissioner's precision), the sign before the £."""
    sign = "-" if x < 0 else ""
    x = abs(x)
    return f"{sign}£{round(x, -2):,.0f}" if x >= 1000 else f"{sign}£{x:,.0f}"


def describe_plan(levers: Mapping[str, Any]) -> str:
    """A plan in words: broker hours, funded weeks, protected time, managers' support."""
    return (
        f"a broker for {levers['brokerage.hours_per_week']:.1f} hours a week for "
        f"{int(levers['brokerage.funded_weeks'])} weeks, with protected time "
        f"{levers['nurture.protected_time']:.2f} and managers' support "
        f"{levers['nurture.manager_support']:.2f}"
    )


def figure(table: pd.DataFrame, req: Request, title: str) -> Any:
    """Cost against the chance of survival, coloured by the chance of paying; chosen marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.8))
    cost = table["cost_pv"] / 1000
    yerr = [
        table["p_survive"] - table["p_survive_low"],
        table["p_survive_high"] - table["p_survive"],
    ]
    ax.errorbar(cost, table["p_survive"], yerr=yerr, fmt="none", ecolor="0.8", zorder=1)
    front = table[table["non_dominated"]]
    sc = ax.scatter(
        cost,
        table["p_survive"],
        c=table["p_pays"],
        cmap="viridis",
        vmin=0,
        vmax=1,
        s=[70 if nd else 30 for nd in table["non_dominated"]],
        edgecolors=["black" if nd else "none" for nd in table["non_dominated"]],
        zorder=2,
    )
    best = table.sort_values("cost_pv")
    frontier = best[best["p_survive"] >= best["p_survive"].cummax()]
    ax.step(frontier["cost_pv"] / 1000, frontier["p_survive"], where="post", color="0.5", lw=1)
    chosen = table[table["chosen"]].iloc[0]
    right = chosen["cost_pv"] > (table["cost_pv"].min() + table["cost_pv"].max()) / 2
    ax.scatter(
        [chosen["cost_pv"] / 1000],
        [chosen["p_survive"]],
        marker="*",
        s=420,
        facecolors="none",
        edgecolors="crimson",
        linewidths=2,
        zorder=3,
        label="the chosen plan",
    )
    ax.annotate(
        f"chosen: {chosen['brokerage.hours_per_week']:.1f} h/week for "
        f"{int(chosen['brokerage.funded_weeks'])} weeks\n"
        f"{money(chosen['cost_pv'])}; lasts {chosen['p_survive']:.0%}, pays {chosen['p_pays']:.0%}",
        (chosen["cost_pv"] / 1000, chosen["p_survive"]),
        xytext=(-14 if right else 14, -30 if chosen["p_survive"] > 0.2 else 24),
        textcoords="offset points",
        ha="right" if right else "left",
        fontsize=9,
        color="crimson",
    )
    ax.axhline(req.targets["survival"], color="crimson", ls="--", lw=0.8, label="survival target")
    if req.targets.get("budget"):
        ax.axvline(req.targets["budget"] / 1000, color="0.3", ls=":", lw=1, label="budget")
    ax.set_xlabel("Programme cost, £ thousand (discounted)")
    ax.set_ylabel(f"Chance the CoP still meets {SURVIVAL_WEEKS} weeks after funding ends")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title(title, fontsize=11)
    bar = fig.colorbar(sc, ax=ax)
    bar.set_label("Chance it pays for itself")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize=8, frameon=False)
    fig.text(
        0.01,
        0.01,
        f"{len(table)} plans tried; {len(front)} not beaten on cost, survival and paying at "
        "once (outlined); bars: 95% intervals",
        fontsize=8,
        color="0.3",
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def report(result: Mapping[str, Any], table: pd.DataFrame) -> str:
    """``report.md`` in plain words."""
    n = result["futures"]
    t = result["targets"]
    s, p, c, nb = (result[k] for k in ("p_survive", "p_pays", "cost_pv", "net_benefit_pv"))
    weeks = result["weeks"]
    lines = [f"# A plan for {_title(result['site'])}", ""]
    verb = "Fund" if result["meets_targets"] else "The closest plan found: fund"
    lines += [
        f"**{verb} {describe_plan(result['plan'])}.**",
        "",
        "(Protected time is how far managers shield their staff's CoP time from caseload "
        "pressure, from 0, not at all, to 1, fully; managers' support is how far managers who "
        "back the CoP close the gap to full support, 0 to 1.)",
        "",
    ]
    wanted = (
        f"a CoP still meeting a year after its funding ends in at least {t['survival']:.0%} "
        f"of futures and paying for itself in at least {t['pays']:.0%}"
        + (f", for at most {money(t['budget'])}" if t.get("budget") else "")
    )
    if result["meets_targets"]:
        lines.append(
            f"It is the cheapest of the {result['plans_tried']} plans tried that meets your "
            f"targets: {wanted}."
        )
    else:
        misses = "; ".join(_miss_words(k, v) for k, v in result["misses"].items())
        lines.append(
            f"None of the {result['plans_tried']} plans tried met your targets ({wanted}). "
            f"This one comes closest; it misses them: {misses}."
        )
    lines += [
        "",
        "## What it costs",
        "",
        f"About {money(c['mean'])} for the programme (broker, backfill and set-up, "
        f"discounted; 95% interval {money(c['low'])} to {money(c['high'])}).",
        "",
        "## What it is likely to buy",
        "",
        f"- A CoP that lasts: in {_of(s['mean'], n)} simulated futures the CoP was still "
        f"meeting {SURVIVAL_WEEKS} weeks after its funding ended ({s['mean']:.0%}; 95% "
        f"interval {s['low']:.0%} to {s['high']:.0%}).",
        f"- Value for money: in {_of(p['mean'], n)} futures it paid for itself over the "
        f"{weeks} weeks (net benefit above zero, discounted; {p['mean']:.0%}, 95% interval "
        f"{p['low']:.0%} to {p['high']:.0%}). Net benefit averaged {money(nb['mean'])} "
        f"(95% interval {money(nb['low'])} to {money(nb['high'])}).",
        f"- On average {result['crises_avoided']:.0f} crises and "
        f"{result['leavers_avoided']:.1f} staff leaving avoided against the same area "
        "without a CoP.",
        "",
        "## How sure this is",
        "",
        f"Each plan was run on the same {n} futures: {n} parameter sets of the calibrated "
        f"posterior ({result['posterior']}), each on its own seed, each against the same "
        "area without a CoP. Plans therefore differ by what is funded, not by luck, but "
        f"with {n} futures a chance is known only to within the intervals above"
        + ("; rerun with more replicates to narrow them." if n < 30 else "."),
        f"The search tried {result['plans_tried']} plans; {result['non_dominated']} of "
        f"them {'is' if result['non_dominated'] == 1 else 'are'} not beaten on cost, "
        "survival and value for money at once (listed below). "
        "Another search, or more plans, may find a cheaper plan that meets the targets.",
        "",
        "## Plans not beaten on every count",
        "",
        *front_table(table),
    ]
    searched = ", ".join(
        f"{LEVER_WORDS[k]} {lo:g} to {hi:g}" for k, (lo, hi) in result["searched"].items()
    )
    lines += [
        "",
        "## How this was made",
        "",
        f"Searched: {searched or 'nothing (every lever fixed)'}"
        + (
            "; fixed: " + ", ".join(f"{k}={v}" for k, v in result["fixed"].items())
            if result["fixed"]
            else ""
        )
        + ". Every plan's numbers are in `pareto.parquet`. Rerun (or resume) with:",
        "",
        "```bash",
        result["command"],
        "```",
        "",
    ]
    return "\n".join(lines)


def _title(site: str) -> str:
    """A site's name as a title: ``poor_history`` as ``Poor history``."""
    name = site.replace("_", " ")
    return name[:1].upper() + name[1:]


def _of(share: float, n: int) -> str:
    return f"{round(share * n)} of {n}"


def _miss_words(key: str, miss: Mapping[str, Any]) -> str:
    if key == "budget":
        return f"it costs {money(miss['short_by'])} more than the budget"
    what = "lasting a year" if key == "survival" else "paying for itself"
    got = miss["target"] - miss["short_by"]
    return f"the chance of {what} is {got:.0%}, against {miss['target']:.0%} asked"


def write(
    folder: Path, table: pd.DataFrame, req: Request, command: str, site: str, weeks: int
) -> dict[str, Any]:
    """Write the plan's four files into ``folder``; return ``plan.json``'s content."""
    from copsim.runs.plotting import save

    atomic_write(folder / "pareto.parquet", lambda p: table.to_parquet(p, index=False))
    result = chosen_plan(table, req, command, site, weeks)
    write_json(folder / "plan.json", result)
    title = f"Plans for {_title(site)}: cost against the chance the CoP lasts"
    fig = figure(table, req, title)
    atomic_write(folder / "pareto.png", lambda p: save(fig, str(p)))
    atomic_write(folder / "report.md", lambda p: p.write_text(report(result, table)))
    return result
