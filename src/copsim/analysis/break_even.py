"""Break-even values: where the CoP's net benefit crosses zero, with intervals over seeds.

For a parameter that changes the model's course (``needs.support_protection``) the net
benefit is run on a grid of values, the same seeds at each; the break-even value is where
the mean over seeds crosses zero, by linear interpolation, and its interval comes from a
bootstrap over seeds (the seeds are resampled as wholes, keeping each seed's curve).
Unit costs change no event, only what it costs, so the net benefit is linear in them and
their break-even follows from the base runs: scaling the crisis unit costs by ``s`` gives
``NB(s) = NB + (s - 1) S`` with ``S`` the crisis savings, zero at ``s = 1 - NB / S``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from copsim.analysis.paired import resample_indices


@dataclass(frozen=True)
class BreakEven:
    """A break-even value with its bootstrap 95% interval over seeds.

    Attributes:
        name: What is varied (a parameter, or a scale of unit costs).
        value: Where the mean net benefit is zero (None if it does not cross zero).
        low: Lower end of the 95% interval (None if a tail does not cross).
        high: Upper end of the 95% interval.
        crossing_share: Share of bootstrap resamples whose curve crosses zero.
        seeds: Seeds the estimate rests on.
    """

    name: str
    value: float | None
    low: float | None
    high: float | None
    crossing_share: float
    seeds: int


def crossing(x: np.ndarray, y: np.ndarray) -> float | None:
    """First value of ``x`` where the piecewise-linear curve ``y(x)`` crosses zero."""
    for i in range(len(x) - 1):
        if y[i] == 0:
            return float(x[i])
        if y[i] * y[i + 1] < 0:
            return float(x[i] - y[i] * (x[i + 1] - x[i]) / (y[i + 1] - y[i]))
    return float(x[-1]) if y[-1] == 0 else None


def _interval(name: str, value: float | None, boot: list[float | None], n: int) -> BreakEven:
    found = np.array([b for b in boot if b is not None], dtype=float)
    share = len(found) / len(boot)
    if share < 0.95:  # a tail of the interval lies beyond where the curve crosses
        lo = hi = None
        if len(found):
            lo, hi = (float(v) for v in np.percentile(found, [2.5, 97.5]))
        return BreakEven(name, value, lo if share > 0 else None, hi, share, n)
    lo, hi = np.percentile(found, [2.5, 97.5])
    return BreakEven(name, value, float(lo), float(hi), share, n)


def on_grid(name: str, grid: np.ndarray, net_benefit: np.ndarray) -> BreakEven:
    """Break-even of a parameter run on a grid.

    Args:
        name: The parameter.
        grid: Its values, increasing, shape (G,).
        net_benefit: Net benefit at each value and seed, shape (G, seeds).
    """
    grid = np.asarray(grid, dtype=float)
    nb = np.asarray(net_benefit, dtype=float)
    idx = resample_indices(nb.shape[1])
    boot = [crossing(grid, nb[:, i].mean(axis=1)) for i in idx]
    return _interval(name, crossing(grid, nb.mean(axis=1)), boot, nb.shape[1])


def unit_cost_scale(name: str, net_benefit: np.ndarray, savings: np.ndarray) -> BreakEven:
    """Scale of a set of unit costs at which net benefit is zero: ``1 - NB / S``.

    Args:
        name: Which unit costs are scaled.
        net_benefit: Net benefit of each seed at the unit costs as they are.
        savings: What those unit costs contribute to it, per seed (costs avoided).
    """
    nb, s = np.asarray(net_benefit, dtype=float), np.asarray(savings, dtype=float)

    def scale(i: np.ndarray) -> float | None:
        total = s[i].mean()
        return None if total <= 0 else float(1.0 - nb[i].mean() / total)

    boot = [scale(i) for i in resample_indices(len(nb))]
    return _interval(name, scale(np.arange(len(nb))), boot, len(nb))
