"""Issue 23: commands checked whole before any job, defaults that work, smaller CLI items.

The bad inputs themselves are rows of tests/test_bad_input.py; here is what a row cannot
say: that psa, plan, compare and sensitivity refuse before making results/, that a command's
own defaults are accepted, that a closed pipe ends quietly, and the demo's host and page.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from copsim.analysis.sensitivity import DEFAULT_SAMPLES, check_design
from tests.conftest import run_cli, run_cli_forked

REFUSED_BEFORE_ANY_JOB = [
    ("psa", "draws=4", "trust.gain=5"),
    ("psa", "draws=4", "weeks=0"),
    ("psa", "draws=4", "site.file=nope.yaml"),
    ("psa", "draws=4", "weeks=10", "events=[{week:20,set:{funding.agency_budget:0.8}}]"),
    ("psa", "draws=4", "hydra/launcher=nope"),
    ("psa", "draws=4", "--seed", "-1"),
    ("plan", "site.file=nope.yaml"),
    ("plan", "weeks=80", "events=[{week:90,set:{funding.agency_budget:0.8}}]"),
    ("plan", "hydra/launcher=nope"),
    ("plan", "brokerage.funded_weeks=30:60", "weeks=104"),
    ("plan", "site=nope"),
    ("compare", "scenario=cop,no_cop", "hydra/launcher=nope"),
    ("compare", "trust.gain=0.1,5"),
    ("sensitivity", "--method", "sobol", "weeks=0"),
    ("sensitivity", "--params", "trust.gain,trust.gain"),
]


@pytest.mark.slow
@pytest.mark.parametrize("args", REFUSED_BEFORE_ANY_JOB, ids=" ".join)
def test_refused_before_any_job_with_no_results_folder(tmp_path, args):
    proc = run_cli_forked(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert "failed" not in proc.stderr and "jobs done" not in proc.stderr  # none started
    assert not (tmp_path / "results").exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_every_method_accepts_its_default_samples(method):
    check_design(method, DEFAULT_SAMPLES[method], 1)


@pytest.mark.slow
@pytest.mark.parametrize("extra", [("--method", "sobol"), ("--effects",)], ids=" ".join)
def test_sensitivity_runs_with_its_default_samples(tmp_path, extra):
    proc = run_cli(
        "sensitivity",
        *extra,
        "--params",
        "trust.gain",
        "--replicates",
        "1",
        "--workers",
        "1",
        "--out",
        "sens",
        "weeks=3",
        "site.people=40",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert any((tmp_path / "sens").glob("indices*.csv"))


def test_a_closed_pipe_ends_quietly(tmp_path):
    # `copsim experiment --list | head -1`: the reader is gone before copsim writes.
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "copsim", "experiment", "--list"],
            cwd=tmp_path,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write)
    assert proc.stderr == ""
    assert proc.returncode == 1


def _ipv6_loopback() -> bool:
    try:
        with socket.create_server(("::1", 0), family=socket.AF_INET6):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback here")
def test_ipv6_loopback_is_a_host_the_demo_can_listen_on():
    from copsim.viz.server import check_host, port_problem

    assert check_host("::1") is None  # loopback: no warning
    with socket.create_server(("::1", 0), family=socket.AF_INET6) as taken:
        port = taken.getsockname()[1]
        assert "choose another --port" in port_problem("::1", port)
    assert port_problem("::1", port) is None


def _viz_installed() -> bool:
    from copsim.viz.server import missing_packages

    return not missing_packages()


@pytest.mark.slow
@pytest.mark.skipif(not _viz_installed(), reason="the viz extra is not installed")
def test_the_demo_page_loads_without_a_warning(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    log = tmp_path / "stderr"
    with log.open("w") as err:
        server = subprocess.Popen(
            [sys.executable, "-m", "copsim", "demo", "--no-open", "--port", str(port)],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        deadline, status = time.monotonic() + 120, None
        while status is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
                    status = page.status
            except OSError:
                time.sleep(0.5)
        assert status == 200
        time.sleep(1)  # the warning came as the first page was served
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = Path(log).read_text()
    assert "Warning" not in text and "samesite" not in text, text
