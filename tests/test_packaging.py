"""The released artefacts: sdist and wheel build, pass twine, and the wheel works elsewhere.

Policy teams install copsim on machines without the repository, so the wheel is installed
into a fresh virtual environment and run from a folder outside the checkout: it must carry
its own Hydra configuration (conf/) and experiments, and need nothing from the source tree.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import copsim
from tests.conftest import REPO

pytestmark = pytest.mark.slow


def _needs(module: str) -> None:
    # In CI the tools come with the test extra and the test must run; elsewhere it may skip.
    if os.environ.get("CI"):
        __import__(module)
    else:
        pytest.importorskip(module)


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 600):
    proc = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, f"{' '.join(map(str, args))}\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_wheel_installs_in_a_fresh_venv_and_runs_outside_the_repository(tmp_path):
    _needs("build")
    _needs("twine")
    # Nothing of this checkout may leak into the fresh environment (tests may run with the
    # source on PYTHONPATH), and the commands run from a folder that is not the repository.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    dist, elsewhere = tmp_path / "dist", tmp_path / "elsewhere"
    elsewhere.mkdir()
    timings = {}

    start = time.monotonic()
    # No --sdist/--wheel: build makes the sdist, then the wheel from the sdist, so the sdist
    # is shown to hold everything the wheel needs.
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)], tmp_path, env)
    (sdist,) = dist.glob("copsim-*.tar.gz")
    (wheel,) = dist.glob("copsim-*.whl")
    assert wheel.name == f"copsim-{copsim.__version__}-py3-none-any.whl"
    _run(
        [sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)], tmp_path, env
    )
    timings["build"] = time.monotonic() - start

    start = time.monotonic()
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    bin_dir = venv / "bin"
    _run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        tmp_path,
        env,
        timeout=900,
    )
    timings["install"] = time.monotonic() - start
    copsim_cmd = str(bin_dir / "copsim")

    where = _run(
        [str(bin_dir / "python"), "-c", "import copsim; print(copsim.__file__)"], elsewhere, env
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    version = _run([copsim_cmd, "--version"], elsewhere, env)
    assert version.stdout.strip() == f"copsim {copsim.__version__}"

    start = time.monotonic()
    run_dir = tmp_path / "run"
    _run([copsim_cmd, "run", "weeks=8", f"hydra.run.dir={run_dir}"], elsewhere, env)
    summary = json.loads((run_dir / "summary.json").read_text())
    assert "turnover_rate" in summary
    prov = json.loads((run_dir / "provenance.json").read_text())
    assert prov["copsim_version"] == copsim.__version__

    out = tmp_path / "compare"
    _run(
        [
            copsim_cmd,
            "compare",
            "scenario=cop,no_cop",
            "weeks=8",
            "replicates=2",
            "--baseline",
            "scenario=no_cop",
            "--out",
            str(out),
        ],
        elsewhere,
        env,
    )
    assert (out / "paired_differences.csv").exists() and (out / "report.md").exists()

    # The demo needs the viz extra to serve, but its help must work in the default install.
    demo = _run([copsim_cmd, "demo", "--help"], elsewhere, env)
    assert "--port" in demo.stdout
    timings["commands"] = time.monotonic() - start

    assert not any(elsewhere.iterdir()), "commands wrote into the working folder"
    print("packaging timings (s):", {k: round(v, 1) for k, v in timings.items()})
