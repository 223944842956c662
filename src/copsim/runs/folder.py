"""A run folder: the five files of a run, written atomically.

Each file is written to a temporary name and renamed into place, so a reader never sees a
half-written file; ``summary.json`` is written last and marks the run complete.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from copsim.files import atomic_write
from copsim.model.schema import GROUPS
from copsim.runs.plotting import overview, save
from copsim.runs.provenance import provenance
from copsim.runs.runner import RunResult

RUN_FILES = (
    "config.yaml",
    "provenance.json",
    "weekly.parquet",
    "localities.json",
    "agencies.json",
    "overview.png",
    "summary.json",
)
"""What every run folder holds, in the order written (summary last). A run of an area file
(``site.file``) also keeps a copy of it (and of the CSV of agencies it names) in ``area/``."""


def nested_config(values: dict[str, Any]) -> dict[str, Any]:
    """The flat configuration as the nested tree Hydra reads (groups as mappings)."""
    tree: dict[str, Any] = {}
    for name, value in values.items():
        group, _, key = name.rpartition(".")
        if group in GROUPS:
            tree.setdefault(group, {})[key] = value
        else:
            tree[name] = value
    return tree


def write_run(result: RunResult, folder: Path, argv: list[str] | None = None) -> None:
    """Write a run's files (:data:`RUN_FILES`) into ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    if result.values.get("site.file"):
        from copsim.model.area import load_area
        from copsim.user_files import read_bytes

        for source in load_area(result.values["site.file"]).files:
            data = read_bytes(source)
            atomic_write(folder / "area" / source.name, lambda p, d=data: p.write_bytes(d))
    atomic_write(
        folder / "config.yaml",
        lambda p: p.write_text(yaml.safe_dump(nested_config(result.values), sort_keys=False)),
    )
    prov = provenance(result.values, argv)
    atomic_write(folder / "provenance.json", lambda p: p.write_text(json.dumps(prov, indent=2)))
    atomic_write(folder / "weekly.parquet", lambda p: result.weekly.to_parquet(p, index=False))
    atomic_write(
        folder / "localities.json",
        lambda p: p.write_text(json.dumps(result.localities, indent=2)),
    )
    atomic_write(
        folder / "agencies.json", lambda p: p.write_text(json.dumps(result.agencies, indent=2))
    )
    title = f"copsim run, seed {result.values['seed']} (config {prov['config_hash']})"
    fig = overview(result.weekly, result.events, title)
    atomic_write(folder / "overview.png", lambda p: save(fig, str(p)))
    atomic_write(
        folder / "summary.json", lambda p: p.write_text(json.dumps(result.summary, indent=2))
    )
