"""The heap kept for seeds side by side (copsim.runs.heap): fewer page faults, same numbers."""

import os
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)

WEEKS = """
import resource, sys
import numpy as np
from copsim.runs.heap import keep_freed_memory

kept = keep_freed_memory() if sys.argv[1] == "kept" else False

def week():
    temporaries = [np.ones(10_000) for _ in range(200)]  # 200 x 80 kB, as a week's
    del temporaries

week()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    week()
print(kept, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _weeks(mode: str, **env: str) -> tuple[str, int]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_"))}
    out = subprocess.run(
        [sys.executable, "-c", WEEKS, mode],
        env={**clean, **env},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return out[0], int(out[1])


def test_kept_heap_faults_a_week_s_temporaries_in_once():
    default_kept, default_faults = _weeks("default")
    kept, faults = _weeks("kept")
    assert (default_kept, kept) == ("False", "True")
    # Without it every week's 16 MB is handed back and faulted in again (~4,000 pages).
    assert default_faults > 20 * 1000
    assert faults < default_faults / 10


def test_a_user_s_own_malloc_settings_are_left_alone():
    kept, _ = _weeks("kept", MALLOC_TRIM_THRESHOLD_="131072")
    assert kept == "False"
