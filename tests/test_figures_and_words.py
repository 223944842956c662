"""Issue 23, figures and words: labels that tell configurations apart, one number format per
axis, a titled tornado, an EVPPI that warns when its draws are too few, counts in words, and
the runs a PSA makes said where a user reads it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from copsim.analysis import evppi, figures, psa, psa_report
from copsim.analysis.psa import plan
from copsim.model.uncertainty import UNCERTAINTY
from copsim.sweep.collect import SweepOutcome, verdict
from copsim.words import count, count_range, plural
from tests.conftest import run_cli
from tests.test_figures_readable import _problems, _weekly_runs

ROOT = Path(__file__).resolve().parents[1]

# The configurations of the issue: the full labels share a 50-character prefix.
PREFIXED = [
    f"brokerage.hours_per_week=5.0 site.joint_working_history={j} brokerage.setup_weeks={s}"
    for j in (0.1, 0.35)
    for s in (4, 12)
]


def _ticks(axis) -> list[str]:
    low, high = sorted(axis.get_view_interval())
    return [
        t.label1.get_text()
        for t in axis.get_major_ticks()
        if low <= t.get_loc() <= high and t.label1.get_text()
    ]


def _intervals(configs: list[str], scale: float) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    for config in configs:
        for output, s in (("net_benefit", scale), ("retention", 0.1)):
            mean = rng.normal() * s + s / 2
            rows.append(
                {"config": config, "output": output, "mean": mean, "low": mean - s,
                 "high": mean + s, "baseline": configs[0]}
            )  # fmt: skip
    return pd.DataFrame(rows)


# --- labels -------------------------------------------------------------------------------


def test_configurations_are_labelled_by_what_differs_wrapped_and_never_alike():
    labels = figures.config_labels(PREFIXED)
    assert len(set(labels.values())) == len(PREFIXED)
    for config, label in labels.items():
        assert "hours_per_week" not in label  # the same in all: it tells nothing apart
        assert all(len(line) <= figures.LABEL_CHARS for line in label.splitlines())
        # nothing cut: every differing setting is there whole, once the lines are joined
        joined = label.replace("=\n", "=").replace("\n", " ")
        assert joined.split() == [p for p in config.split() if "hours_per_week" not in p]
    assert figures.config_labels(["default"]) == {"default": "default"}
    named = ["no CoP", "CoP", "CoP, broker leaves at week 78"]  # an experiment's names
    assert figures.config_labels(named, width=100) == {n: n for n in named}
    assert figures.config_labels(["x=1", "x=1 y=2"]) == {"x=1": "x=1", "x=1 y=2": "y=2"}


def test_weekly_bands_legend_has_one_distinct_entry_per_configuration():
    fig = figures.weekly_bands(_weekly_runs(PREFIXED, weeks=20, seeds=2), ["burnout_mean"])
    try:
        fig.canvas.draw()
        texts = [t.get_text() for t in fig.legends[0].get_texts()]
        assert len(texts) == len(PREFIXED) == len(set(texts))
        assert not _problems(fig)
    finally:
        plt.close(fig)


@pytest.mark.parametrize("kind", ["forest", "means"])
def test_a_money_axis_has_one_number_format_and_labels_differ(kind):
    table = _intervals(PREFIXED, scale=8000.0)
    if kind == "means":
        table = table.rename(columns={"low": "mean_low", "high": "mean_high"})
        fig = figures.means(table, ["net_benefit", "retention"])
    else:
        fig = figures.forest(table, ["net_benefit", "retention"])
    try:
        fig.canvas.draw()
        money, share = fig.axes[0], fig.axes[1]
        ticks = _ticks(money.xaxis)
        assert len(ticks) >= 3 and not any("e" in t for t in ticks), ticks
        # all in thousands (or, for zero, plain 0), none in a format of its own
        assert all(t == "0" or t.endswith("k") for t in ticks), ticks
        decimals = {len(t.rstrip("k").partition(".")[2]) for t in ticks if t != "0"}
        assert len(decimals) == 1, ticks
        assert not any(t.endswith("k") for t in _ticks(share.xaxis))
        names = [t.get_text() for t in money.get_yticklabels()]
        assert len(set(names)) == len(PREFIXED)
        assert not _problems(fig)
    finally:
        plt.close(fig)


def test_one_format_writes_every_tick_alike():
    from copsim.runs.plotting import OneFormat

    f = OneFormat()
    for locs, want in (
        ([-8000, 0, 8000, 16000], ["-8k", "0", "8k", "16k"]),
        ([0, 2500, 5000, 7500, 10000], ["0", "2.5k", "5.0k", "7.5k", "10.0k"]),
        ([0, 0.05, 0.1], ["0", "0.05", "0.10"]),
        ([0, 2, 4], ["0", "2", "4"]),
    ):
        f.set_locs(locs)
        assert [f(x) for x in locs] == want


# --- PSA report ---------------------------------------------------------------------------


def _ranges(n: int = 12) -> pd.DataFrame:
    names = list(UNCERTAINTY)[:n]
    low = -np.linspace(20_000, 2_000, n)
    return pd.DataFrame(
        {"parameter": names, "value_low": 0.1, "value_high": 0.9, "low": low,
         "high": -low / 2, "base": 3_000.0, "swing": 1.5 * -low}
    )  # fmt: skip


def test_the_tornado_has_a_title_and_its_base_case_line_a_legend_entry():
    fig = psa_report.tornado_figure(_ranges())
    try:
        fig.canvas.draw()
        ax = fig.axes[0]
        assert "one-way" in ax.get_title().lower()
        entries = [t.get_text() for t in fig.legends[0].get_texts()]
        assert any(e.startswith("base case") for e in entries), entries
        assert len(entries) == len(set(entries))
        assert not _problems(fig)
    finally:
        plt.close(fig)


def _draws(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = psa.varied((), psa.POSTERIOR)  # what the default PSA draws
    table = pd.DataFrame({name: rng.random(n) for name in names})
    table[psa_report.NB] = 1000 * table[names[0]] - 400 + rng.normal(size=n)
    return table


def test_evppi_from_too_few_draws_comes_with_a_warning_naming_the_draws_needed():
    groups = psa_report.evppi_groups(_draws(4))
    largest = max(len(names) for names in groups.values())
    needed = evppi.draws_needed(largest)
    assert needed == evppi.DRAWS_PER_TERM * evppi.terms(largest)
    small = max(k for k in map(len, groups.values()) if k <= evppi.POLYNOMIAL_MAX)
    assert evppi.terms(small) == evppi.design(np.zeros((2, small))).shape[1]
    few = _draws(4)
    values = psa_report.evppi_by_group(few).set_index("group")["evppi"]
    # The symptom: a polynomial group with no more draws than terms passes through every
    # draw, so its EVPPI equals the EVPI.
    polynomial = [g for g, names in groups.items() if len(names) <= evppi.POLYNOMIAL_MAX]
    assert np.allclose(values[polynomial], values.iloc[0])
    warning = psa_report.evppi_warning(few)
    assert warning is not None and "4 draws" in warning and f"{needed} draws" in warning
    assert psa_report.evppi_warning(_draws(needed)) is None
    assert psa_report.evppi_warning(_draws(needed - 1)) is not None


# --- words --------------------------------------------------------------------------------


def test_counts_are_in_words():
    assert count(1, "configuration") == "1 configuration"
    assert count(0, "meeting") == "0 meetings"
    assert count(2, "agency") == "2 agencies" and count(1, "agency") == "1 agency"
    assert count(1, "person") == "1 person" and count(60, "person") == "60 people"
    assert count(3, "run file") == "3 run files" and plural("day") == "days"
    assert count_range(3, 3, "replicate") == "3 replicates"
    assert count_range(3, 5, "replicate") == "3-5 replicates"


def test_no_printed_count_reads_in_the_wrong_number():
    # The f-strings that print a count followed by a plural noun go through copsim.words.
    # (A command's name, {prog}, is followed by a verb: "copsim compare runs ...".)
    pattern = re.compile(
        r"\{(?!prog\})[^{}]*\}\s(configurations|meetings|replicates|runs|jobs|draws)\b"
    )
    found = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in (ROOT / "src" / "copsim").rglob("*.py")
        for line in path.read_text().splitlines()
        if pattern.search(line) and "count(" not in line
    ]
    assert not found, "\n".join(found)


def test_the_sweep_verdict_says_what_it_reused_and_what_it_holds_once():
    # A PSA's 50 points over 2 seeds, one point the base case again: its job finds the
    # base case's runs, computed by another job of the same sweep (not reused).
    jobs = [{"point": f"p{i}", "seeds": [0, 1], "found": []} for i in range(49)]
    jobs.append({"point": "p0", "seeds": [0, 1], "found": [0, 1]})
    fresh = SweepOutcome(Path("sweep"), runs=98)
    fresh.count_jobs(jobs)
    line = verdict(fresh, this_sweep=True)
    assert (
        "50 jobs done; 98 runs in summary.parquet and weekly.parquet (2 of the jobs' 100 " in line
    )
    assert "reused" not in line
    # The same sweep again: every run found, made by the earlier sweep.
    again = SweepOutcome(Path("sweep"), runs=98)
    again.count_jobs([{**j, "found": j["seeds"]} for j in jobs])
    line = verdict(again, this_sweep=True)
    assert "50 jobs done (98 of their 98 finished runs reused from an earlier sweep" in line
    one = SweepOutcome(Path("sweep"), runs=1)
    one.count_jobs([{"point": "p", "seeds": [0], "found": []}])
    assert "1 job done; 1 run in summary.parquet and weekly.parquet; 0 failed" in verdict(
        one, this_sweep=True
    )


def test_readme_and_help_say_how_many_runs_a_psa_makes():
    extra = len(plan(1)) - 1  # counted from the plan itself, not from psa.extra_points
    # The grid's needs.support_protection=0.45 is the base case, and so is the low end of
    # cop.peer_support_weeks (the posterior's 2.5th percentile rounds to its default, 2).
    shared = 2
    for draws, reps in ((200, 4), (4, 2)):
        assert psa.runs_needed(draws, reps) == (draws + extra - shared) * reps
    readme = (ROOT / "README.md").read_text()
    text = " ".join(readme.split())
    assert f"it runs {extra} points" in text
    assert f"(N + {extra - shared}) x R model runs" in text
    assert f"{psa.runs_needed(200, 4)} for `draws=200 replicates=4`" in text
    largest = max(map(len, psa_report.evppi_groups(_draws(1)).values()))
    assert f"{evppi.draws_needed(largest)} draws with every parameter varied" in text
    helped = run_cli("psa", "--help", cwd=ROOT)
    assert helped.returncode == 0
    said = " ".join(helped.stdout.split())
    assert f"(N + {extra - shared}) x R model runs" in said
    assert f"{psa.runs_needed(200, 4)} for draws=200 replicates=4" in said


@pytest.mark.slow
def test_a_small_psa_warns_about_evppi_and_its_counts_agree(tmp_path):
    out = tmp_path / "psa"
    args = ["draws=2", "replicates=1", "weeks=12", "site.people=40", "burn_in_weeks=0"]
    done = run_cli("psa", *args, "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("copsim: warning")]
    assert len(warnings) == 1 and "EVPPI from 2 draws" in warnings[0], done.stderr
    largest = max(map(len, psa_report.evppi_groups(_draws(1)).values()))
    assert f"{evppi.draws_needed(largest)} draws or more" in warnings[0]
    report = (out / "report.md").read_text()
    assert "**Warning:** EVPPI from 2 draws" in report
    verdict_line = next(line for line in done.stdout.splitlines() if "runs in summary" in line)
    runs = psa.runs_needed(2, 1)
    assert f"{runs} runs in summary.parquet" in verdict_line
    shared = psa.shared_points()
    assert f"{shared} of the jobs' {runs + shared} finished runs repeat" in verdict_line
    assert len(list((out / "sweep" / "runs").glob("*/seed-*.parquet"))) == runs
    assert (
        json.loads((out / "psa.json").read_text())["evppi_warning"]
        == warnings[0].split("warning: ")[1]
    )
