"""The process's heap, kept for the arrays of seeds stepped side by side.

Seeds side by side (:mod:`copsim.model.replicates`) make every week's temporaries a few
hundred kilobytes to a few megabytes each, allocated and freed by the hundred. glibc's
malloc hands a freed top of its heap back to the system as soon as it exceeds a small
threshold, and serves large blocks straight from the system, so each week faults the same
pages in again: about a tenth of a sweep's time went into page faults (400,000 for 50
default runs, 47,000 with the heap kept). Raising the two thresholds keeps that memory in
the process for the next week; the peak memory of a sweep's worker is unchanged.

Only glibc has these settings; elsewhere, or when the user has set them in the
environment, nothing is changed. Numbers never depend on it.
"""

from __future__ import annotations

import ctypes
import functools
import os

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter numbers (malloc.h)."""

TRIM_THRESHOLD = 64 << 20
"""Free memory at the top of the heap kept for reuse (bytes): a week's temporaries."""

MMAP_THRESHOLD = 16 << 20
"""Blocks from this size up come straight from the system (bytes): none of a week's."""

ENVIRONMENT = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES")
"""Settings by which a user tunes malloc themselves (then left alone)."""


@functools.cache
def keep_freed_memory() -> bool:
    """Keep freed memory in the process for reuse, once; whether the heap was tuned."""
    if any(name in os.environ for name in ENVIRONMENT):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # not glibc (macOS, Windows, musl)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    # The mmap threshold first: setting either stops glibc adjusting both dynamically.
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
