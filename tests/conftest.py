"""Shared helpers for the tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

import pandas as pd
import pytest

from copsim.model.cop_model import CopModel

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real ``copsim`` command (as ``python -m copsim``) in ``cwd``."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("HYDRA_FULL_ERROR", None)
    return subprocess.run(
        [sys.executable, "-m", "copsim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
    )


def start_cli(*args: str, cwd: Path) -> subprocess.Popen:
    """Start the real ``copsim`` command in the background (to kill it mid-run), silenced."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.Popen(
        [sys.executable, "-m", "copsim", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_after_runs(*args: str, cwd: Path, runs: Path, least: int = 5) -> dict:
    """Start ``copsim ARGS``, SIGKILL it once ``least`` runs are stored under ``runs``.

    Returns:
        Every run file then stored, mapped to its modification time and bytes, so that a
        rerun can be shown to have redone none of them.
    """
    proc = start_cli(*args, cwd=cwd)
    deadline = time.monotonic() + 120
    while (
        len(list(runs.glob("*/seed-*.parquet"))) < least
        and proc.poll() is None
        and time.monotonic() < deadline
    ):
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "it finished before it could be killed"
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in runs.glob("*/seed-*.parquet")}


def run_cli_forked(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``copsim.cli.main`` in a forked child of this process, in ``cwd``.

    The same entry point as the ``copsim`` command, with its own process, working folder,
    standard streams and exit status, but without paying Python's and Hydra's imports for
    every case: a table of hundreds of bad command lines then takes seconds, not minutes.
    :func:`run_cli` stays the real command for the cases that must prove the executable.
    """
    # Imported once, before forking: the commands import these only when they run.
    import copsim.analysis.commands
    import copsim.analysis.experiment
    import copsim.analysis.psa
    import copsim.analysis.report
    import copsim.analysis.sensitivity  # noqa: F401
    import copsim.cli

    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        with warnings.catch_warnings():
            # Python warns when a process with threads forks (a lock held by another thread
            # stays held in the child). The child here only runs copsim's command and exits;
            # logging, which it uses, re-creates its locks after a fork.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 1
            try:
                os.chdir(cwd)
                os.environ.pop("HYDRA_FULL_ERROR", None)
                os.environ.update(env or {})
                for fd, path in ((1, out), (2, err)):
                    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                    os.dup2(handle, fd)
                sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
                sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
                sys.argv = ["copsim", *args]
                try:
                    copsim.cli.main(list(args))
                    code = 0
                except SystemExit as stop:
                    code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
                except BaseException:
                    traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        return subprocess.CompletedProcess(
            ["copsim", *args], os.waitstatus_to_exitcode(status), out.read_text(), err.read_text()
        )


# --- sweeps, shared by every launcher's test (tests/test_sweep.py, tests/test_sweep_ray.py) ---

SWEEP_POINTS = ["brokerage.hours_per_week=0,5", "site=poor_history,good_history", "weeks=20"]
SWEEP_REPLICATES = 2
# What may differ between two sweeps of the same points: timing, when, and the commit (others
# may commit to the checkout between two sweeps).
VOLATILE = ["compute_seconds", "created", "git_commit"]


def sweep(
    tmp_path: Path,
    *extra: str,
    folder: str = "sweep",
    points: list[str] = SWEEP_POINTS,
    replicates: int = SWEEP_REPLICATES,
    env: dict | None = None,
) -> tuple[subprocess.CompletedProcess, Path]:
    """Run ``copsim run -m`` over ``points`` into ``folder`` (relative to ``tmp_path``)."""
    proc = run_cli(
        "run",
        "-m",
        *points,
        f"replicates={replicates}",
        f"hydra.sweep.dir={folder}",
        *extra,
        cwd=tmp_path,
        env=env,
    )
    return proc, tmp_path / folder


def assert_same_tables(expected, other) -> None:
    """Two sweeps' collected tables (``SweepTables``) hold the same runs, value for value."""
    pd.testing.assert_frame_equal(
        expected.summary.drop(columns=VOLATILE),
        other.summary.drop(columns=VOLATILE),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(expected.weekly, other.weekly, check_exact=True)


@pytest.fixture
def small_model() -> CopModel:
    """A small, short model for mechanism tests."""
    return CopModel({"site.practitioners_per_agency": 5, "site.people": 60, "weeks": 30})


@pytest.fixture
def fresh_caches():
    """This process's burned-in states and twins forgotten, before and after the test."""
    from copsim.model import burn_in
    from copsim.runs import runner

    burn_in.clear_cache()
    runner._twin_by_key.cache_clear()
    yield
    burn_in.clear_cache()
    runner._twin_by_key.cache_clear()
