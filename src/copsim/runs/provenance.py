"""Provenance of a run: what produced it, so a result can be traced and reproduced."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("mesa", "hydra-core", "omegaconf", "numpy", "pandas", "matplotlib", "pyarrow")


def copsim_version() -> str:
    """The version of the copsim code that is running (``copsim.__version__``).

    The package's own attribute rather than the installed metadata: it is the one place the
    version is written (pyproject.toml reads it too), and it stays right when the source on
    ``sys.path`` is not the copy that was installed.
    """
    from copsim import __version__

    return __version__


def git_commit() -> str:
    """The git commit of the copsim source tree (with ``-dirty`` if modified), if any."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if not commit:
        return "unknown"
    return commit + ("-dirty" if dirty else "")


def config_hash(values: Mapping[str, Any]) -> str:
    """A content hash of a resolved configuration (stable across processes).

    An area file counts by what it holds, not only its name, so that a run or twin of an
    edited file is never taken for one of the old.
    """
    if values.get("site.file"):
        from copsim.model.area import load_area

        digest = load_area(values["site.file"]).digest
        values = {**values, "site.file": [values["site.file"], digest]}
    blob = json.dumps(values, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def provenance(values: Mapping[str, Any], argv: list[str] | None = None) -> dict[str, Any]:
    """Everything needed to trace a run: versions, commit, seed, command, config hash."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    out = {
        "copsim_version": copsim_version(),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "packages": versions,
        "seed": values.get("seed"),
        "config_hash": config_hash(values),
        "command": argv if argv is not None else sys.argv,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if values.get("site.file"):
        out["site_file"] = site_file_record(values["site.file"])
    return out


def site_file_record(path: str) -> dict[str, Any]:
    """The area file a run read: its path, the files read and their SHA-256."""
    from copsim.model.area import load_area

    area = load_area(path)
    return {"path": path, "files": [str(f) for f in area.files], "sha256": area.digest}


def replay_command(hydra_cfg: Any) -> list[str]:
    """The ``copsim run`` command that redoes a run or sweep, from Hydra's record of it.

    Hydra's own overrides are kept (a sweep's folder among them, so replaying a sweep
    resumes it), and a user's ``--config-dir`` and ``--config-name``.
    """
    from omegaconf import OmegaConf

    command = ["copsim", "run"]
    if str(OmegaConf.select(hydra_cfg, "mode")) == "RunMode.MULTIRUN":
        command.append("-m")
    for source in OmegaConf.select(hydra_cfg, "runtime.config_sources", default=None) or []:
        if source.get("provider") == "command-line":
            command += ["--config-dir", str(source["path"]).removeprefix("file://")]
    name = OmegaConf.select(hydra_cfg, "job.config_name", default="config")
    if name not in ("config", "calibration"):
        command += ["--config-name", str(name)]
    own = OmegaConf.select(hydra_cfg, "overrides.hydra", default=[]) or []
    command += [str(o) for o in own if not str(o).startswith("hydra.mode=")]  # -m says it
    command += [str(o) for o in OmegaConf.select(hydra_cfg, "overrides.task", default=[]) or []]
    return command
