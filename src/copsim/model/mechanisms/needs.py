"""Needs: weekly drift of each need, and engagement with services.

Equations (docs/ODD.md, "Needs"): an unsupported need drifts up towards 1, a supported one
down towards 0 in proportion to engagement, plus noise; engagement rises towards 1 while a
key worker is allocated and falls while not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from copsim.model.domains import SEVERITY_ENGAGEMENT_WEIGHT, SEVERITY_WEIGHTS

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel


def drift(
    needs: np.ndarray,
    supported: np.ndarray,
    engagement: np.ndarray,
    deterioration: float,
    improvement: float,
    shock: np.ndarray,
    threshold: float,
) -> np.ndarray:
    """Return next week's needs.

    ``n' = clip(n + det a (1 - s)(1 - n) - imp s e n + shock, 0, 1)`` with ``s`` 1 where
    the need is supported and ``a`` 1 where it is active (above the threshold): an
    unmet active need worsens, a need that is not active only moves with the noise.
    """
    s = supported.astype(float)
    up = deterioration * (needs > threshold) * (1.0 - s) * (1.0 - needs)
    down = improvement * s * engagement[:, None] * needs
    return np.clip(needs + up - down + shock, 0.0, 1.0)


def severity(needs: np.ndarray, engagement: np.ndarray) -> np.ndarray:
    """New Directions Team-like severity on 0-48 (weights in :mod:`copsim.model.domains`)."""
    return needs @ SEVERITY_WEIGHTS + SEVERITY_ENGAGEMENT_WEIGHT * (1.0 - engagement)


def supported(model: CopModel) -> np.ndarray:
    """Which needs are supported this week: by an accepted referral or the key worker."""
    people = model.people
    sup = people.supported_until > model.week
    kw = people.key_worker
    has = kw >= 0
    own = model.agencies.domain[model.posts.agency[kw[has]]]
    sup[np.flatnonzero(has), own] = True
    return sup


def step(model: CopModel) -> None:
    """Move every need one week on and update engagement."""
    p, people = model.p, model.people
    noise = p.needs.noise * model.streams["needs"].standard_normal(people.needs.shape)
    people.needs = drift(
        people.needs,
        supported(model),
        people.engagement,
        p.needs.deterioration,
        p.needs.improvement,
        noise,
        p.needs.threshold,
    )
    g = p.casework.engagement_gain
    e = people.engagement
    people.engagement = np.where(people.key_worker >= 0, e + g * (1.0 - e), e - g * e)
