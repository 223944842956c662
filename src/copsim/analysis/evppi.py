"""Expected value of perfect and partial perfect information, by regression.

With two options (CoP or not) and incremental net benefit ``NB`` per parameter draw, the
expected value of perfect information is ``E[max(NB, 0)] - max(E[NB], 0)``: what a
decision maker would lose, on average, by deciding under the current uncertainty. For a
group of parameters ``phi`` the partial value replaces ``NB`` by ``E[NB | phi]``, which
Strong, Oakley and Brennan (2014, Medical Decision Making 34(3)) estimate by regressing
``NB`` on a flexible function of ``phi`` over the PSA draws. Here that function is a
polynomial (cubic in one parameter, quadratic with interactions in several), fitted by
least squares on standardised inputs; the fit also smooths away the seeds' noise.
"""

from __future__ import annotations

from itertools import combinations_with_replacement
from math import comb

import numpy as np

DRAWS_PER_TERM = 10
"""Fewest draws per term of the regression for an EVPPI worth reading.

With fewer, the polynomial follows each draw's own net benefit (seed noise included)
rather than what the group's parameters explain, and the EVPPI drifts up to the EVPI; with
no more draws than terms the fit passes through every draw and every group's EVPPI equals
the EVPI exactly. Ten per term is the usual floor for a regression's fit to be stable.
"""


def terms(parameters: int, degree: int | None = None) -> int:
    """Columns of :func:`design` for a group of ``parameters``: ``C(k + degree, degree)``."""
    degree = degree or (3 if parameters == 1 else 2)
    return comb(parameters + degree, degree)


def draws_needed(parameters: int, degree: int | None = None) -> int:
    """Draws an EVPPI of a group of ``parameters`` needs to mean something (see above)."""
    return DRAWS_PER_TERM * terms(parameters, degree)


def evpi(net_benefit: np.ndarray) -> float:
    """Per-decision EVPI from incremental net benefits of the draws."""
    nb = np.asarray(net_benefit, dtype=float)
    return float(np.maximum(nb, 0.0).mean() - max(nb.mean(), 0.0))


def design(x: np.ndarray, degree: int | None = None) -> np.ndarray:
    """Polynomial basis of the columns of ``x`` (standardised), with an intercept.

    Args:
        x: Parameter values, shape (draws, parameters).
        degree: Highest total degree (default: 3 for one parameter, else 2).
    """
    x = np.atleast_2d(np.asarray(x, dtype=float).T).T
    sd = x.std(axis=0)
    z = (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    degree = degree or (3 if z.shape[1] == 1 else 2)
    columns = [np.ones(len(z))]
    for d in range(1, degree + 1):
        for combo in combinations_with_replacement(range(z.shape[1]), d):
            columns.append(np.prod(z[:, combo], axis=1))
    return np.column_stack(columns)


def fitted(net_benefit: np.ndarray, x: np.ndarray, degree: int | None = None) -> np.ndarray:
    """``E[NB | x]`` at each draw, by least squares on :func:`design`."""
    basis = design(x, degree)
    coef, *_ = np.linalg.lstsq(basis, np.asarray(net_benefit, dtype=float), rcond=None)
    return basis @ coef


def evppi(net_benefit: np.ndarray, x: np.ndarray, degree: int | None = None) -> float:
    """Per-decision EVPPI of the parameters in ``x`` (Strong et al. 2014).

    Args:
        net_benefit: Incremental net benefit of each draw.
        x: The group's parameter values of each draw, shape (draws, parameters).
        degree: Polynomial degree (see :func:`design`).
    """
    g = fitted(net_benefit, x, degree)
    return float(np.maximum(g, 0.0).mean() - max(g.mean(), 0.0))
