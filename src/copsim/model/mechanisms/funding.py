"""Funding: agency budgets set how many posts are funded.

An agency's budget is the policy level ``funding.agency_budget`` times its commissioned
share (moved by :mod:`copsim.model.mechanisms.commissioner`). It funds
``round(practitioners_per_agency * budget)`` posts, at least one. A cut freezes posts: no
one is made redundant, but leavers are not replaced until staff fall to the funded level.
The programme's own funding (broker and backfill) is charged where it is spent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel


def funded_posts(typical: int, budget: np.ndarray, reserved: int) -> np.ndarray:
    """Posts funded at each budget: ``clip(round(typical * budget), 1, reserved)``."""
    return np.clip(np.rint(typical * budget).astype(np.int64), 1, reserved)


def step(model: CopModel) -> None:
    """Set this week's funded posts from the budgets."""
    p, agencies = model.p, model.agencies
    budget = p.funding.agency_budget * agencies.budget_share
    agencies.funded = funded_posts(p.site.practitioners_per_agency, budget, agencies.n_posts)
