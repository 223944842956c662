"""History matching of the no-CoP site: waves of runs, Gaussian-process emulators, cut-offs.

Bayesian history matching (Vernon, Goldstein and Bower 2010; Andrianakis et al. 2015)
rules out the inputs at which the model cannot match the reference figures. Each wave:

1. a space-filling design (a seeded Latin hypercube) in the priors' probability space,
   mapped to parameter values through each prior's ``ppf``; from wave 2 on, drawn inside
   the space every earlier wave left non-implausible (rejection from a larger hypercube);
2. its points run through the same Hydra job as any copsim sweep (``points.json`` and the
   points sweeper, like the PSA), ``scenario=no_cop``, ``replicates`` seeds each;
3. a Gaussian-process emulator per target (scikit-learn, Matern 5/2 plus a white-noise
   term, inputs in [0, 1], outputs normalised) fitted to the points' means over seeds;
4. the implausibility of input x for target z,
   ``I = |z - E[f(x)]| / sqrt(Var_emulator + Var_ensemble + Var_discrepancy + Var_obs)``,
   and its maximum over the fitted targets; x is non-implausible while that is below
   :data:`CUTOFF` for every wave so far.

Only inputs that act in a no-CoP run are varied (:data:`INPUTS`): the CoP's own strengths
(``cop.embeddedness`` and the others) cannot be identified by no-CoP targets and stay at
their priors. After the last wave, :func:`resample` draws the posterior's sets inside the
space every wave kept (``posterior.parquet``; :mod:`copsim.posterior` runs them); the PSA
does not read it yet.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from copsim.analysis.targets import TARGETS, Target
from copsim.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.gaussian_process import GaussianProcessRegressor

    from copsim.model.uncertainty import Distribution

HM_SEED = 20270301
"""Seed of the designs and of the emulators' optimiser restarts (wave k adds k)."""

CUTOFF = 3.0
"""Implausibility cut-off (Pukelsheim's three-sigma rule)."""

SCREEN = 20000
"""Size of the prior hypercube on which each wave's non-implausible fraction is estimated."""

POSTERIOR_SETS = 200
"""Parameter sets in a calibration's ``posterior.parquet``."""

PAIRS_POINTS = 400
"""Non-implausible points shown in a wave's pairs plot (a subsample)."""

INPUTS: tuple[str, ...] = (
    "workforce.turnover_at_zero_burnout",
    "workforce.hiring_lag_weeks",
    "workforce.burnout_leave_ratio",
    "workforce.burnout_fill",
    "workforce.burnout_recovery",
    "workforce.resilience_spread",
    "workforce.sector_differences",
    "workforce.new_starter_leave_ratio",
    "workforce.embeddedness_ties",
)
"""The uncertain inputs varied: every prior in UNCERTAINTY or CALIBRATION_PRIORS that acts
in a no-CoP run (the calibrated scenario)."""


def priors(held: Sequence[str] = ()) -> dict[str, Distribution]:
    """The prior of every input in :data:`INPUTS` not in ``held``."""
    from copsim.model.uncertainty import CALIBRATION_PRIORS, UNCERTAINTY

    every = {**UNCERTAINTY, **CALIBRATION_PRIORS}
    return {name: every[name] for name in INPUTS if name not in held}


def hypercube(d: int, n: int, seed: int) -> np.ndarray:
    """A seeded Latin hypercube of ``n`` points in [0, 1]^d (the priors' probability space)."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=d, seed=seed).random(n)


def to_values(u: np.ndarray, dists: Mapping[str, Distribution]) -> pd.DataFrame:
    """Parameter values of probability-space points, through each prior's ``ppf``."""
    import pandas as pd

    return pd.DataFrame({name: d.ppf(u[:, j]) for j, (name, d) in enumerate(dists.items())})


def to_probabilities(values: Mapping[str, float], dists: Mapping[str, Distribution]) -> np.ndarray:
    """Probability-space coordinates of one parameter set (each prior's ``cdf``)."""
    return np.array([[float(d.cdf(values[name])) for name, d in dists.items()]])


# --- emulators ---------------------------------------------------------------------------


@dataclass
class Emulator:
    """A Gaussian-process emulator of one target's mean over seeds.

    Attributes:
        target: The target's name.
        gp: The fitted scikit-learn regressor (inputs in [0, 1]).
        noise_var: The fitted white-noise variance, in the output's units.
        ensemble_var: Seed variance of a point's mean over its replicates.
    """

    target: str
    gp: GaussianProcessRegressor
    noise_var: float
    ensemble_var: float

    def predict(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Emulated mean and emulator variance (the white noise taken out) at ``u``."""
        mean, sd = self.gp.predict(u, return_std=True)
        return mean, np.maximum(sd**2 - self.noise_var, 0.0)


def fit_emulator(
    target: str, u: np.ndarray, y: np.ndarray, ensemble_var: float | None, seed: int
) -> Emulator:
    """Fit a GP (Matern 5/2 with ARD length scales, plus white noise) to ``y`` at ``u``.

    Args:
        target: The target's name.
        u: Inputs, n x d, in [0, 1].
        y: The points' means over seeds.
        ensemble_var: Seed variance of a mean; None to take the fitted white noise.
        seed: Seed of the optimiser's restarts.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    d = u.shape[1]
    kernel = ConstantKernel(1.0, (1e-3, 1e2)) * Matern(
        length_scale=np.full(d, 0.5), length_scale_bounds=(0.05, 50.0), nu=2.5
    ) + WhiteKernel(0.1, (1e-6, 1.0))
    gp = GaussianProcessRegressor(
        kernel, normalize_y=True, n_restarts_optimizer=3, random_state=seed
    )
    with warnings.catch_warnings():  # a length scale at its bound: an inactive input
        warnings.simplefilter("ignore", ConvergenceWarning)
        gp.fit(u, y)
    noise = float(gp.kernel_.k2.noise_level) * float(np.std(y)) ** 2
    return Emulator(target, gp, noise, noise if ensemble_var is None else ensemble_var)


def implausibility(
    z: float,
    mean: np.ndarray,
    emulator_var: np.ndarray,
    ensemble_var: float,
    discrepancy_var: float,
    obs_var: float,
) -> np.ndarray:
    """``|z - E[f(x)]| / sqrt(Var_emulator + Var_ensemble + Var_discrepancy + Var_obs)``."""
    total = np.asarray(emulator_var) + ensemble_var + discrepancy_var + obs_var
    return np.abs(z - np.asarray(mean)) / np.sqrt(total)


def target_implausibility(emulator: Emulator, target: Target, u: np.ndarray) -> np.ndarray:
    """Implausibility of one target at ``u`` by its emulator."""
    mean, var = emulator.predict(u)
    return implausibility(
        target.z, mean, var, emulator.ensemble_var, target.discrepancy_sd**2, target.obs_var
    )


def max_implausibility(
    emulators: Mapping[str, Emulator], u: np.ndarray, targets: Sequence[Target] = TARGETS
) -> np.ndarray:
    """The maximum implausibility over the fitted targets (three: no second-max)."""
    fitted = [t for t in targets if t.fitted]
    return np.max([target_implausibility(emulators[t.name], t, u) for t in fitted], axis=0)


def non_implausible(
    waves: Sequence[Mapping[str, Emulator]], u: np.ndarray, targets: Sequence[Target] = TARGETS
) -> np.ndarray:
    """Whether each point of ``u`` is non-implausible by every wave's emulators."""
    keep = np.ones(len(u), dtype=bool)
    for emulators in waves:
        if keep.any():
            keep[keep] = max_implausibility(emulators, u[keep], targets) < CUTOFF
    return keep


def leave_one_out(emulator: Emulator, u: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Leave-one-out checks of an emulator, its kernel held at the fitted one.

    Each point is predicted from the others; its standardised error is the error over the
    predictive standard deviation (white noise included: ``y`` is a noisy mean).
    """
    from sklearn.base import clone

    errors = []
    for i in range(len(y)):
        rest = np.arange(len(y)) != i
        gp = clone(emulator.gp).set_params(kernel=emulator.gp.kernel_, optimizer=None)
        gp.fit(u[rest], y[rest])
        mean, sd = gp.predict(u[i : i + 1], return_std=True)
        errors.append(float((y[i] - mean[0]) / max(sd[0], 1e-12)))
    e = np.array(errors)
    return {
        "points": len(e),
        "within_2": float(np.mean(np.abs(e) <= 2)),
        "within_3": float(np.mean(np.abs(e) <= 3)),
        "mean_standardised_error": float(e.mean()),
        "sd_standardised_error": float(e.std(ddof=1)) if len(e) > 1 else float("nan"),
    }


# --- designs -----------------------------------------------------------------------------


def next_design(
    waves: Sequence[Mapping[str, Emulator]],
    d: int,
    n: int,
    seed: int,
    targets: Sequence[Target] = TARGETS,
    tries: int = 10,
) -> np.ndarray:
    """``n`` points in [0, 1]^d inside every wave's non-implausible space.

    Rejection: hypercubes of :data:`SCREEN` points are screened through the waves'
    emulators until ``n`` survive (or ``tries`` hypercubes have been screened); ``n`` of the
    survivors are taken at random (none if none survive: the whole space is ruled out).
    Without waves it is a hypercube of ``n`` points.
    """
    if not waves:
        return hypercube(d, n, seed)
    kept = []
    for k in range(tries):
        u = hypercube(d, SCREEN, seed + 1000 * (k + 1))
        kept.append(u[non_implausible(waves, u, targets)])
        if sum(len(x) for x in kept) >= n:
            break
    pool = np.concatenate(kept)
    rng = np.random.default_rng(seed)
    return pool[rng.choice(len(pool), size=min(n, len(pool)), replace=False)]


# --- running a wave ----------------------------------------------------------------------


def wave_points(u: np.ndarray, dists: Mapping[str, Distribution]) -> list:
    """The wave's points for the points sweeper, labelled ``hm-0``, ``hm-1``, ..."""
    from copsim.analysis.psa import Point

    table = to_values(u, dists)
    return [
        Point(f"hm-{i}", "draw", {k: float(v) for k, v in row.items()})
        for i, row in enumerate(table.to_dict("records"))
    ]


def run_wave(
    folder: Path,
    points: Sequence[Any],
    replicates: int,
    base_overrides: Sequence[str],
    hydra_overrides: Sequence[str],
) -> pd.DataFrame:
    """Run (or resume) a wave's points as a sweep in ``folder/sweep``; its runs, labelled."""
    from hydra.core.global_hydra import GlobalHydra

    from copsim.analysis.psa import labelled_runs, sweep_args, write_points
    from copsim.config import run_hydra
    from copsim.sweep.job import run_job

    write_points(points, folder / "points.json")
    GlobalHydra.instance().clear()
    run_hydra("config", run_job, sweep_args(folder, replicates, base_overrides, hydra_overrides))
    return labelled_runs(folder / "sweep", points, base_overrides)


def results_table(
    runs: pd.DataFrame, u: np.ndarray, dists: Mapping[str, Distribution]
) -> pd.DataFrame:
    """One row per point: its coordinates, values, and each target's moments over seeds.

    The moments are each target's mean and variance over the point's seeds, and the count.
    """
    import pandas as pd

    names = [t.name for t in TARGETS]
    grouped = runs.groupby("label")[names]
    stats = grouped.mean().add_suffix("_mean").join(grouped.var(ddof=1).add_suffix("_var"))
    stats["seeds"] = runs.groupby("label").size()
    labels = [f"hm-{i}" for i in range(len(u))]
    design = pd.DataFrame(u, columns=[f"u:{n}" for n in dists]).assign(label=labels)
    design = design.join(to_values(u, dists))
    return design.merge(stats, left_on="label", right_index=True, how="left")


def fit_wave(table: pd.DataFrame, dists: Mapping[str, Distribution], seed: int) -> dict:
    """An emulator per target from a wave's results table (points with every target)."""
    u_cols = [f"u:{n}" for n in dists]
    emulators = {}
    for t in TARGETS:
        rows = table[np.isfinite(table[f"{t.name}_mean"])]
        var = rows[f"{t.name}_var"].to_numpy(float)
        seeds = rows["seeds"].to_numpy(float)
        ens = float(np.nanmean(var) / np.mean(seeds)) if np.isfinite(var).any() else None
        emulators[t.name] = fit_emulator(
            t.name, rows[u_cols].to_numpy(float), rows[f"{t.name}_mean"].to_numpy(float), ens, seed
        )
    return emulators


def diagnostics(emulators: Mapping[str, Emulator], table: pd.DataFrame, dists) -> dict:
    """Each emulator's kernel, variances and leave-one-out checks."""
    u_cols = [f"u:{n}" for n in dists]
    out = {}
    for t in TARGETS:
        e = emulators[t.name]
        rows = table[np.isfinite(table[f"{t.name}_mean"])]
        u, y = rows[u_cols].to_numpy(float), rows[f"{t.name}_mean"].to_numpy(float)
        out[t.name] = {
            "kernel": str(e.gp.kernel_),
            "noise_var": e.noise_var,
            "ensemble_var": e.ensemble_var,
            "discrepancy_var": t.discrepancy_sd**2,
            "observation_var": t.obs_var,
            "leave_one_out": leave_one_out(e, u, y),
        }
    return out


def held_out_report(waves: Sequence[Mapping[str, Emulator]], u: np.ndarray) -> dict:
    """Each held-out target over the non-implausible sample ``u``.

    Reported: the emulated means' 5%, 50% and 95% quantiles, and the share of the sample
    where the held-out target's own implausibility is below the cut-off.
    """
    out = {}
    for t in (t for t in TARGETS if not t.fitted):
        e = waves[-1][t.name]
        mean, _ = e.predict(u) if len(u) else (np.array([]), None)
        imp = target_implausibility(e, t, u) if len(u) else np.array([])
        out[t.name] = {
            "target": [t.low, t.high],
            "emulated_mean_quantiles": (
                [float(q) for q in np.quantile(mean, [0.05, 0.5, 0.95])] if len(u) else None
            ),
            "share_non_implausible": float(np.mean(imp < CUTOFF)) if len(u) else None,
        }
    return out


def default_report(waves: Sequence[Mapping[str, Emulator]], dists) -> dict:
    """The schema's defaults: each target's implausibility by every wave.

    Also whether the default set is non-implausible (by every wave's fitted targets).
    """
    from copsim.model.schema import SCHEMA

    u = to_probabilities({n: SCHEMA[n].default for n in dists}, dists)
    by_wave = [
        {t.name: float(target_implausibility(w[t.name], t, u)[0]) for t in TARGETS} for w in waves
    ]
    return {
        "values": {n: SCHEMA[n].default for n in dists},
        "implausibility": by_wave,
        "non_implausible": bool(non_implausible(waves, u)[0]),
    }


def pairs_plot(path: Path, values: pd.DataFrame, dists, title: str) -> None:
    """A pairs plot of non-implausible points (scatter below, histograms on the diagonal).

    Each axis spans its prior's 0.1% to 99.9% quantiles.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dists)
    d = len(names)
    fig, axes = plt.subplots(d, d, figsize=(1.6 * d, 1.6 * d))
    for i, yi in enumerate(names):
        for j, xj in enumerate(names):
            ax = axes[i, j]
            lo, hi = _limits(dists[xj])
            if i == j:
                ax.hist(values[xj], bins=15, range=(lo, hi), color="0.4")
            elif i > j:
                ax.scatter(values[xj], values[yi], s=2, color="C0", alpha=0.5)
                ax.set_xlim(lo, hi)
                ax.set_ylim(*_limits(dists[yi]))
            else:
                ax.axis("off")
            ax.tick_params(labelsize=5)
            if i == d - 1:
                ax.set_xlabel(xj.removeprefix("workforce."), fontsize=6)
            if j == 0 and i > 0:
                ax.set_ylabel(yi.removeprefix("workforce."), fontsize=6)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _limits(d: Distribution) -> tuple[float, float]:
    """An axis's range: the prior's 0.1% to 99.9% quantiles (not a long tail's support)."""
    return float(d.ppf(0.001)), float(d.ppf(0.999))


def write_wave(
    folder: Path, table: pd.DataFrame, diag: dict, nroy: dict, sample: pd.DataFrame, dists
) -> None:
    """A wave's files: design, results, diagnostics, non-implausible fraction, pairs plot."""
    from copsim.files import write_json

    table.filter(regex=r"^(label|u:)").join(table[list(dists)]).to_parquet(
        folder / "design.parquet"
    )
    table.to_parquet(folder / "results.parquet")
    write_json(folder / "emulators.json", diag)
    write_json(folder / "nroy.json", nroy)
    title = f"{folder.name}: {len(sample)} non-implausible points of {nroy['screened']}"
    pairs_plot(folder / "pairs.png", sample, dists, title)


def run(
    folder: Path,
    waves: int,
    points: int,
    replicates: int,
    base_overrides: Sequence[str] = (),
    hydra_overrides: Sequence[str] = (),
) -> dict:
    """Run (or resume) ``waves`` waves of history matching into ``folder``.

    Each wave's folder ``wave-K/`` holds ``points.json``, its sweep, ``design.parquet``,
    ``results.parquet``, ``emulators.json``, ``nroy.json`` and ``pairs.png``; ``waves.json``
    sums them up. The same command resumes: designs and fits are seeded, and the sweeps
    skip finished runs.

    Raises:
        CopsimError: For a command :func:`check` refuses, before anything is written.
    """
    from copsim.files import write_json
    from copsim.folders import mark

    held = [k for k in (o.partition("=")[0] for o in base_overrides) if k in INPUTS]
    dists = priors(held)
    base = ["scenario=no_cop", *base_overrides]
    check(folder, replicates, base, hydra_overrides)
    mark(folder, "calibration")
    fitted, summary = [], []
    screen = hypercube(len(dists), SCREEN, HM_SEED - 1)
    for k in range(1, waves + 1):
        u = next_design(fitted, len(dists), points, HM_SEED + k)
        if not len(u):  # every input ruled out: no wave can follow
            break
        wave = folder / f"wave-{k}"
        wave.mkdir(parents=True, exist_ok=True)
        runs = run_wave(wave, wave_points(u, dists), replicates, base, hydra_overrides)
        table = results_table(runs, u, dists)
        fitted.append(fit_wave(table, dists, HM_SEED + k))
        keep = non_implausible(fitted, screen)
        nroy = {
            "wave": k,
            "screened": SCREEN,
            "non_implausible": int(keep.sum()),
            "fraction": float(keep.mean()),
            "cutoff": CUTOFF,
            "rule": "maximum over the fitted targets, every wave so far",
        }
        sample = to_values(screen[keep][:PAIRS_POINTS], dists)
        diag = diagnostics(fitted[-1], table, dists)
        write_wave(wave, table, diag, nroy, sample, dists)
        summary.append(
            {
                **nroy,
                "points": len(u),
                "replicates": replicates,
                "runs": int(len(runs)),
                "design_non_implausible_now": float(np.mean(non_implausible(fitted, u))),
                "leave_one_out": {t: v["leave_one_out"] for t, v in diag.items()},
                "held_out": held_out_report(fitted, screen[keep]),
            }
        )
    post = {"sets": 0, "note": "none drawn: no wave ran"}
    if fitted:
        u_post, ess = resample(fitted, screen, POSTERIOR_SETS, HM_SEED)
        if len(u_post):
            posterior_table(u_post, dists, HM_SEED + 1).to_parquet(
                folder / "posterior.parquet", index=False
            )
        post = {
            "sets": int(len(u_post)),
            "file": "posterior.parquet" if len(u_post) else None,
            "candidates_non_implausible": int(non_implausible(fitted, screen).sum()),
            "effective_sample_size": ess,
            "method": "importance resampling of prior draws inside the non-implausible "
            "space, weighted by the last wave's emulator likelihood",
            "unidentified": {n: d.describe() for n, d in unidentified_priors().items()},
        }
    result = {
        "inputs": {n: d.describe() for n, d in dists.items()},
        "held": held,
        "base_overrides": base,
        "targets": [asdict(t) | {"z": t.z, "obs_var": t.obs_var} for t in TARGETS],
        "waves": summary,
        "stopped": (
            f"after wave {len(summary)} of {waves}: every input ruled out"
            if len(summary) < waves
            else None
        ),
        "default": default_report(fitted, dists),
        "posterior": post,
    }
    write_json(folder / "waves.json", result)
    return result


# --- the posterior ---------------------------------------------------------------------


def log_likelihood(
    emulators: Mapping[str, Emulator], u: np.ndarray, targets: Sequence[Target] = TARGETS
) -> np.ndarray:
    """Gaussian log-likelihood of the fitted targets at ``u``, up to a constant.

    Each target's variance is the one its implausibility divides by (emulator, ensemble,
    discrepancy, observation), so a point's weight falls as its implausibility rises.
    """
    total = np.zeros(len(u))
    for t in (t for t in targets if t.fitted):
        em = emulators[t.name]
        mean, var = em.predict(u)
        v = var + em.ensemble_var + t.discrepancy_sd**2 + t.obs_var
        total += -0.5 * (t.z - mean) ** 2 / v - 0.5 * np.log(v)
    return total


def resample(
    waves: Sequence[Mapping[str, Emulator]],
    candidates: np.ndarray,
    n: int,
    seed: int,
    targets: Sequence[Target] = TARGETS,
) -> tuple[np.ndarray, float]:
    """``n`` points by importance resampling inside the non-implausible space.

    The candidates (a hypercube in the priors' probability space, so draws from the
    priors) that every wave leaves non-implausible are weighted by the last wave's
    emulator likelihood (:func:`log_likelihood`) and resampled systematically: draws from
    the prior times the likelihood, restricted to the space history matching kept.

    Returns:
        The resampled points (n x d; empty if no candidate survives) and the weights'
        effective sample size, ``(sum w)^2 / sum w^2``.
    """
    keep = candidates[non_implausible(waves, candidates, targets)]
    if not len(keep):
        return keep, 0.0
    logw = log_likelihood(waves[-1], keep, targets)
    w = np.exp(logw - logw.max())
    w /= w.sum()
    ess = float(1.0 / np.sum(w**2))
    rng = np.random.default_rng(seed)
    positions = (rng.random() + np.arange(n)) / n
    index = np.minimum(np.searchsorted(np.cumsum(w), positions), len(keep) - 1)
    return keep[index], ess


def unidentified_priors() -> dict[str, Distribution]:
    """Priors of the retention strengths no-CoP targets cannot identify (not in INPUTS)."""
    from copsim.model.uncertainty import CALIBRATION_PRIORS, RETENTION_STRENGTHS, UNCERTAINTY

    every = {**UNCERTAINTY, **CALIBRATION_PRIORS}
    return {n: every[n] for n in RETENTION_STRENGTHS if n not in INPUTS}


def posterior_table(u: np.ndarray, dists: Mapping[str, Distribution], seed: int) -> pd.DataFrame:
    """The posterior's parameter sets, one row a set.

    The calibrated inputs at ``u`` and, beside them, the unidentified retention strengths
    drawn from their priors (a hypercube of their own), so that every set varies every
    uncertain strength. Columns are dotted schema names; integer parameters are rounded;
    each set passes the schema's validation.
    """
    from copsim.model.schema import SCHEMA, validate

    table = to_values(u, dists)
    others = unidentified_priors()
    extra = to_values(hypercube(len(others), len(u), seed), others)
    table = table.join(extra)
    for name in table:
        if SCHEMA[name].kind is int:
            table[name] = table[name].round().astype(int)
    for row in table.to_dict("records"):
        validate(row)
    table.insert(0, "set", np.arange(len(table)))
    return table


# --- the command line --------------------------------------------------------------------

COUNTS = {"waves": 1, "points": 4, "replicates": 1}
"""The counts ``copsim calibrate waves=N points=M replicates=R`` takes, and their least."""


def split_args(items: Sequence[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """Split ``copsim calibrate waves=...`` items into counts, model and Hydra overrides.

    Raises:
        UsageError: For a missing or bad count, a scenario, or a stray argument.
        ConfigError: For a bad model override.
    """
    from copsim.config import check_overrides, refuse_repeated, whole_number

    counts: dict[str, int | None] = {"waves": None, "points": None, "replicates": 2}
    model, hydra = [], []
    refuse_repeated([(i.partition("=")[0], i) for i in items if "=" in i])
    for item in items:
        key, eq, value = item.partition("=")
        if key in counts:
            counts[key] = whole_number(key, value, COUNTS[key])
        elif key.startswith("hydra"):
            hydra.append(item)
        elif key.lstrip("+~") == "scenario":
            raise UsageError(
                f"copsim calibrate calibrates scenario=no_cop itself: {item!r} (allowed: "
                "model overrides KEY=VALUE of the no-CoP site)"
            )
        elif eq:
            model.append(item)
        else:
            raise UsageError(f"unexpected argument {item!r} (allowed: NAME=VALUE)")
    for key in ("waves", "points"):
        if counts[key] is None:
            raise UsageError(f"missing {key}=N (allowed: a whole number from {COUNTS[key]} up)")
    check_overrides(model, one_value="a single value (history matching designs the inputs)")
    return {k: int(v) for k, v in counts.items()}, model, hydra


def check(
    folder: Path, replicates: int, base_overrides: Sequence[str], hydra_overrides: Sequence[str]
) -> None:
    """Check a wave's whole sweep command, as ``copsim run -m`` would, before anything runs.

    Raises:
        CopsimError: One line naming what is wrong and what is allowed.
    """
    from copsim.analysis.psa import refuse_own_hydra_keys, sweep_args
    from copsim.config import check_command

    refuse_own_hydra_keys("copsim calibrate", hydra_overrides)
    args = sweep_args(folder / "wave-1", replicates, base_overrides, hydra_overrides)
    check_command("copsim calibrate", "config", args)


def write_summary_line(result: Mapping[str, Any]) -> str:
    """One line per wave: runs and the non-implausible fraction; then the default set."""
    lines = [
        f"  wave {w['wave']}: {w['points']} points x {w['replicates']} seeds; "
        f"non-implausible {w['fraction']:.1%} of the prior space"
        for w in result["waves"]
    ]
    if result["stopped"]:
        lines.append(f"  stopped {result['stopped']}")
    verdict = "non-implausible" if result["default"]["non_implausible"] else "ruled out"
    lines.append(f"  the default parameter set is {verdict}")
    return "\n".join(lines)
