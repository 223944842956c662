"""Expected value of perfect and partial perfect information, by regression.

With two options (CoP or not) and incremental net benefit ``NB`` per parameter draw, the
expected value of perfect information is ``E[max(NB, 0)] - max(E[NB], 0)``: what a
decision maker would lose, on average, by deciding under the current uncertainty. For a
group of parameters ``phi`` the partial value replaces ``NB`` by ``E[NB | phi]``, which
Strong, Oakley and Brennan (2014, Medical Decision Making 34(3)) estimate by regressing
``NB`` on a flexible function of ``phi`` over the PSA draws. Here that function is a
polynomial (cubic in one parameter, quadratic with interactions in two or three), fitted by
least squares on standardised inputs; for a larger group, where a polynomial's terms
outrun the draws, it is a Gaussian process (scikit-learn's, a squared-exponential kernel
with a length scale per parameter and a noise term), as Strong, Oakley and Brennan do for
groups of many parameters. Either fit also smooths away the seeds' noise.
"""

from __future__ import annotations

import warnings
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


POLYNOMIAL_MAX = 3
"""The largest group fitted by a polynomial; a larger one is fitted by a Gaussian process."""


def terms(parameters: int, degree: int | None = None) -> int:
    """Terms the fit estimates for a group of ``parameters``.

    A polynomial's columns (:func:`design`), ``C(k + degree, degree)``; for a group fitted
    by a Gaussian process, its hyperparameters: a length scale per parameter, an amplitude
    and a noise variance.
    """
    if degree is None and parameters > POLYNOMIAL_MAX:
        return parameters + 2
    degree = degree or (3 if parameters == 1 else 2)
    return comb(parameters + degree, degree)


def draws_needed(parameters: int, degree: int | None = None) -> int:
    """Draws an EVPPI of a group of ``parameters`` needs to mean something (see above)."""
    return DRAWS_PER_TERM * terms(parameters, degree)


def evpi(net_benefit: np.ndarray) -> float:
    """Per-decision EVPI from incremental net benefits of the draws."""
    nb = np.asarray(net_benefit, dtype=float)
    return float(np.maximum(nb, 0.0).mean() - max(nb.mean(), 0.0))


def standardised(x: np.ndarray) -> np.ndarray:
    """The columns of ``x`` (one per parameter) centred and scaled to unit SD."""
    x = np.atleast_2d(np.asarray(x, dtype=float).T).T
    sd = x.std(axis=0)
    return (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


def design(x: np.ndarray, degree: int | None = None) -> np.ndarray:
    """Polynomial basis of the columns of ``x`` (standardised), with an intercept.

    Args:
        x: Parameter values, shape (draws, parameters).
        degree: Highest total degree (default: 3 for one parameter, else 2).
    """
    z = standardised(x)
    degree = degree or (3 if z.shape[1] == 1 else 2)
    columns = [np.ones(len(z))]
    for d in range(1, degree + 1):
        for combo in combinations_with_replacement(range(z.shape[1]), d):
            columns.append(np.prod(z[:, combo], axis=1))
    return np.column_stack(columns)


def fitted(net_benefit: np.ndarray, x: np.ndarray, degree: int | None = None) -> np.ndarray:
    """``E[NB | x]`` at each draw: least squares on :func:`design`, or a Gaussian process.

    A group of more than :data:`POLYNOMIAL_MAX` parameters (with no ``degree`` given) is
    fitted by a Gaussian process.
    """
    x = np.atleast_2d(np.asarray(x, dtype=float).T).T
    if degree is None and x.shape[1] > POLYNOMIAL_MAX:
        return gp_fitted(net_benefit, x)
    basis = design(x, degree)
    coef, *_ = np.linalg.lstsq(basis, np.asarray(net_benefit, dtype=float), rcond=None)
    return basis @ coef


GP_SHORTEST = 1.0
"""Shortest length scale of the Gaussian process, in standard deviations of a parameter.

Net benefit is taken to change smoothly over a parameter's range (no more than about one
wiggle per SD): with many parameters and a few hundred draws, shorter length scales let
the process thread through the seeds' noise, and a group that does not matter would then
show an EVPPI near the EVPI (checked in tests/analysis/test_psa.py).
"""


GP_FOLDS = 5
"""Folds of the Gaussian process's out-of-fold predictions."""


def gp_fitted(net_benefit: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``E[NB | x]`` at each draw by a Gaussian process's posterior mean (Strong et al. 2014).

    Inputs are standardised; the kernel is an amplitude times a squared-exponential with a
    length scale per parameter (from :data:`GP_SHORTEST` up, starting at 3), plus white noise
    for what ``x`` does not explain (the other parameters and the seeds). Each draw's value
    is predicted by a process fitted to the other folds (:data:`GP_FOLDS`), so noise the
    process threads through is not counted as information; with 200 draws a group of ten
    parameters that does not matter still shows up to about a fifth of the EVPI (tests).
    Folds and optimiser start are fixed, so the same draws give the same value.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
    from sklearn.model_selection import KFold, cross_val_predict

    z = standardised(x)
    if len(z) < 2:  # nothing to fit from: the mean
        return np.asarray(net_benefit, dtype=float).copy()
    kernel = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(
        np.full(z.shape[1], 3.0), (GP_SHORTEST, 1e3)
    ) + WhiteKernel(1.0, (1e-6, 1e1))
    gp = GaussianProcessRegressor(kernel, normalize_y=True, n_restarts_optimizer=0)
    with warnings.catch_warnings():
        # A length scale at its upper bound is a parameter that does not matter: an answer.
        warnings.simplefilter("ignore", ConvergenceWarning)
        folds = KFold(min(GP_FOLDS, len(z)), shuffle=True, random_state=0)
        return cross_val_predict(gp, z, np.asarray(net_benefit, dtype=float), cv=folds)


def evppi(net_benefit: np.ndarray, x: np.ndarray, degree: int | None = None) -> float:
    """Per-decision EVPPI of the parameters in ``x`` (Strong et al. 2014).

    Args:
        net_benefit: Incremental net benefit of each draw.
        x: The group's parameter values of each draw, shape (draws, parameters).
        degree: Polynomial degree (see :func:`design`).
    """
    g = fitted(net_benefit, x, degree)
    return float(np.maximum(g, 0.0).mean() - max(g.mean(), 0.0))
