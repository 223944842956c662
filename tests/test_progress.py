"""Progress bars: shown on a terminal (a pseudo-terminal here), quiet otherwise or with --quiet."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

import pandas as pd
import pytest

from copsim.progress import Bar
from copsim.sweep.store import SweepStore

EXPERIMENT = "configurations: {a: [weeks=5], b: [weeks=5, scenario=no_cop]}\nreplicates: 2\n"


def _stderr_on_a_terminal(args: list[str], cwd) -> tuple[int, str]:
    """Run copsim with stderr on a pseudo-terminal; its exit status and what it drew."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "copsim", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(timeout=600), b"".join(chunks).decode(errors="replace")


def _one_run_sweep(folder) -> None:
    record = {
        "point": "p",
        "config_hash": "c",
        "seed": 0,
        "job": 0,
        "tags": {"weeks": 2},
        "choices": {},
        "values": {"weeks": 2},
        "summary": {"retention": 1.0},
        "compute_seconds": 0.0,
        "provenance": {},
    }
    SweepStore(folder).write_run(record, pd.DataFrame({"week": [0, 1, 2]}))


def test_the_bar_counts_and_estimates_and_is_quiet_off_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    shown, hidden = Terminal(), io.StringIO()
    for stream in (shown, hidden):
        with Bar(4, "compare", stream=stream, every=0) as bar:
            for _ in bar.track(range(4)):
                pass
    assert "copsim: compare [" in shown.getvalue() and "4/4 runs" in shown.getvalue()
    assert hidden.getvalue() == ""


@pytest.mark.slow
def test_collect_shows_progress_on_a_terminal_only(tmp_path):
    _one_run_sweep(tmp_path / "sweep")
    status, drawn = _stderr_on_a_terminal(["collect", "sweep"], tmp_path)
    assert status == 0 and "copsim: collect [" in drawn and "1/1 run files" in drawn
    status, drawn = _stderr_on_a_terminal(["collect", "sweep", "--quiet"], tmp_path)
    assert status == 0 and "[" not in drawn
    piped = subprocess.run(
        [sys.executable, "-m", "copsim", "collect", "sweep"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert piped.returncode == 0 and "[" not in piped.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "label"),
    [
        (
            ["compare", "scenario=cop,no_cop", "weeks=5", "replicates=2", "--workers", "1"],
            "compare",
        ),
        (
            [
                "sensitivity",
                "--params",
                "trust.gain",
                "--samples",
                "2",
                "--replicates",
                "1",
                "--workers",
                "1",
                "weeks=5",
            ],
            "sensitivity (morris)",
        ),
        (["experiment", "mine.yaml", "--workers", "1"], "experiment mine"),
        (["calibrate", "trials=2", "replicates=1", "weeks=5", "burn_in_weeks=26"], "calibrate"),
    ],  # fmt: skip
    ids=["compare", "sensitivity", "experiment", "calibrate"],
)
def test_long_commands_show_progress_on_a_terminal(tmp_path, args, label):
    (tmp_path / "mine.yaml").write_text(EXPERIMENT)
    status, drawn = _stderr_on_a_terminal(args, tmp_path)
    assert status == 0, drawn
    assert f"copsim: {label} [" in drawn and "elapsed" in drawn, drawn
