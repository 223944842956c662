"""A sweep through the Ray launcher on a real local Ray cluster gives joblib's tables.

The test starts a one-node Ray cluster (``ray start --head``) on 127.0.0.1, runs a small sweep
through ``copsim run -m hydra/launcher=cluster_ray`` against it, stops the cluster and
compares the collected tables with the same sweep run by joblib.

Ray is the ``ray`` extra (about 1 GB), installed in a virtual environment of its own
(docs/cluster.md), so this test is marked ``ray`` and left out of ``make test`` and CI.
Without Ray it skips, unless COPSIM_REQUIRE_RAY=1, where it fails: whoever asks for it
must get it run.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from copsim.sweep.store import SweepTables
from tests.conftest import assert_same_tables, sweep

pytestmark = [pytest.mark.ray, pytest.mark.slow]

REQUIRED = os.environ.get("COPSIM_REQUIRE_RAY", "") in ("1", "true")
POINTS = ["brokerage.hours_per_week=0,5", "weeks=12"]
STARTUP_SECONDS = 120
# Ray keeps to this machine: no usage reports, and every server on the loopback interface.
# Ray 2 maps --node-ip-address=127.0.0.1 to the machine's outward address
# (ray._private.services.resolve_ip_for_localhost) and its gRPC servers then listen on every
# interface; with clusters of several machines turned off it keeps 127.0.0.1 and its servers
# listen on it alone (this test checks that they do).
RAY_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}


@dataclass
class Cluster:
    """A running Ray head node: its address ``host:port`` and its temporary folder."""

    address: str
    temp: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Cluster]:
    """A Ray head node on 127.0.0.1 for this module, stopped (and its folder removed) after."""
    try:
        import psutil
        import ray  # noqa: F401
        from hydra_plugins.hydra_ray_launcher import ray_launcher  # noqa: F401
    except ImportError as err:
        reason = f"Ray is not installed ({err}); see docs/cluster.md to run the Ray test"
        if REQUIRED:
            pytest.fail(f"{reason}; COPSIM_REQUIRE_RAY=1, so it must run, not skip")
        pytest.skip(reason)

    port = free_port()
    # Short: Ray's unix socket paths under it must stay within the OS limit (107 bytes).
    temp = Path(tempfile.mkdtemp(prefix="ray-"))
    log = temp / "ray-start.log"
    command = [
        str(Path(sys.executable).with_name("ray")),
        "start",
        "--head",
        "--block",  # in the foreground, so the cluster is this process group's alone
        "--node-ip-address=127.0.0.1",
        f"--port={port}",
        f"--ray-client-server-port={free_port()}",
        f"--dashboard-agent-listen-port={free_port()}",
        "--num-cpus=2",
        "--include-dashboard=false",
        "--disable-usage-stats",
        f"--temp-dir={temp}",
    ]
    with log.open("w") as out:
        head = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **RAY_ENV},
            cwd=temp,  # the tasks' working directory: nothing stray lands in the checkout
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while "Ray runtime started" not in log.read_text():
            if head.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"ray start did not start a cluster:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        servers = {
            conn.laddr.ip
            for proc in [psutil.Process(head.pid), *psutil.Process(head.pid).children(True)]
            for conn in proc.net_connections("inet")
            if conn.status == psutil.CONN_LISTEN
        }
        assert servers and servers <= {"127.0.0.1", "::ffff:127.0.0.1"}, servers
        yield Cluster(f"127.0.0.1:{port}", temp)
    finally:
        # Only this cluster's processes, all in the session ray start led, and at once:
        # `ray stop` would end every Ray process on the machine, and a SIGTERM'd node drains
        # its work for up to 30 s first.
        with contextlib.suppress(ProcessLookupError):  # it has already ended
            os.killpg(head.pid, signal.SIGKILL)
        head.wait(timeout=30)
        shutil.rmtree(temp, ignore_errors=True)


def test_a_sweep_on_a_local_ray_cluster_gives_joblibs_tables(tmp_path, ray_cluster: Cluster):
    # Absolute: Ray runs the tasks in the node's working directory (cluster_ray.yaml).
    ray_folder = str(tmp_path / "ray")
    try:
        proc, folder = sweep(
            tmp_path,
            "hydra/launcher=cluster_ray",
            f"hydra.launcher.ray.init.address={ray_cluster.address}",
            folder=ray_folder,
            points=POINTS,
            env=RAY_ENV,
        )
    except subprocess.TimeoutExpired as err:  # say where it stopped: in a job, or at exit
        done = sorted(p.name for p in (tmp_path / "ray" / "jobs").glob("*.json"))
        # What was read before the timeout, as bytes even in text mode (subprocess on POSIX).
        out, errs = (
            x.decode() if isinstance(x, bytes) else x or "" for x in (err.output, err.stderr)
        )
        pytest.fail(
            f"the Ray sweep did not end; jobs done: {done}\n"
            f"stdout: {out[-2000:]}\nstderr: {errs[-4000:]}"
        )
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert "2 jobs done; 4 runs in summary.parquet and weekly.parquet; 0 failed" in last
    assert f"Connecting to existing Ray cluster at address: {ray_cluster.address}" in proc.stderr
    # Every job ran in one of the cluster's workers, each of which logs under its process id.
    logs = ray_cluster.temp / "session_latest" / "logs"
    for job in (folder / "jobs").glob("*.json"):
        pid = json.loads(job.read_text())["pid"]
        assert list(logs.glob(f"worker-*-{pid}.out")), (job.name, pid)

    proc, joblib_folder = sweep(tmp_path, "hydra/launcher=joblib", folder="joblib", points=POINTS)
    assert proc.returncode == 0, proc.stderr
    ray_tables, joblib_tables = SweepTables.load(folder), SweepTables.load(joblib_folder)
    assert len(ray_tables.summary) == 4 and sorted(set(ray_tables.summary["seed"])) == [0, 1]
    assert_same_tables(joblib_tables, ray_tables)
