"""How many seeds a PSA draw needs: the analysis of variance of O'Hagan, Stevenson and Madan.

A draw's net benefit is the mean of its seeds, so it carries Monte Carlo error besides its
parameters. O'Hagan, Stevenson and Madan (2007, Health Economics 16:1009) split the
variance of an output over a PSA's draws and seeds by a one-way analysis of variance into
within-draw (Monte Carlo) and between-draw (parameter) parts, and size the replicates a
draw needs from the two. Every copsim draw runs the same seeds on common random numbers,
so a seed's luck is largely shared by the draws; taking the seeds as blocks (a two-way
analysis of variance) separates that shared part, which moves every draw alike, from the
draw-by-seed residual that blurs the differences between draws.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

MC_SHARE = 0.1
"""A draw's Monte Carlo error variance allowed, as a share of the between-draw variance."""


def _table(values: np.ndarray) -> tuple[np.ndarray, int, int]:
    """``values`` as a float array with its draws and replicates, at least two of each."""
    y = np.asarray(values, float)
    draws, n = y.shape
    if draws < 2 or n < 2:
        raise ValueError("the ANOVA split needs at least two draws of two replicates")
    return y, draws, n


def anova_split(values: np.ndarray) -> dict[str, float]:
    """Within- and between-draw variance of a PSA output by one-way ANOVA.

    With ``N`` draws of ``n`` replicates each, the within mean square ``MSW`` estimates the
    within-draw (Monte Carlo) variance and ``(MSB - MSW) / n`` the variance between the
    draws' true means.

    Args:
        values: Shape (draws, replicates), at least two of each.

    Returns:
        ``within``, ``between`` (may be negative when noise swamps the draws), ``msw``,
        ``msb``, ``draws``, ``replicates``, and ``mc_sd``: the Monte Carlo SD of a draw's
        mean at these replicates, ``sqrt(within / n)``.

    Raises:
        ValueError: With fewer than two draws or two replicates.
    """
    y, draws, n = _table(values)
    means = y.mean(axis=1)
    msw = float(((y - means[:, None]) ** 2).sum() / (draws * (n - 1)))
    msb = float(n * ((means - means.mean()) ** 2).sum() / (draws - 1))
    return {
        "within": msw,
        "between": (msb - msw) / n,
        "msw": msw,
        "msb": msb,
        "draws": draws,
        "replicates": n,
        "mc_sd": math.sqrt(msw / n),
    }


def anova_blocked(values: np.ndarray) -> dict[str, float]:
    """Between-draw, seed and draw-by-seed variance, seeds as blocks (two-way ANOVA).

    The residual mean square ``MSE`` is the Monte Carlo variance that matters when draws
    are compared, and ``(MSB - MSE) / n`` the variance of the draws' true means; the
    one-way split (:func:`anova_split`) counts the seeds' shared effect as noise.

    Args:
        values: Shape (draws, seeds), the same seeds in every row.

    Returns:
        ``residual``, ``seed`` (the variance of seeds' effects; may be negative),
        ``between``, ``mse``, ``mss``, ``msb``.

    Raises:
        ValueError: With fewer than two draws or two seeds.
    """
    y, draws, n = _table(values)
    grand = y.mean()
    rows, cols = y.mean(axis=1), y.mean(axis=0)
    mse = float(((y - rows[:, None] - cols[None, :] + grand) ** 2).sum() / ((draws - 1) * (n - 1)))
    msb = float(n * ((rows - grand) ** 2).sum() / (draws - 1))
    mss = float(draws * ((cols - grand) ** 2).sum() / (n - 1))
    return {
        "residual": mse,
        "seed": (mss - mse) / draws,
        "between": (msb - mse) / n,
        "mse": mse,
        "mss": mss,
        "msb": msb,
    }


def replicates_for_mc_share(within: float, between: float, share: float = MC_SHARE) -> int | None:
    """Replicates a draw needs so that its MC error variance is at most ``share x between``.

    ``within / n <= share x between``, so ``n = ceil(within / (share x between))``; None
    when the between-draw variance is not positive (no number of replicates is enough).
    """
    if between <= 0:
        return None
    return max(1, math.ceil(within / (share * between) - 1e-9))


def balanced(table: Any, output: str = "net_benefit_pv") -> np.ndarray:
    """``output`` of a PSA's ``psa.parquet`` table as (draws, seeds), seeds every draw has."""
    wide = table.pivot(index="draw", columns="seed", values=output).dropna(axis=1)
    return wide.to_numpy(float)


def sizing(values: np.ndarray) -> dict[str, Any]:
    """The ANOVA splits of a PSA's (draws, seeds) values and the replicates a draw needs.

    Returns:
        ``replicates`` (used), ``within``, ``between``, ``mc_share_now`` (a draw mean's
        Monte Carlo variance over the between-draw variance, one-way), ``replicates_needed``
        (one-way, for :data:`MC_SHARE`), ``residual``, ``seed``, ``between_blocked``,
        ``mc_share_now_blocked`` and ``replicates_needed_blocked`` (seeds as blocks); or,
        with one replicate, only ``replicates`` and ``note``.
    """
    y = np.asarray(values, float)
    if y.ndim != 2 or y.shape[0] < 2 or y.shape[1] < 2:
        return {
            "replicates": int(y.shape[1]) if y.ndim == 2 else 0,
            "note": "the ANOVA split needs two or more draws of two or more replicates",
        }
    one, two = anova_split(y), anova_blocked(y)
    n = one["replicates"]

    def share(noise: float, between: float) -> float | None:
        return noise / n / between if between > 0 else None

    return {
        "replicates": n,
        "mc_share": MC_SHARE,
        "within": one["within"],
        "between": one["between"],
        "mc_share_now": share(one["within"], one["between"]),
        "replicates_needed": replicates_for_mc_share(one["within"], one["between"]),
        "residual": two["residual"],
        "seed": two["seed"],
        "between_blocked": two["between"],
        "mc_share_now_blocked": share(two["residual"], two["between"]),
        "replicates_needed_blocked": replicates_for_mc_share(two["residual"], two["between"]),
    }
