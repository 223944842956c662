"""Knowledge: slow spread of domain knowledge among colleagues of the same agency.

Learning from other disciplines happens at CoP meetings (:mod:`copsim.model.mechanisms.cop`);
here it spreads, slowly, from those who attend to their colleagues: each week a
practitioner's knowledge of each domain moves a share ``knowledge.spread`` of the way up
to their agency's mean (knowledge is not lost to colleagues who know less).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel


def spread(knowledge: np.ndarray, team_mean: np.ndarray, rate: float) -> np.ndarray:
    """``k + rate * max(0, team_mean - k)``, element-wise."""
    return knowledge + rate * np.maximum(0.0, team_mean - knowledge)


def step(model: CopModel) -> None:
    """Spread knowledge within each agency."""
    posts, n_ag = model.posts, len(model.agencies)
    on = posts.occupied.nonzero()[0]  # rows by index: gathered faster than by a mask
    ag = posts.agency[on]
    k = posts.knowledge.take(on, axis=0)
    counts = np.bincount(ag, minlength=n_ag)[:, None]
    # Each agency's sum of each domain, added post by post in order (as np.add.at would,
    # bit for bit, at a third of its cost): one bin an (agency, domain).
    n_dom = k.shape[1]
    cell = (ag[:, None] * n_dom + np.arange(n_dom)).ravel()
    sums = np.bincount(cell, k.ravel(), n_ag * n_dom).reshape(n_ag, n_dom)
    means = sums / np.maximum(counts, 1)
    posts.knowledge[on] = spread(k, means.take(ag, axis=0), model.p.knowledge.spread)


def breadth(model: CopModel, among: np.ndarray | None = None) -> float:
    """Mean knowledge of other agencies' domains among practitioners in post.

    Args:
        model: The model.
        among: Optional mask of posts to restrict to (e.g. those who have attended).
    """
    posts = model.posts
    on = posts.occupied if among is None else posts.occupied & among
    on = on.nonzero()[0]
    if len(on) == 0:
        return 0.0
    k = posts.knowledge[on]
    own = model.agencies.domain[posts.agency[on]]
    total = k.sum(axis=1) - k[np.arange(len(on)), own]
    return float(total.mean() / (k.shape[1] - 1))
