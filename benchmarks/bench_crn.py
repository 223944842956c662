"""Benchmark (not a test): how much of a comparison between two runs is random-number noise.

The yardstick of issue 24 ("Noise-free comparisons"), to be run on the code before common
random numbers by agent slot and again after, on the same seeds:

a. for five small parameter changes (two crisis, two programme, one workforce), the SD over
   seeds of the paired difference (nudged minus base, same seed) in ``net_benefit_pv`` and
   ``turnover_rate``, with the range of the differences, and in ``expected_turnover_rate``
   (the same turnover as the hazards make it on average, without the draws' luck);
b. the replicates the CoP effect on turnover (``turnover_avoided``: the no-CoP twin's
   ``turnover_rate`` less the run's, paired by seed as every run computes it) needs for a
   95% interval of +/- 1 percentage point, ``n = ceil((1.96 SD / 0.01)^2)``;
c. as Starsim's CRN paper: with ``site.people`` 300 vs 301 (over the weeks after the site's
   build, and after its burn-in) and with one agency's budget raised by one post at week 0,
   the share of the other places whose crisis histories (each week's crises of whoever holds
   the place) are identical over ``--history-weeks`` weeks, beside the share identical by
   chance between runs of different seeds;
d. the replicates a PSA draw needs, by the ANOVA method of O'Hagan, Stevenson and Madan
   (2007, Health Economics 16:1009): within-draw and between-draw variance of
   ``net_benefit_pv`` over a small PSA run here (the PSA's own draws and seeds, ``copsim
   psa``'s points without its extras) or read from a PSA folder's ``psa.parquet``;
e. how far one changed fate spreads: in a site without a CoP, one person made to leave at
   week 10 and nothing else changed; the crises of the other places over the run (a floor
   under the noise of any change that alters a fate, which keyed draws cannot remove);
f. for each change of part a, the per-seed SD of the paired difference in each part of
   ``net_benefit_pv`` (crisis and turnover savings, programme and staff-time costs): which
   consequence of a changed fate carries the noise.
g. for each change of part a, how many seeds' CoP membership (member-weeks over the run)
   and number of leavers differ, by how much, and the paired SD of ``net_benefit_pv`` over
   the seeds whose leavers do not differ: whether a change's spread is a changed fate's
   cascade or the change's own lumpy consequence (a programme nudge that moves who joins
   when in every seed).

Runs of one configuration go through ``run_side_by_side`` (the results ``copsim.run`` gives
each seed alone, bit for bit; the script checks one). It prints a markdown report and
writes it, with the numbers as JSON, to ``--out`` (.md and .json). The defaults (10 seeds,
156 weeks, a PSA of 16 draws x 4 replicates) took 100 s on 2 cores shared with other work
(``--seeds 91001-91040 --psa-draws 32``: 8.5 minutes). Ten seeds give a rough SD (on
92001-92010 the first nudge's is 13,828 GBP against 33,077 on 91001-91010): compare before
and after on the same 40 seeds. Results before issue 24: ``benchmarks/results/crn_before*``.

    python benchmarks/bench_crn.py [--seeds 91001-91010] [--weeks 156] [--history-weeks 52]
        [--psa-draws 16] [--psa-replicates 4 | --psa DIR] [--out benchmarks/results/crn]
"""

from __future__ import annotations

import argparse
import math
import platform
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from copsim.analysis.psa_replicates import (
    MC_SHARE,
    anova_blocked,
    anova_split,
    balanced,
    replicates_for_mc_share,
)

HALF_WIDTH = 0.01
"""Target half-width of the 95% interval of the CoP effect on turnover (1 point)."""

Z95 = 1.959963984540054
"""The normal quantile of a two-sided 95% interval."""

OTHER_SEED = 500_000
"""Added to a seed for the run that shares none of its random numbers (part c's floor)."""

OUTPUTS = ("net_benefit_pv", "turnover_rate", "expected_turnover_rate")
"""The outputs whose paired differences are measured."""

NB_PARTS = (
    ("savings_crises_pv", 1),
    ("savings_turnover_pv", 1),
    ("programme_cost_pv", -1),
    ("staff_time_cost_pv", -1),
)
"""The parts of ``net_benefit_pv`` and their signs: savings less the programme's costs."""

CASCADE_SEEDS = 20
"""Seeds (the first of ``--seeds``) of part e."""


@dataclass(frozen=True)
class Nudge:
    """A small change of one parameter.

    Attributes:
        kind: ``crisis``, ``programme`` or ``workforce``.
        name: The parameter.
        base: Its value in the base configuration (the schema's default).
        nudged: Its value in the nudged configuration.
    """

    kind: str
    name: str
    base: float
    nudged: float


NUDGES = (
    Nudge("crisis", "needs.support_protection", 0.45, 0.46),
    Nudge("crisis", "crises.hospital_admission_rate", 0.40, 0.41),
    Nudge("programme", "brokerage.hours_per_week", 5.0, 5.1),
    Nudge("programme", "nurture.protected_time", 0.50, 0.51),
    Nudge("workforce", "workforce.burnout_fill", 0.030, 0.0306),
)
"""Five changes of about 2% each; the first and third are issue 24's."""


# Pure statistics (tests/test_bench_crn.py checks them on synthetic data).


def parse_seeds(text: str) -> list[int]:
    """Seeds from ``91001-91010`` (inclusive) or ``1,2,5`` or a mix (``1-3,7``)."""
    seeds: list[int] = []
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        if dash:
            lo, hi = int(first), int(last)
            if hi < lo:
                raise ValueError(f"empty seed range {part!r}")
            seeds += range(lo, hi + 1)
        else:
            seeds.append(int(first))
    return seeds


def paired_spread(x: Sequence[float], base: Sequence[float]) -> dict[str, float]:
    """The paired differences ``x - base`` (same seeds, same order): mean, SD and range.

    Returns:
        ``mean``, ``sd`` (n - 1 denominator; 0 for one seed), ``min``, ``max`` and ``n``.
    """
    d = np.asarray(x, float) - np.asarray(base, float)
    return {
        "mean": float(d.mean()),
        "sd": float(d.std(ddof=1)) if len(d) > 1 else 0.0,
        "min": float(d.min()),
        "max": float(d.max()),
        "n": len(d),
    }


def replicates_needed(sd: float, half_width: float = HALF_WIDTH, z: float = Z95) -> int:
    """Replicates for a 95% interval of a mean no wider than +/- ``half_width``.

    ``n = ceil((z SD / half_width)^2)``, at least 1.
    """
    return max(1, math.ceil((z * sd / half_width) ** 2 - 1e-9))


def parts_spread(
    nudged: Sequence[Mapping[str, float]], base: Sequence[Mapping[str, float]]
) -> dict[str, float]:
    """Part f: the per-seed SD of the paired difference in each part of net benefit.

    Args:
        nudged: Each seed's summary under the nudge.
        base: Each seed's base summary, in the same seed order.

    Returns:
        The SD of each part of :data:`NB_PARTS` (GBP, n - 1 denominator), and
        ``correlation``: the share of the net benefit's paired variance that the parts'
        covariances add or remove (their variances sum to the rest).

    Raises:
        ValueError: If the parts do not add up to ``net_benefit_pv`` in some summary.
    """
    for row in (*nudged, *base):
        total = sum(sign * row[name] for name, sign in NB_PARTS)
        if not math.isclose(total, row["net_benefit_pv"], rel_tol=1e-9, abs_tol=1e-6):
            raise ValueError(f"net benefit parts add to {total}, not {row['net_benefit_pv']}")
    diffs = {name: sign * (column(nudged, name) - column(base, name)) for name, sign in NB_PARTS}
    total = column(nudged, "net_benefit_pv") - column(base, "net_benefit_pv")
    out = {name: float(d.std(ddof=1)) for name, d in diffs.items()}
    var_total = float(total.var(ddof=1))
    var_parts = sum(float(d.var(ddof=1)) for d in diffs.values())
    out["correlation"] = (var_total - var_parts) / var_total if var_total > 0 else 0.0
    return out


def identical_share(a: np.ndarray, b: np.ndarray) -> float:
    """Share of columns (places) of two (weeks, places) histories identical in every week."""
    a, b = np.asarray(a), np.asarray(b)
    return float((a == b).all(axis=0).mean())


# Runs.


def _values(overrides: Sequence[str], weeks: int | None) -> dict[str, Any]:
    from copsim.config import compose, values_from_config

    extra = [f"weeks={weeks}"] if weeks is not None else []
    return values_from_config(compose([*overrides, *extra]))


FATES = ("cop_member_weeks", "leavers_total")
"""Part g's counts, from each run's weekly table (:func:`summaries`)."""


def summaries(values: Mapping[str, Any], seeds: Sequence[int]) -> list[dict[str, Any]]:
    """The run summaries of a configuration on each seed, in seed order.

    Each also has part g's counts: CoP member-weeks and leavers (a cumulative column) over
    the run.
    """
    from copsim.runs.runner import run_side_by_side

    return [
        {
            **r.summary,
            "cop_member_weeks": float(r.weekly["cop_members"].sum()),
            "leavers_total": float(r.weekly["leavers"].iloc[-1]),
        }
        for r in run_side_by_side([{**values, "seed": s} for s in seeds])
    ]


def fate_changes(
    nudged: Sequence[Mapping[str, Any]], base: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """Part g: in how many seeds, and by how much, membership and leavers differ.

    Returns, for each of :data:`FATES`, the share of seeds where it differs and the mean and
    SD of the paired difference; and the paired SD of ``net_benefit_pv`` over the seeds whose
    leavers do not differ (None with fewer than two).
    """
    out: dict[str, Any] = {}
    for name in FATES:
        d = column(nudged, name) - column(base, name)
        out[name] = {
            "differs": float(np.mean(d != 0)),
            "mean": float(d.mean()),
            "sd": float(d.std(ddof=1)),
        }
    same = column(nudged, "leavers_total") == column(base, "leavers_total")
    nb = column(nudged, "net_benefit_pv") - column(base, "net_benefit_pv")
    out["nb_sd_same_leavers"] = float(nb[same].std(ddof=1)) if same.sum() > 1 else None
    return out


def column(rows: Sequence[Mapping[str, Any]], output: str) -> np.ndarray:
    """One output of each summary."""
    return np.array([r[output] for r in rows], float)


def measure_nudges(
    seeds: Sequence[int], weeks: int | None, overrides: Sequence[str] = ()
) -> tuple[list[dict], list[dict]]:
    """Part a (and f), and the base runs' summaries (part b).

    Args:
        seeds: The seeds.
        weeks: The run length (None: the default).
        overrides: Overrides of the base configuration, kept in every nudged one (to measure
            how much of the noise a mechanism carries, by switching it off).
    """
    import copsim

    base_rows = summaries(_values(overrides, weeks), seeds)
    # run_side_by_side is copsim.run seed by seed: check one seed.
    alone = copsim.run(
        [*overrides, *([f"weeks={weeks}"] if weeks is not None else [])], seed=seeds[0]
    ).summary
    if alone["net_benefit_pv"] != base_rows[0]["net_benefit_pv"]:
        raise RuntimeError("runs side by side differ from copsim.run")
    rows = []
    for nudge in NUDGES:
        nudged = summaries(_values([*overrides, f"{nudge.name}={nudge.nudged}"], weeks), seeds)
        row = {**asdict(nudge)}
        for output in OUTPUTS:
            x, base = column(nudged, output), column(base_rows, output)
            row[output] = {**paired_spread(x, base), "sd_base": float(base.std(ddof=1))}
        row["parts"] = parts_spread(nudged, base_rows)
        row["fates"] = fate_changes(nudged, base_rows)
        rows.append(row)
    return rows, base_rows


def cop_effect(base: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Part b: the paired CoP effect on turnover and the replicates it needs."""
    avoided, run_t = column(base, "turnover_avoided"), column(base, "turnover_rate")
    # The twin's turnover is the run's plus what the CoP avoided, seed by seed.
    twin_sd, run_sd = float((run_t + avoided).std(ddof=1)), float(run_t.std(ddof=1))
    sd = float(avoided.std(ddof=1))
    expected = column(base, "expected_turnover_avoided")
    return {
        "mean": float(avoided.mean()),
        "sd": sd,
        "n": len(avoided),
        "replicates_needed": replicates_needed(sd),
        "expected_mean": float(expected.mean()),
        "expected_sd": float(expected.std(ddof=1)),
        "expected_replicates_needed": replicates_needed(float(expected.std(ddof=1))),
        # Were the twin on independent seeds: the variances of the two runs would add.
        "replicates_needed_unpaired": replicates_needed(math.hypot(twin_sd, run_sd)),
    }


def crisis_histories(
    values: Mapping[str, Any], seed: int, weeks: int, budget_post: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each place's crises each week and who held it, each shape (weeks, places).

    The people arrays are indexed by place: a newcomer takes the place of a leaver
    (:mod:`copsim.model.mechanisms.cohort`), so a place's history is the crises of
    whoever held it that week. The holder is given as the week they entered, so that a
    place with the same crises but held by someone else can be told apart.

    Args:
        values: The configuration.
        seed: The run's seed.
        weeks: Weeks to step from week 0.
        budget_post: An agency whose budget is raised by one post at week 0 (after the
            shared burn-in), or None.
    """
    from copsim.model.cop_model import CopModel

    model = CopModel({**values, "seed": seed, "weeks": weeks}, agents=False)
    agencies, people = model.agencies, model.people
    if budget_post is not None:
        # The budget in posts is agency_budget x size x share: one more post at budget 1.
        agencies.budget_share[budget_post] += 1.0 / agencies.size[budget_post]
    crises = np.zeros((weeks, len(people)), dtype=np.int64)
    holder = np.zeros((weeks, len(people)), dtype=np.int64)
    before = people.crisis_count.copy()
    for w in range(weeks):
        model.step()
        # A newcomer's count starts at 0 the week they are admitted (before crises).
        new = people.entered == model.week
        crises[w] = people.crisis_count - np.where(new, 0, before)
        holder[w] = people.entered
        before = people.crisis_count.copy()
    return crises, holder


def individual_level(
    seeds: Sequence[int], weeks: int, overrides: Sequence[str] = ()
) -> dict[str, Any]:
    """Part c: shares of the other places with identical crisis histories.

    ``overrides``: of the base configuration (``--base``).
    """
    values = _values(overrides, None)
    people = int(values["site.people"])
    more = {**values, "site.people": people + 1}
    # The site's size acts from its build: over the weeks after it (no burn-in), and after
    # the burn-in's years of its effects spreading.
    built = {**values, "burn_in_weeks": 0}
    out: dict[str, Any] = {"weeks": weeks, "seeds": len(seeds)}
    cases = {
        f"site.people {people} vs {people + 1}, from the build": (
            lambda s: crisis_histories({**built, "site.people": people + 1}, s, weeks),
            lambda s: crisis_histories(built, s, weeks),
        ),
        f"site.people {people} vs {people + 1}, after the burn-in": lambda s: crisis_histories(
            more, s, weeks
        ),
        "agency 0's budget +1 post at week 0": lambda s: crisis_histories(values, s, weeks, 0),
        # Runs sharing no random number: what matches by chance (places with no crisis).
        f"another seed (s + {OTHER_SEED}; the floor)": lambda s: crisis_histories(
            values, s + OTHER_SEED, weeks
        ),
    }
    same: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label in cases}
    for seed in seeds:
        after_burn_in = [x[:, :people] for x in crisis_histories(values, seed, weeks)]
        for label, other in cases.items():
            if isinstance(other, tuple):  # (the change, its own base)
                other, own_base = other
                a_c, a_h = (x[:, :people] for x in own_base(seed))
            else:
                a_c, a_h = after_burn_in
            # The places both runs have (the first `people`), matched by place number.
            b_c, b_h = (x[:, :people] for x in other(seed))
            same[label][0].append(identical_share(a_c, b_c))
            same[label][1].append(identical_share(np.vstack([a_c, a_h]), np.vstack([b_c, b_h])))
    for label, (crises, both) in same.items():
        out[label] = {
            "identical_crises": float(np.mean(crises)),
            "identical_crises_min": float(np.min(crises)),
            "identical_crises_and_holders": float(np.mean(both)),
        }
    return out


CASCADE_PLACE = 17
"""The place whose person is made to leave early in part e."""
CASCADE_WEEK = 10
"""The week they leave in part e."""


def one_exit_spread(
    seeds: Sequence[int], weeks: int, overrides: Sequence[str] = ()
) -> dict[str, Any]:
    """Part e: how far one person's early exit spreads, in a site without a CoP.

    Each seed's site runs twice from the same burned-in state; in the second, the person
    at place ``CASCADE_PLACE`` leaves at week ``CASCADE_WEEK`` (their next referral takes
    the place) and nothing else is changed. The crises of that place and of every other
    place over the run, and the other places whose crisis histories differ, measure how
    much a single changed fate moves the rest of the site through what people share
    (key workers' caseloads, agencies' capacity, the workforce): a floor under the
    paired noise of any change that alters a fate, which keyed draws cannot remove.
    """
    from copsim.model.cop_model import CopModel
    from copsim.model.mechanisms import cohort

    values = {**_values([*overrides, "scenario=no_cop"], None), "weeks": weeks}
    place, others, differing = [], [], []
    for seed in seeds:
        histories = []
        for early in (False, True):
            model = CopModel({**values, "seed": seed}, agents=False)
            people = model.people
            total = np.zeros(len(people), dtype=np.int64)
            before = people.crisis_count.copy()
            for week in range(1, weeks + 1):
                if early and week == CASCADE_WEEK:
                    cohort.admit(model, np.array([CASCADE_PLACE]))
                    before[CASCADE_PLACE] = 0
                model.step()
                new = people.entered == model.week
                total += people.crisis_count - np.where(new, 0, before)
                before = people.crisis_count.copy()
            histories.append(total)
        d = histories[1] - histories[0]
        place.append(int(d[CASCADE_PLACE]))
        others.append(int(d.sum() - d[CASCADE_PLACE]))
        differing.append(int(np.count_nonzero(np.delete(d, CASCADE_PLACE))))
    return {
        "seeds": len(seeds),
        "weeks": weeks,
        "place_sd": float(np.std(place, ddof=1)),
        "others_sd": float(np.std(others, ddof=1)),
        "others_range": [min(others), max(others)],
        "places_differing_mean": float(np.mean(differing)),
    }


def psa_values(
    draws: int, replicates: int, weeks: int | None, overrides: Sequence[str] = ()
) -> np.ndarray:
    """``net_benefit_pv`` of a small PSA run here, shape (draws, replicates).

    The PSA's own Latin hypercube (:func:`copsim.analysis.psa.plan` without the extras)
    and seeds (``0 .. replicates - 1``, as ``copsim psa`` runs a point's replicates), on
    the base configuration with ``overrides`` (``--base``).
    """
    from copsim.analysis.psa import plan
    from copsim.model.schema import validate

    base = _values(overrides, weeks)
    plain = {k: v for k, v in base.items() if k != "events"}
    out = np.empty((draws, replicates))
    for i, point in enumerate(plan(draws, extras=False)):
        values = {**validate({**plain, **point.overrides}), "events": base["events"]}
        out[i] = column(summaries(values, range(replicates)), "net_benefit_pv")
    return out


def psa_folder_values(folder: Path) -> np.ndarray:
    """``net_benefit_pv`` of a PSA folder's draws (its ``psa.parquet``), (draws, replicates).

    Only the seeds every draw has are kept, so that the design is balanced.
    """
    import pandas as pd

    table = pd.read_parquet(folder / "psa.parquet", columns=["draw", "seed", "net_benefit_pv"])
    return balanced(table)


def psa_replicates(values: np.ndarray, source: str) -> dict[str, Any]:
    """Part d: the ANOVA splits (one-way, and seeds as blocks) and the replicates a draw needs."""
    split = anova_split(values)
    blocked = anova_blocked(values)
    return {
        "source": source,
        **split,
        "mc_share": MC_SHARE,
        "mc_share_now": split["within"] / split["replicates"] / split["between"]
        if split["between"] > 0
        else None,
        "replicates_needed": replicates_for_mc_share(split["within"], split["between"]),
        "blocked": blocked,
        "replicates_needed_blocked": replicates_for_mc_share(
            blocked["residual"], blocked["between"]
        ),
        "values": np.asarray(values, float).tolist(),
    }


# Report.


def _gbp(v: float) -> str:
    return f"{v:+,.0f}" if v else "0"


def report(results: Mapping[str, Any]) -> str:
    """The results as markdown."""
    lines = [
        f"# Noise in paired comparisons ({results['commit']}, {results['date']})",
        "",
        f"Seeds {results['seeds_text']} ({len(results['seeds'])}), {results['weeks']} weeks; "
        f"`{results['command']}`; {results['seconds']:.0f} s."
        + (
            " Base configuration of every part (d: of a PSA run here): "
            f"`{' '.join(results['base'])}`."
            if results.get("base")
            else ""
        ),
        "",
        "## a. Per-seed SD of the paired difference (nudged minus base, same seed)",
        "",
        "| kind | change | SD in `net_benefit_pv` (GBP) | range | SD in `turnover_rate` "
        "| range | SD in `expected_turnover_rate` | SD of base `net_benefit_pv` |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in results["nudges"]:
        nb, tr = row["net_benefit_pv"], row["turnover_rate"]
        lines.append(
            f"| {row['kind']} | `{row['name']}` {row['base']:g} -> {row['nudged']:g} "
            f"| {nb['sd']:,.0f} | {_gbp(nb['min'])} to {_gbp(nb['max'])} "
            f"| {tr['sd']:.4f} | {tr['min']:+.4f} to {tr['max']:+.4f} "
            f"| {row['expected_turnover_rate']['sd']:.4f} | {nb['sd_base']:,.0f} |"
        )
    b = results["cop_effect"]
    lines += [
        "",
        "## b. Replicates for the CoP effect on turnover to +/- 1 point (95%)",
        "",
        f"`turnover_avoided` (twin minus run, same seed): mean {b['mean']:.4f}, per-seed SD "
        f"{b['sd']:.4f} over {b['n']} seeds: n = ceil((1.96 x SD / 0.01)^2) = "
        f"**{b['replicates_needed']}** replicates (unpaired, twin on other seeds: "
        f"{b['replicates_needed_unpaired']}). The same effect on `expected_turnover_rate` "
        f"(`expected_turnover_avoided`): mean {b['expected_mean']:.4f}, per-seed SD "
        f"{b['expected_sd']:.4f}: **{b['expected_replicates_needed']}** replicates.",
    ]
    individual = results.get("individual")
    if individual:
        lines += [
            "",
            "## c. Other places with identical crisis histories",
            "",
            f"Weekly crises of each place (matched by place number; a leaver's place is taken "
            f"by the next referral) over {individual['weeks']} weeks from week 0, "
            f"mean over {individual['seeds']} seeds:",
            "",
            "| change | identical crisis histories | worst seed | and the same holders |",
            "|---|---|---|---|",
        ]
        for label, c in individual.items():
            if isinstance(c, dict):
                lines.append(
                    f"| {label} | {c['identical_crises']:.1%} | {c['identical_crises_min']:.1%} "
                    f"| {c['identical_crises_and_holders']:.1%} |"
                )
    e = results.get("cascade")
    if e:
        lines += [
            "",
            "## e. How far one changed fate spreads (no CoP)",
            "",
            f"The person at place {CASCADE_PLACE} leaves at week {CASCADE_WEEK} and nothing "
            f"else changes; over {e['weeks']} weeks and {e['seeds']} seeds the place's own "
            f"crises change by SD {e['place_sd']:.1f}, the other places' by SD "
            f"{e['others_sd']:.1f} crises ({e['others_range'][0]:+d} to "
            f"{e['others_range'][1]:+d}), and {e['places_differing_mean']:.1f} other places "
            "have a different crisis count on average: what people share (key workers, "
            "agencies' capacity, the workforce) carries one change to the rest.",
        ]
    lines += [
        "",
        "## f. Where the paired difference in net benefit comes from",
        "",
        "Per-seed SD of the paired difference in each part of `net_benefit_pv` (GBP; "
        "savings from crises and from turnover, less the programme's cost and the staff "
        "time it takes; the last column is the share of the total's variance the parts' "
        "covariances add, negative where they offset):",
        "",
        "| change | crises | turnover | programme | staff time | covariances |",
        "|---|---|---|---|---|---|",
    ]
    for row in results["nudges"]:
        f = row["parts"]
        lines.append(
            f"| `{row['name']}` | "
            + " | ".join(f"{f[name]:,.0f}" for name, _ in NB_PARTS)
            + f" | {f['correlation']:+.0%} |"
        )
    lines += [
        "",
        "## g. Changed fates: CoP membership and leavers",
        "",
        "Share of seeds where the run's CoP member-weeks and its number of leavers differ, "
        "with the paired difference's mean and SD, and the paired SD of `net_benefit_pv` over "
        "the seeds whose leavers do not differ (GBP):",
        "",
        "| change | member-weeks differ | mean (SD) | leavers differ | mean (SD) "
        "| SD of net benefit, same leavers |",
        "|---|---|---|---|---|---|",
    ]
    for row in results["nudges"]:
        g = row["fates"]
        m, lv, same = g["cop_member_weeks"], g["leavers_total"], g["nb_sd_same_leavers"]
        lines.append(
            f"| `{row['name']}` | {m['differs']:.0%} | {m['mean']:+.1f} ({m['sd']:.1f}) "
            f"| {lv['differs']:.0%} | {lv['mean']:+.2f} ({lv['sd']:.2f}) "
            f"| {'-' if same is None else f'{same:,.0f}'} |"
        )
    d = results.get("psa")
    if not d:
        lines.append("")
        return "\n".join(lines)
    needed = d["replicates_needed"]
    lines += [
        "",
        "## d. Replicates a PSA draw needs (ANOVA, O'Hagan, Stevenson and Madan 2007)",
        "",
        f"{d['source']}: {d['draws']} draws x {d['replicates']} replicates of "
        f"`net_benefit_pv`. Within-draw variance {d['within']:.4g} (SD {d['within'] ** 0.5:,.0f}"
        f" GBP); between-draw variance {d['between']:.4g}"
        + (f" (SD {d['between'] ** 0.5:,.0f} GBP)" if d["between"] > 0 else "")
        + f"; Monte Carlo SD of a draw's mean at {d['replicates']} replicates "
        f"{d['mc_sd']:,.0f} GBP. Replicates for MC error variance <= "
        f"{d['mc_share']:.0%} of the between-draw variance: "
        + (f"**{needed}**." if needed else "**none suffices** (between-draw variance <= 0)."),
        "",
    ]
    if "blocked" in d:
        k, needed_k = d["blocked"], d["replicates_needed_blocked"]
        lines += [
            "Seeds as blocks (every draw runs the same seeds, which share their random "
            f"numbers): draw-by-seed residual variance {k['residual']:.4g} (SD "
            f"{k['residual'] ** 0.5:,.0f} GBP), seeds' variance {k['seed']:.4g}, between-draw "
            f"variance {k['between']:.4g}; replicates for the residual Monte Carlo variance "
            f"<= {d['mc_share']:.0%} of the between-draw variance: "
            + (f"**{needed_k}**." if needed_k else "**none suffices**."),
            "",
        ]
    return "\n".join(lines)


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    """Measure, print the report, and write it with the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="91001-91010", help="e.g. 91001-91010 or 1,2,3")
    parser.add_argument("--weeks", type=int, default=None, help="run length (default 156)")
    parser.add_argument("--history-weeks", type=int, default=52)
    parser.add_argument("--psa-draws", type=int, default=16)
    parser.add_argument("--psa-replicates", type=int, default=4)
    parser.add_argument("--psa", type=Path, default=None, help="a PSA folder to analyse")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/crn"))
    parser.add_argument(
        "--base",
        nargs="*",
        default=[],
        metavar="KEY=VALUE",
        help="overrides of every part's base configuration (kept under every nudge, change "
        "and PSA draw)",
    )
    parser.add_argument(
        "--nudges-only", action="store_true", help="parts a, b, f and g only (skip c, d and e)"
    )
    args = parser.parse_args()

    from copsim.errors import CopsimError
    from copsim.files import check_writable, write_json

    try:
        seeds = parse_seeds(args.seeds)
    except ValueError as err:
        parser.error(f"--seeds: {err}")
    if len(seeds) < 2:
        parser.error("--seeds: at least two seeds")
    try:
        check_writable(args.out.parent, "--out")
    except CopsimError as err:
        parser.error(str(err))

    start = time.perf_counter()
    try:
        nudges, base = measure_nudges(seeds, args.weeks, args.base)
    except CopsimError as err:
        parser.error(f"--base: {err}")
    b = cop_effect(base)
    individual, cascade, d = {}, {}, {}
    if not args.nudges_only:
        individual = individual_level(seeds, args.history_weeks, args.base)
        weeks = args.weeks or _values([], None)["weeks"]
        cascade = one_exit_spread(seeds[:CASCADE_SEEDS], weeks, args.base)
        if args.psa is not None:
            d = psa_replicates(psa_folder_values(args.psa), f"PSA folder {args.psa}")
        else:
            values = psa_values(args.psa_draws, args.psa_replicates, args.weeks, args.base)
            d = psa_replicates(values, "a PSA run here (copsim psa's draws and seeds)")
    results = {
        "commit": _commit(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": " ".join(["python", *sys.argv]),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "seeds_text": args.seeds,
        "seeds": seeds,
        "base": list(args.base),
        "weeks": args.weeks or _values([], None)["weeks"],
        "nudges": nudges,
        "cop_effect": b,
        "individual": individual,
        "cascade": cascade,
        "psa": d,
        "seconds": time.perf_counter() - start,
    }
    text = report(results)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".md").write_text(text)
    write_json(args.out.with_suffix(".json"), results)


if __name__ == "__main__":
    main()
