"""Every figure kind, at its largest documented case, can be read.

No two pieces of text overlap (tick labels, titles, axis labels, legends, event labels),
all text lies inside the figure, legends sit outside the data, and no two series share a
colour and a line style. Text extents come from matplotlib's own renderer.
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from copsim.analysis import figures
from copsim.analysis.replicates import Runs
from copsim.analysis.sensitivity import SensitivityResult, plot
from copsim.model.cop_model import CopModel
from copsim.runs.outputs import SUMMARY
from copsim.runs.plotting import overview

LONG_LABEL = "commissioner moves 10% of budgets to the agencies whose referrals fail most"
GRID = [
    f"brokerage.hours_per_week={h} brokerage.setup_weeks={s}"
    for h in (0, 2.5, 5, 10, 20)
    for s in (4, 12, 26)
]  # pattern 2: 15 configurations
OUTPUTS = ["turnover_rate", "net_benefit", "crises_avoided", "retention", "vacancy_rate",
           "burnout_mean", "programme_cost", "roi"]  # fmt: skip


def _texts(fig: Figure) -> list[tuple[str, Text]]:
    fig.canvas.draw()
    out: list[tuple[str, Text]] = []
    if fig._suptitle is not None:
        out.append(("suptitle", fig._suptitle))
    for legend in fig.legends:
        out += [("legend", t) for t in legend.get_texts()]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        out += [("title", t) for t in (ax.title, ax._left_title, ax._right_title)]
        out += [("label", ax.xaxis.label), ("label", ax.yaxis.label)]
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-6
            for tick in axis.get_major_ticks():  # only those drawn, inside the view
                if low - span <= tick.get_loc() <= high + span:
                    out += [("tick", t) for t in (tick.label1, tick.label2) if t.get_visible()]
        out += [("text", t) for t in ax.texts]
        if ax.get_legend() is not None:
            out += [("legend", t) for t in ax.get_legend().get_texts()]
    return [(k, t) for k, t in out if t.get_visible() and t.get_text().strip()]


def _problems(fig: Figure) -> list[str]:
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    boxes = [(k, t.get_text(), t.get_window_extent(renderer)) for k, t in _texts(fig)]
    problems = []
    for kind, text, box in boxes:
        if box.x0 < page.x0 - 1 or box.y0 < page.y0 - 1 or box.x1 > page.x1 + 1:
            problems.append(f"{kind} {text!r} runs off the figure")
        if box.y1 > page.y1 + 1:
            problems.append(f"{kind} {text!r} runs off the figure")
    for (k1, t1, b1), (k2, t2, b2) in itertools.combinations(boxes, 2):
        if k1 == k2 == "text":
            continue  # a heatmap's cell values sit in their own cells
        if b1.shrunk(0.98, 0.9).overlaps(b2.shrunk(0.98, 0.9)):
            problems.append(f"{k1} {t1!r} overlaps {k2} {t2!r}")
    data = [ax.get_window_extent(renderer) for ax in fig.axes if ax.get_visible()]
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if legend is not None:
            box = legend.get_window_extent(renderer).shrunk(0.98, 0.9)
            if any(box.overlaps(d) for d in data):
                problems.append("a legend covers data")
    for ax in fig.axes:
        styles = [(str(line.get_color()), line.get_linestyle()) for line in ax.get_lines()
                  if not line.get_label().startswith("_")]  # fmt: skip
        if len(styles) != len(set(styles)):
            problems.append(f"{len(styles)} series share colours and line styles")
    return problems


def _weekly_runs(configs: list[str], weeks: int = 156, seeds: int = 3) -> Runs:
    rng = np.random.default_rng(1)
    rows = len(configs) * seeds * (weeks + 1)
    weekly = pd.DataFrame(
        {
            "config": np.repeat(configs, seeds * (weeks + 1)),
            "seed": np.tile(np.repeat(np.arange(seeds), weeks + 1), len(configs)),
            "week": np.tile(np.arange(weeks + 1), len(configs) * seeds),
            **{o: rng.random(rows) * 60 for o in figures.DEFAULT_WEEKLY},
        }
    )
    summary = weekly.drop_duplicates(["config", "seed"])[["config", "seed"]]
    events = {c: [{"week": 52, "set": {}, "label": LONG_LABEL}] for c in configs}
    return Runs(summary.reset_index(drop=True), weekly, pd.DataFrame(), events)


def _intervals_table(kind: str) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    rows = []
    for config, output in itertools.product(GRID, OUTPUTS):
        scale = 150_000 if output in ("net_benefit", "programme_cost") else 1.0
        mean = rng.normal() * scale
        low, high = mean - scale * 0.3, mean + scale * 0.3
        row = {"config": config, "output": output, "mean": mean}
        if kind == "forest":
            row.update(low=low, high=high, baseline=GRID[0])
        else:
            row.update(mean_low=low, mean_high=high)
        rows.append(row)
    return pd.DataFrame(rows)


def _overview() -> Figure:
    events = [
        {"week": 52, "set": {"funding.agency_budget": 0.8}, "label": LONG_LABEL},
        {"week": 104, "set": {"brokerage.hours_per_week": 0.0}, "label": LONG_LABEL},
    ]
    values = {"weeks": 156, "site.people": 60, "site.practitioners_per_agency": 4,
              "events": events}  # fmt: skip
    model = CopModel(values).run_to_end()
    return overview(model.weekly_table(), events, "copsim run, seed 0 (config 0123456789abcdef)")


def _heatmap() -> Figure:
    hours, history = [0, 2.5, 5, 10, 20, 40], [0.1, 0.2, 0.35, 0.5, 0.75, 0.9]
    configs = [f"h={h} j={j}" for h in hours for j in history]
    factors = pd.DataFrame(
        [{"config": c, "brokerage.hours_per_week": h, "site.joint_working_history": j}
         for c, (h, j) in zip(configs, itertools.product(hours, history), strict=True)]
    ).set_index("config")  # fmt: skip
    summary = pd.DataFrame({"config": configs, "net_benefit": np.linspace(-9e4, 2e5, 36)})
    runs = Runs(summary, None, factors)
    return figures.heatmap(
        runs, "net_benefit", "brokerage.hours_per_week", "site.joint_working_history"
    )


def _sensitivity() -> Figure:
    names = [o.name for o in SUMMARY][:12]
    idx = pd.DataFrame({"parameter": [f"workforce.{n}" for n in names], "S1": 0.1,
                        "S1_conf": 0.05, "ST": 0.2, "ST_conf": 0.05})  # fmt: skip
    return plot(SensitivityResult("sobol", "net_benefit", idx, pd.DataFrame()))


def _plan() -> Figure:
    from copsim.analysis.plan import Request, non_dominated
    from copsim.analysis.plan_report import figure

    rng = np.random.default_rng(4)
    n = 48
    p = rng.integers(0, 9, n) / 8
    t = pd.DataFrame(
        {
            "trial": range(n),
            "cost_pv": rng.uniform(2e3, 1.4e5, n),
            "p_survive": p,
            "p_survive_low": np.maximum(p - 0.3, 0),
            "p_survive_high": np.minimum(p + 0.3, 1),
            "p_pays": rng.integers(0, 9, n) / 8,
            "brokerage.hours_per_week": rng.uniform(0, 40, n),
            "brokerage.funded_weeks": rng.integers(0, 105, n),
        }
    )
    t["non_dominated"] = non_dominated(t)
    t["chosen"] = t.index == t[t["p_survive"] >= 0.8]["cost_pv"].idxmin()
    req = Request(targets={"survival": 0.8, "pays": 0.5, "budget": 90000.0})
    return figure(t, req, "Plans for Poor history: cost against the chance the CoP lasts")


FIGURES = {
    "overview": _overview,
    "weekly bands, 15 series": lambda: figures.weekly_bands(_weekly_runs(GRID)),
    "forest, 15 x 8": lambda: figures.forest(_intervals_table("forest"), OUTPUTS),
    "means, 15 x 8": lambda: figures.means(_intervals_table("means"), OUTPUTS),
    "heatmap, 6 x 6": _heatmap,
    "sensitivity bars": _sensitivity,
    "plan, 48 plans": _plan,
}


FAST = {
    "heatmap, 6 x 6",
    "sensitivity bars",
    "plan, 48 plans",
}  # the rest take seconds each: slow tier


@pytest.mark.parametrize(
    "kind", [pytest.param(k, marks=[] if k in FAST else [pytest.mark.slow]) for k in FIGURES]
)
def test_figure_text_does_not_overlap_and_stays_on_the_figure(kind):
    fig = FIGURES[kind]()
    try:
        problems = _problems(fig)
    finally:
        plt.close(fig)
    assert not problems, "\n".join(problems[:10])
