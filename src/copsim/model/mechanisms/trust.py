"""Trust and ties: saturating gains, proportional losses, decay when unused, forgetting.

Trust lives in [0, 1]. A successful joint interaction moves it a share ``gain`` of the way
to 1; a failed one removes a share ``loss`` of it; an unused tie drifts at rate ``decay``
towards the site's baseline (its history of joint working); a tie unused for
``forget_weeks`` is lost, and turnover destroys every tie of the leaver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel


def gain(trust: np.ndarray | float, rate: float, times: np.ndarray | int = 1):
    """Trust after ``times`` successes: ``1 - (1 - t)(1 - rate)^times``."""
    return 1.0 - (1.0 - trust) * (1.0 - rate) ** times


def loss(trust: np.ndarray | float, rate: float, times: np.ndarray | int = 1):
    """Trust after ``times`` failures: ``t (1 - rate)^times``."""
    return trust * (1.0 - rate) ** times


def decay(trust: np.ndarray | float, baseline: np.ndarray | float, rate: float):
    """Trust of an unused tie after one week: ``t + rate (baseline - t)``."""
    return trust + rate * (baseline - trust)


def record_joint_work(model: CopModel, edges: np.ndarray, success: np.ndarray) -> None:
    """Apply the outcome of joint work through ties (an edge may appear several times)."""
    if len(edges) == 0:
        return
    n = len(model.ties)
    wins = np.bincount(edges[success], minlength=n)
    losses = np.bincount(edges[~success], minlength=n)
    _, _, tr, used = model.ties.view()
    touched = (wins + losses) > 0
    tr[touched] = loss(
        gain(tr[touched], model.p.trust.gain, wins[touched]), model.p.trust.loss, losses[touched]
    )
    used[touched] = model.week


def step(model: CopModel) -> None:
    """Unused ties decay towards their baselines; ties unused for too long are lost."""
    p, ties = model.p, model.ties
    if len(ties) == 0:
        return
    _, _, tr, used = ties.view()
    idle = used < model.week
    tr[idle] = decay(tr[idle], ties.baselines()[idle], p.trust.decay)
    ties.keep(model.week - used < p.trust.forget_weeks)
