"""Commissioning: insight from the CoP turns into funding moves.

The commissioner's insight grows at each CoP meeting (see :mod:`copsim.model.mechanisms.cop`)
in proportion to their engagement, and fades at ``insight_decay`` a week. At each funding
review a share ``move_share * insight`` of the total agency budget is re-allocated in
proportion to where referrals have failed since the last review: money follows the gaps
the front line has surfaced. Moves are budget-neutral; without insight nothing moves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel

MAX_SHARE = 2.0
"""No agency's commissioned share exceeds twice the typical share."""


def reallocate(share: np.ndarray, gaps: np.ndarray, moved: float) -> np.ndarray:
    """Move a fraction ``moved`` of the budget towards the gaps, keeping the total.

    ``share' = (1 - m) share + m * n * gaps / sum(gaps)``, capped at MAX_SHARE and
    renormalised so that shares still average 1.
    """
    if moved <= 0 or gaps.sum() <= 0:
        return share
    new = (1.0 - moved) * share + moved * len(share) * gaps / gaps.sum()
    new = np.minimum(new, MAX_SHARE)
    return new * len(share) / new.sum()


def step(model: CopModel) -> None:
    """Fade insight; at a review, move funding where referrals fail."""
    p, c, agencies = model.p, model.commissioner, model.agencies
    c.insight *= 1.0 - p.commissioner.insight_decay
    if model.steps % p.commissioner.review_weeks:
        return
    moved = p.commissioner.move_share * c.insight
    before = agencies.budget_share.copy()
    agencies.budget_share = reallocate(before, agencies.failed_referrals, moved)
    c.funding_moved += float(np.abs(agencies.budget_share - before).sum() / 2.0)
    agencies.failed_referrals[:] = 0.0
