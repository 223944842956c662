"""copsim: communities of practice among front-line practitioners, as an agent-based model.

Public API:
    CopModel: the Mesa model of one site.
    run: run a configuration from Python exactly as ``copsim run`` does.
    RunResult: what a run returns (weekly table, summary, configuration).
"""

from copsim.model import CopModel
from copsim.runner import RunResult, run

__all__ = ["CopModel", "RunResult", "run"]
__version__ = "0.1.0"
