"""The model of one site: its parameters, state, agents and weekly mechanisms.

- :mod:`~copsim.model.schema`: every parameter, declared once.
- :mod:`~copsim.model.parameters`: a run's validated values, read as ``p.group.name``.
- :mod:`~copsim.model.site`: agencies, posts and people, held as arrays.
- :mod:`~copsim.model.ties` and :mod:`~copsim.model.draws`: cross-agency ties, and the
  run's keyed random draws (common random numbers by agent slot).
- :mod:`~copsim.model.agents`: the Mesa agents, views onto rows of those arrays.
- :mod:`~copsim.model.mechanisms`: one module per mechanism, each with its equations.
- :mod:`~copsim.model.events`: the policy timeline.
- :mod:`~copsim.model.records`: what a run records each week (the weekly outputs).
- :mod:`~copsim.model.cop_model`: :class:`CopModel` and the order of a week.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copsim.model.cop_model import WEEK, CopModel

__all__ = ["WEEK", "CopModel"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the schema is read by every command, Mesa only by those that
    # build a model.
    if name in __all__:
        return getattr(import_module("copsim.model.cop_model"), name)
    raise AttributeError(f"module 'copsim.model' has no attribute {name!r}")
