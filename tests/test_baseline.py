"""Baseline regression: the summaries of fixed cases must not move unnoticed.

If a change to the model moves them on purpose, run ``python tests/update_baseline.py``
and explain the change in the commit.
"""

from __future__ import annotations

import json
import math

import pytest

from tests.update_baseline import BASELINE, compute


@pytest.fixture(scope="module")
def current():
    return compute()


@pytest.mark.slow
def test_baseline_matches(current):
    expected = json.loads(BASELINE.read_text())
    assert sorted(current) == sorted(expected)
    for case, summary in expected.items():
        for key, value in summary.items():
            got = current[case][key]
            if isinstance(value, float):
                assert math.isclose(got, value, rel_tol=1e-9, abs_tol=1e-12), (case, key)
            else:
                assert got == value, (case, key)
