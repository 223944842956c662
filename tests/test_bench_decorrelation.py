"""The statistics of benchmarks/bench_decorrelation.py, on an AR(1) process's exact ACF."""

from __future__ import annotations

import math

import numpy as np
import pytest
from benchmarks.bench_decorrelation import INFLATION, integrated_time, spacing

PHI = 0.9
RHO = PHI ** np.arange(400)  # an AR(1) process's autocorrelation


def test_integrated_time_of_an_ar1_is_its_formula():
    assert integrated_time(RHO) == pytest.approx((1 + PHI) / (1 - PHI), rel=0.01)


def test_spacing_is_the_first_whose_variance_inflation_is_small_enough():
    # 1 + 2 phi^k / (1 - phi^k) <= 1.1  <=>  phi^k <= 0.05 / 1.05
    expected = math.ceil(math.log((INFLATION - 1) / 2 / (1 + (INFLATION - 1) / 2)) / math.log(PHI))
    assert spacing(RHO) == expected
    # Independent snapshots need no spacing beyond one week; a slower process needs more.
    assert spacing(np.r_[1.0, np.zeros(50)]) == 1
    assert spacing(0.97 ** np.arange(400)) > expected
