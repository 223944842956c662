"""Commissioning: what the commissioner perceives of unmet need moves the funding.

Every ``commissioner.review_weeks`` weeks the commissioner looks at each agency's unmet
need ``g_a`` (active needs of its local people that no agency supports) through noise:
``g~_a = g_a exp(sigma z_a - sigma^2 / 2)``, ``z_a ~ N(0, 1)``, with ``sigma =
commissioner.perception_noise x (1 - I)``. Insight ``I`` comes from the CoP: it grows at
each meeting in proportion to the commissioner's engagement
(:mod:`copsim.model.mechanisms.cop`) and fades at ``insight_decay`` a week. A share
``m = move_share x engagement`` of the budget then moves towards the perceived gaps:
funding follows what the commissioner perceives, and only insight makes that the truth.
Moves keep the total budget, and so the funded posts (:mod:`copsim.model.mechanisms.funding`).
What the decision gets wrong is measured: the budget that went elsewhere than the same move
on the true gaps would have sent it (``funding_misdirected``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from copsim.model import replicates
from copsim.model.mechanisms.needs import supported

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel

MAX_SHARE = 2.0
"""No agency's commissioned share exceeds twice its typical share."""


def reallocate(share: np.ndarray, gaps: np.ndarray, moved: float, size=None) -> np.ndarray:
    """Move a fraction ``moved`` of the budget towards the gaps, keeping the total.

    With budgets in posts ``w = size x share`` and ``W`` their total:
    ``w' = (1 - m) w + m W gaps / sum(gaps)``, capped at MAX_SHARE x size and rescaled to
    ``W``; returns ``w' / size``.
    """
    size = np.ones(len(share)) if size is None else np.asarray(size, dtype=float)
    if moved <= 0 or gaps.sum() <= 0:
        return share
    w = size * share
    total = w.sum()
    new = (1.0 - moved) * w + moved * total * gaps / gaps.sum()
    new = np.minimum(new, MAX_SHARE * size)
    return new * total / new.sum() / size


def perceived(gaps: np.ndarray, z: np.ndarray, noise: float, insight: float) -> np.ndarray:
    """The gaps as the commissioner sees them: ``g exp(sigma z - sigma^2/2)``."""
    sigma = noise * (1.0 - insight)
    return gaps * np.exp(sigma * z - sigma**2 / 2.0)


def unmet_by_agency(model: CopModel) -> np.ndarray:
    """Active needs no agency supports, counted at each person's local agency for them."""
    people = model.people
    gap = (people.needs > model.p.needs.threshold) & ~supported(model) & (people.home_agency >= 0)
    return np.bincount(people.home_agency[gap], minlength=len(model.agencies)).astype(float)


def step(model: CopModel) -> None:
    """Fade insight; at a review, move funding towards the perceived gaps."""
    p, c, agencies = model.p, model.commissioner, model.agencies
    c.insight *= 1.0 - p.commissioner.insight_decay
    if model.week % p.commissioner.review_weeks:
        return
    per_run = len(agencies) // model.replicates
    words = model.draws.all_identities("agency", per_run)
    z = model.draws.normal("commissioner.perception", model.week, words)
    gaps = unmet_by_agency(model)
    moved = p.commissioner.move_share * p.nurture.commissioner_engagement
    # Each replicate's commissioner moves its own site's budgets (replicates.py).
    for r, s in enumerate(replicates.blocks(model, len(agencies))):
        insight = c.insight if model.replicates == 1 else c.insight[r]
        seen = perceived(gaps[s], z[s], p.commissioner.perception_noise, insight)
        size, before = agencies.size[s], agencies.budget_share[s].copy()
        share = reallocate(before, seen, moved, size)
        shift = float(np.abs((share - before) * size).sum() / 2.0 / size.mean())
        # The same move on the true gaps: what perfect insight would have decided.
        wrong = reallocate(before, gaps[s], moved, size) - share
        missed = float(np.abs(wrong * size).sum() / 2.0 / size.mean())
        if model.replicates == 1:
            agencies.budget_share = share
            c.funding_moved += shift
            c.funding_misdirected += missed
        else:
            agencies.budget_share[s] = share
            c.funding_moved[r] += shift
            c.funding_misdirected[r] += missed
