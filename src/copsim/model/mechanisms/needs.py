"""Needs: weekly drift of each need, and engagement with services.

Equations (docs/ODD.md, "Needs"): an unsupported need drifts up towards 1, a supported one
down towards 0 in proportion to engagement, plus noise (less the fading of crises' rises,
with ``needs.crisis_shock_weeks``); engagement rises towards 1 while a key worker is
allocated and falls while not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from copsim.model.domains import DOMAINS, SEVERITY_ENGAGEMENT_WEIGHT, SEVERITY_WEIGHTS

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel

_DOMAIN_SUB = np.arange(len(DOMAINS))
"""A person's draws for each need domain (the ``sub`` of :meth:`copsim.model.draws.Draws.bits`)."""
_OWN_DOMAIN = np.eye(len(DOMAINS) + 1, len(DOMAINS), dtype=bool)
"""Row d: True at domain d only; the last row (no key worker): all False."""


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
    # The 0/1 factors select terms: ``det a (1 - s)(1 - n)`` is ``(1 - n) det`` where
    # a need is active and unsupported and 0 elsewhere, bit for bit, and likewise for
    # ``imp s e n``; so each is one product, masked, with no float copy of the masks.
    up = np.subtract(1.0, needs)
    up *= deterioration
    up *= (needs > threshold) & ~supported
    down = (improvement * engagement)[:, None] * needs
    down *= supported
    out = needs + up
    out -= down
    out += shock
    return out.clip(0.0, 1.0, out=out)


def weigh(needs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each person's needs weighted and summed, ``needs @ weights``, row by row.

    Domain by domain, in a fixed order, rather than by a matrix product: a BLAS product's
    rounding depends on the rows around a row, so a person's value would depend on how
    many people the array holds (a region's locality against the site alone, seeds side
    by side against one alone). Element by element it cannot.

    Args:
        needs: One row a person, one column a domain.
        weights: One weight a domain (a vector), or one column of weights a domain per
            output (a matrix of shape (domains, outputs)).
    """
    by_domain = weights.reshape(needs.shape[1], -1)
    total = needs[:, :1] * by_domain[0]
    for j in range(1, needs.shape[1]):
        total += needs[:, j : j + 1] * by_domain[j]
    return total if weights.ndim == 2 else total[:, 0]


def severity(needs: np.ndarray, engagement: np.ndarray) -> np.ndarray:
    """New Directions Team-like severity on 0-48 (weights in :mod:`copsim.model.domains`).

    Args:
        needs: Each person's needs, one row a person.
        engagement: Each person's engagement.
    """
    weighted = weigh(needs, SEVERITY_WEIGHTS)
    return weighted + SEVERITY_ENGAGEMENT_WEIGHT * (1.0 - engagement)


def supported(model: CopModel) -> np.ndarray:
    """Which needs are supported this week: by an accepted referral or the key worker."""
    people = model.people
    # Each key worker's domain, len(DOMAINS) ("none", a row of False) for the unallocated.
    kw_domain = model.agencies.key_worker_domain(model.posts).take(people.key_worker)
    own = _OWN_DOMAIN.take(kw_domain, axis=0)
    own |= people.supported_until > model.week
    return own


def fade(shock: np.ndarray, weeks: int) -> np.ndarray:
    """Release ``1 / weeks`` of what is left of crises' rises in needs (``shock``, in place).

    Returns the release, which the week's drift takes off the needs: a crisis's rise then
    fades with time constant ``weeks`` (``needs.crisis_shock_weeks``) instead of lasting,
    so one crisis more or less does not move a person's needs for good.
    """
    release = shock / weeks
    shock -= release
    return release


def step(model: CopModel) -> None:
    """Move every need one week on and update engagement."""
    p, people = model.p, model.people
    n_dom = people.needs.shape[1]
    z = model.draws.normal("needs.noise", model.week, people.identity[:, None], _DOMAIN_SUB[:n_dom])
    noise = p.needs.noise * z
    if p.needs.crisis_shock_weeks:
        noise -= fade(people.shock, p.needs.crisis_shock_weeks)
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
