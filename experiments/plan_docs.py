"""The plans in the docs: the Riverside worked example and lesson 2's three sites, regenerated.

Runs ``copsim plan`` (each command as printed in the docs) for ``conf/areas/riverside.yaml``
(docs/plan.md) and for ``site=poor_history``, ``typical`` and ``good_history``
(docs/results.md, lesson 2), copies their figures to ``docs/img/plan/``, draws the three
sites' fronts together, and rewrites the generated parts of both pages (between
``<!-- plan-docs:NAME -->`` and ``<!-- /plan-docs:NAME -->``). Each plan resumes if its
folder is there (``--out`` under ``results/plan-docs/``), so a killed regeneration goes on.

    python experiments/plan_docs.py              # everything (about 6 minutes on 2 idle cores)
    python experiments/plan_docs.py --only riverside
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from copsim.analysis.plan_report import front_table, money

REPO = Path(__file__).resolve().parents[1]
IMG = REPO / "docs" / "img" / "plan"
OUT = Path("results") / "plan-docs"
LAUNCHER = ["hydra/launcher=joblib"]

WORKED = ["site.file=conf/areas/riverside.yaml", "trials=32", "replicates=8"]
"""The worked example of docs/plan.md."""

SITES = {"poor_history": "poor (0.2)", "typical": "typical (0.5)", "good_history": "good (0.8)"}
LESSON2 = [
    "brokerage.hours_per_week=1:30",
    "nurture.protected_time=0.5",
    "nurture.manager_support=0.5",
    "trials=24",
    "replicates=8",
]
"""Lesson 2's plans, one per site (docs/results.md): brokerage searched, nurture held."""


def command(name: str, items: list[str]) -> list[str]:
    """The ``copsim plan`` command of one plan, as the docs print it."""
    return ["copsim", "plan", *items, *LAUNCHER, "--out", str(OUT / name)]


def run(name: str, items: list[str]) -> dict:
    """Run (or resume) one plan from the repository's root; its plan.json."""
    cmd = command(name, items)
    print("$", shlex.join(cmd), flush=True)
    started = time.perf_counter()
    exe = [sys.executable, "-m", "copsim", *cmd[1:]]
    subprocess.run(exe, cwd=REPO, check=True, stderr=subprocess.DEVNULL)
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    return json.loads((REPO / OUT / name / "plan.json").read_text())


def table(name: str) -> pd.DataFrame:
    """A plan's pareto.parquet."""
    return pd.read_parquet(REPO / OUT / name / "pareto.parquet")


def replace(page: Path, name: str, text: str) -> None:
    """Rewrite the generated part ``name`` of ``page``."""
    start, end = f"<!-- plan-docs:{name} -->", f"<!-- /plan-docs:{name} -->"
    body = page.read_text()
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(body):
        raise SystemExit(f"{page}: no {start} ... {end} to rewrite")
    page.write_text(pattern.sub(lambda _: f"{start}\n{text.strip()}\n{end}", body))


def interval(d: dict, pct: bool) -> str:
    """``mean (low to high)``."""
    if pct:
        return f"{d['mean']:.0%} ({d['low']:.0%} to {d['high']:.0%})"
    return f"{money(d['mean'])} ({money(d['low'])} to {money(d['high'])})"


def plan_words(p: dict) -> str:
    lv = p["plan"]
    return (
        f"{lv['brokerage.hours_per_week']:.1f} h/week for {int(lv['brokerage.funded_weeks'])} "
        f"weeks, protected time {lv['nurture.protected_time']:.2f}, managers' support "
        f"{lv['nurture.manager_support']:.2f}"
    )


def worked_example() -> None:
    """docs/plan.md: the Riverside plan, its figure and its front."""
    p = run("riverside", WORKED)
    shutil.copy(REPO / OUT / "riverside" / "pareto.png", IMG / "riverside-pareto.png")
    t = table("riverside")
    verdict = "meets the targets" if p["meets_targets"] else "comes closest to the targets"
    misses = "; ".join(
        f"{k}: {v['target'] - v['short_by']:.0%} against {v['target']:.0%}"
        if k != "budget"
        else f"budget: {money(v['short_by'])} over"
        for k, v in p["misses"].items()
    )
    lines = [
        "```bash",
        shlex.join(command("riverside", WORKED)),
        "```",
        "",
        "![Riverside: cost against the chance the CoP lasts a year after funding, coloured by "
        "the chance it pays](img/plan/riverside-pareto.png)",
        "",
        f"Of {p['plans_tried']} plans tried, {p['non_dominated']} are not beaten on cost, "
        f"survival and value for money at once. The chosen plan {verdict}"
        + (f" (it misses {misses})" if misses else "")
        + f": **{plan_words(p)}**, costing {interval(p['cost_pv'], False)}; "
        f"the CoP lasts a year after funding in {interval(p['p_survive'], True)} of futures "
        f"and pays for itself in {interval(p['p_pays'], True)}.",
        "",
        *front_table(t),
    ]
    replace(REPO / "docs" / "plan.md", "riverside", "\n".join(lines))


def lesson2() -> None:
    """docs/results.md: the plan each history needs, and their fronts together."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from copsim.runs.plotting import save

    plans = {site: run(site, [f"site={site}", *LESSON2]) for site in SITES}
    fig, ax = plt.subplots(figsize=(8, 5.6))
    for (site, label), colour in zip(SITES.items(), ("C3", "C0", "C2"), strict=True):
        t = table(site).sort_values("cost_pv", kind="stable")
        # the cheapest plan found for each chance of lasting (cost against survival alone)
        front = t[t["p_survive"] > t["p_survive"].cummax().shift(fill_value=-1)]
        ax.scatter(t["cost_pv"] / 1000, t["p_survive"], s=12, color=colour, alpha=0.3)
        ax.step(
            front["cost_pv"] / 1000, front["p_survive"], where="post", color=colour, label=label
        )
        ax.scatter(front["cost_pv"] / 1000, front["p_survive"], s=30, color=colour)
        c = t[t["chosen"]].iloc[0]
        ax.scatter(
            [c["cost_pv"] / 1000], [c["p_survive"]], marker="*", s=300, color=colour,
            edgecolors="black", zorder=3,
        )  # fmt: skip
    ax.axhline(0.8, color="0.4", ls="--", lw=0.8, label="survival target (0.8)")
    ax.set_xlabel("Programme cost, £ thousand (discounted)")
    ax.set_ylabel("Chance the CoP still meets 52 weeks after funding ends")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title("The plans each history of joint working needs (stars: chosen)", fontsize=11)
    ax.legend(
        title="history of joint working (lines: the cheapest plan found for each chance)",
        fontsize=8,
        title_fontsize=8,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=4,
        frameon=False,
    )
    fig.tight_layout()
    save(fig, str(IMG / "lesson2-fronts.png"))
    lines = ["```bash"]
    lines += [shlex.join(command(site, [f"site={site}", *LESSON2])) for site in SITES]
    lines += [
        "```",
        "",
        "![The plans each history of joint working needs](img/plan/lesson2-fronts.png)",
        "",
        "| history | chosen plan | cost | lasts a year | pays | meets the targets |",
        "|---|---|---:|---:|---:|---|",
    ]
    for site, label in SITES.items():
        p = plans[site]
        lines.append(
            f"| {label} | {plan_words(p)} | {interval(p['cost_pv'], False)} | "
            f"{interval(p['p_survive'], True)} | {interval(p['p_pays'], True)} | "
            f"{'yes' if p['meets_targets'] else 'no'} |"
        )
    replace(REPO / "docs" / "results.md", "lesson2", "\n".join(lines))


def main() -> None:
    """Run the plans and rewrite the docs' figures and tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("riverside", "lesson2"))
    opts = parser.parse_args()
    IMG.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if opts.only in (None, "riverside"):
        worked_example()
    if opts.only in (None, "lesson2"):
        lesson2()
    print(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
