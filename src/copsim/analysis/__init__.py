"""Comparing configurations over replicates: paired differences, sensitivity, figures.

The pieces a researcher uses in a notebook:

>>> from copsim import analysis
>>> runs = analysis.run_configurations(["scenario=cop_nurtured,cop_unnurtured"], replicates=20)
>>> analysis.describe(runs)                                   # mean, median, 95% interval
>>> analysis.compare(runs, baseline="scenario=cop_unnurtured")  # paired differences by seed
>>> analysis.weekly_bands(runs, ["staff_in_post", "burnout_mean"])  # a figure

``runs`` can also come from a collected sweep folder (:func:`load_sweep`).

The names are imported when first used: they pull in Matplotlib and Mesa (about 2 s),
which a command of this package refusing a typo (:mod:`copsim.analysis.commands`) should
not pay first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copsim.analysis.figures import forest, heatmap, weekly_bands
    from copsim.analysis.paired import compare, describe, paired_difference
    from copsim.analysis.replicates import Runs, load_sweep, run_configurations

_HOMES = {
    "Runs": "replicates",
    "compare": "paired",
    "describe": "paired",
    "forest": "figures",
    "heatmap": "figures",
    "load_sweep": "replicates",
    "paired_difference": "paired",
    "run_configurations": "replicates",
    "weekly_bands": "figures",
}

__all__ = [
    "Runs",
    "compare",
    "describe",
    "forest",
    "heatmap",
    "load_sweep",
    "paired_difference",
    "run_configurations",
    "weekly_bands",
]


def __getattr__(name: str) -> Any:
    """A public name of the package, imported from its module on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
