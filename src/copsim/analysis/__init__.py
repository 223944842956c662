"""Comparing configurations over replicates: paired differences, sensitivity, figures.

The pieces a researcher uses in a notebook:

>>> from copsim import analysis
>>> runs = analysis.run_configurations(["scenario=cop_nurtured,cop_unnurtured"], replicates=20)
>>> analysis.describe(runs)                                   # mean, median, 95% interval
>>> analysis.compare(runs, baseline="scenario=cop_unnurtured")  # paired differences by seed
>>> analysis.weekly_bands(runs, ["staff_in_post", "burnout_mean"])  # a figure

``runs`` can also come from a collected sweep folder (:func:`load_sweep`).
"""

from copsim.analysis.figures import forest, heatmap, weekly_bands
from copsim.analysis.paired import compare, describe, paired_difference
from copsim.analysis.replicates import Runs, load_sweep, run_configurations

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
