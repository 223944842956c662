"""Funding: agency budgets set how many posts are funded.

Agency a's budget, in posts, is ``w_a = funding.agency_budget x size_a x share_a`` (its
establishment times its commissioned share, moved by
:mod:`copsim.model.mechanisms.commissioner`). The site funds ``round(sum_a w_a)`` posts,
apportioned to agencies by largest remainder, so a budget-neutral move of shares keeps the
total number of funded posts exactly; each agency funds at least one post and at most its
reserved posts. A cut freezes posts: no one is made redundant, but leavers are not
replaced until staff fall to the funded level. The programme's own funding (broker and
backfill) is charged where it is spent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from copsim.model import replicates

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel


def funded_posts(budget_posts: np.ndarray, reserved: int) -> np.ndarray:
    """Whole posts from budgets in posts.

    The rounded total is apportioned by largest remainder, then ``clip(., 1, reserved)``.
    """
    w = np.asarray(budget_posts, dtype=float)
    total = int(np.rint(w.sum()))
    posts = np.floor(w).astype(np.int64)
    extra = total - int(posts.sum())
    if extra > 0:
        order = np.argsort(-(w - posts), kind="stable")
        posts[order[:extra]] += 1
    return posts.clip(1, reserved)  # np.clip, without its wrapper's overhead


def step(model: CopModel) -> None:
    """Set this week's funded posts from the budgets."""
    p, agencies = model.p, model.agencies
    budget = p.funding.agency_budget * agencies.size * agencies.budget_share
    # The funded posts follow from the budgets alone, which change only at a review or an
    # event: keep the last answer and reuse it (a copy) while the budgets are the same.
    key = (budget.tobytes(), agencies.n_posts)
    cached = getattr(agencies, "_funded_from", None)
    if cached is None or cached[0] != key:
        # Each replicate's site funds its own posts (replicates.py).
        sites = replicates.blocks(model, len(budget))
        funded = np.concatenate([funded_posts(budget[s], agencies.n_posts) for s in sites])
        cached = agencies._funded_from = (key, funded)
    agencies.funded = cached[1].copy()
