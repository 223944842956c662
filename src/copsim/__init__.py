"""copsim: communities of practice among front-line practitioners, as an agent-based model.

Public API:
    CopModel: the Mesa model of one site.
    run: run a configuration from Python exactly as ``copsim run`` does.
    RunResult: what a run returns (weekly table, summary, configuration).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel
    from copsim.runs.runner import RunResult, run

__all__ = ["CopModel", "RunResult", "run"]
__version__ = "0.1.0"

# Imported on first use (PEP 562), so that commands and processes that never build a model
# (the main process of a sweep, `copsim docs`) do not pay for Mesa and pandas.
_LAZY = {
    "CopModel": "copsim.model.cop_model",
    "RunResult": "copsim.runs.runner",
    "run": "copsim.runs.runner",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'copsim' has no attribute {name!r}")
