"""The sweep folder: finished runs as atomic files, shared twins, failures, tidy tables.

Besides Hydra's own job folders (``0/``, ``1/``, ... with ``.hydra/``) and
``multirun.yaml``, a sweep folder (``hydra.sweep.dir``) holds::

    runs/<point>/seed-<seed>.parquet  one finished run (below)
    twins/<hash>.json                 no-CoP twin outcomes, shared by every job and process
                                      (sweeps over programme settings only)
    burn-ins/<hash>.pickle            burned-in states, shared likewise (sweeps over
                                      programme settings, the run's length or unit costs)
    failures/<key>.json               a point that failed: its overrides, config and error
    jobs/<num>.json                   what each job of the latest sweep did, and its timing
    sweep.json                        timing of the latest multirun
    weekly.parquet, summary.parquet   the collected tables (run x week, run)
    localities.parquet                the collected per-locality summaries (run x locality)

A run file is the run's weekly table; its summary, tags (swept values, seed, hashes) and
provenance travel in the file's metadata, so one rename publishes the whole run: a run is
complete exactly when its file exists. Resume and collect rely on nothing else, which is
why a sweep killed at any moment loses no finished run and never shows a half-written one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copsim.errors import CollectFailed
from copsim.files import atomic_write, report_bad
from copsim.progress import Bar
from copsim.runs.provenance import config_hash
from copsim.sweep.burn_ins import BurnInCache
from copsim.sweep.twins import TwinCache
from copsim.words import count

if TYPE_CHECKING:
    import pandas as pd


# pandas and pyarrow are imported where tables are read or written: the main process of a
# sweep only needs them to collect at the end, and starts its workers sooner without them.

META_KEY = b"copsim"
"""Parquet metadata key of a run file's record and of the collected tables' column roles."""

ID_COLUMNS = ("seed", "point", "config_hash")
"""Columns that identify a run in the collected tables, after the swept parameters."""

RUN_COLUMNS = ("compute_seconds", "job", "copsim_version", "git_commit", "created")
"""Per-run bookkeeping columns at the end of ``summary.parquet``."""


def point_hash(values: Mapping[str, Any]) -> str:
    """Hash of a configuration without its seed: the same for every replicate of a point."""
    return config_hash({k: v for k, v in values.items() if k != "seed"})


def stamp(path: Path) -> tuple[int, int] | None:
    """Identity of a file's current version: a rewrite by rename changes it."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns


class SweepStore:
    """Read and write the copsim parts of one sweep folder.

    Args:
        root: The sweep folder (``hydra.sweep.dir``).
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.twins = TwinCache(self.root / "twins")
        self.burn_ins = BurnInCache(self.root / "burn-ins")

    # --- runs -------------------------------------------------------------------------

    def run_path(self, point: str, seed: int) -> Path:
        """Where the run of ``point`` with ``seed`` lives."""
        return self.root / "runs" / point / f"seed-{seed}.parquet"

    def has_run(self, point: str, seed: int) -> bool:
        """Whether that run finished: its file exists and reads back whole.

        A file that does not (truncated, empty, foreign) is moved aside with one line on
        stderr, so the run is done again rather than trusted.
        """
        path = self.run_path(point, seed)
        if not path.exists():
            return False
        problem = run_file_problem(path, point, seed)
        if problem is None:
            return True
        report_bad(path, problem, "run again")
        return False

    def write_run(self, record: dict[str, Any], weekly: pd.DataFrame) -> Path:
        """Publish a finished run: its weekly rows, with ``record`` in the metadata."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(weekly, preserve_index=False)
        record = {**record, "rows": table.num_rows}  # checked when the file is trusted
        meta = {**(table.schema.metadata or {}), META_KEY: json.dumps(record, default=str)}
        table = table.replace_schema_metadata(meta)
        path = self.run_path(record["point"], record["seed"])
        atomic_write(path, lambda p: pq.write_table(table, p))
        return path

    def run_files(self) -> list[Path]:
        """Every finished run's file (temporary files are hidden and skipped)."""
        return sorted(self.root.glob("runs/*/seed-*.parquet"))

    @staticmethod
    def read_run(path: Path) -> tuple[dict[str, Any], Any]:
        """A run file's record and its weekly rows (a pyarrow Table)."""
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        return json.loads(table.schema.metadata[META_KEY]), table.replace_schema_metadata(None)

    # --- failures and jobs ------------------------------------------------------------

    def failure_path(self, key: str) -> Path:
        """Where the failure record of a point (keyed by its overrides) lives."""
        return self.root / "failures" / f"{key}.json"

    def failure_files(self) -> list[Path]:
        """Every failure record."""
        return sorted(self.root.glob("failures/*.json"))

    def job_path(self, num: int) -> Path:
        """Where job ``num`` records what it did."""
        return self.root / "jobs" / f"{num}.json"

    def job_files(self) -> list[Path]:
        """Every job record."""
        return sorted(self.root.glob("jobs/*.json"))

    # --- collect ----------------------------------------------------------------------

    def collect(
        self, read: Mapping[Path, tuple[dict[str, Any], Any]] | None = None
    ) -> SweepTables | None:
        """Merge every finished run into the tidy tables and write them (None if no run).

        Args:
            read: Runs already read (:meth:`read_run`) by path; the others are read here.

        Raises:
            CollectFailed: If a run file cannot be read (it is moved aside; the tables of
                the others are written) or the tables cannot be written.
        """
        paths, bad = [], 0
        for path in self.run_files():
            if path in (read or {}):
                paths.append(path)
                continue
            problem = run_file_problem(path)
            if problem is None:
                paths.append(path)
            else:
                report_bad(path, problem, "rerun the sweep's command to run it again")
                bad += 1
        try:
            tables = SweepTables.from_runs(paths, read)
            if tables is not None:
                tables.write(self.root)
        except Exception as err:  # disk full, unwritable folder, a file gone bad meanwhile
            raise CollectFailed(
                f"could not write the tables of {self.root} ({type(err).__name__}: "
                f"{str(err).splitlines()[0] if str(err) else 'no detail'})"
            ) from err
        if bad:
            raise CollectFailed(
                f"{count(bad, 'run file')} in {self.root} could not be read and "
                "were moved aside (*.bad-<time>); rerun the sweep's command to redo them"
            )
        return tables


def run_file_problem(path: Path, point: str | None = None, seed: int | None = None) -> str | None:
    """Why a run file cannot be trusted, or None if it reads back whole.

    Reads only the file's footer: the parquet metadata must parse, carry the run's record
    (for ``point`` and ``seed`` when given), and count the rows the record says it wrote.
    A file cut short loses its footer, so truncated, empty and foreign files all fail.
    """
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
        record = json.loads(meta.schema.to_arrow_schema().metadata[META_KEY])
    except Exception as err:  # pyarrow raises several kinds for a damaged file
        return f"unreadable ({type(err).__name__})"
    if point is not None and (record.get("point"), record.get("seed")) != (point, seed):
        return "holds another run"
    if "rows" in record and meta.num_rows != record["rows"]:
        return f"has {meta.num_rows} rows of {record['rows']}"
    return None


@dataclass
class SweepTables:
    """The collected tables of a sweep.

    Attributes:
        summary: One row per run: the parameters given on the command line (``factors``),
            ``seed``, ``point`` (configuration hash without the seed), ``config_hash``
            (with it, as in a single run's provenance), the summary outputs, then the
            run's compute time, job and provenance.
        weekly: One row per run and week: the factors, ``seed``, ``point``, then the weekly
            outputs.
        factors: Parameters and config groups given on the command line, in order.
        swept: The factors that take more than one value across the runs.
        localities: One row per run and locality: the factors, ``seed``, ``point``, then
            the locality's summary (docs/outputs.md); a single site's run has one.
    """

    summary: pd.DataFrame
    weekly: pd.DataFrame | None
    factors: list[str]
    swept: list[str]
    localities: pd.DataFrame | None = None

    @classmethod
    def from_runs(
        cls, paths: list[Path], read: Mapping[Path, tuple[dict[str, Any], Any]] | None = None
    ) -> SweepTables | None:
        """Build the tables from run files (None if there are none); see SweepStore.collect."""
        import numpy as np
        import pandas as pd
        import pyarrow as pa

        records, weeklies = [], []
        with Bar(len(paths), "collect", unit="run files") as bar:
            for path in bar.track(paths):
                record, table = (read or {}).get(path) or SweepStore.read_run(path)
                records.append(record)
                weeklies.append(table)
        if not records:
            return None
        # Factor columns in the order the first job named them on the command line.
        factors: list[str] = []
        for record in sorted(records, key=lambda r: (r["job"], r["seed"])):
            factors += [k for k in record["tags"] if k not in factors]
        rows = [_summary_row(r, factors) for r in records]
        summary = pd.DataFrame(rows)
        order = summary.sort_values([*factors, "seed"], kind="stable").index.to_numpy()
        summary = summary.loc[order].reset_index(drop=True)
        lengths = np.array([t.num_rows for t in weeklies])
        weekly_all = pa.concat_tables(weeklies, promote_options="default").to_pandas()
        ids = pd.DataFrame([{**_factor_values(r, factors), **_ids(r)} for r in records])
        run_of_row = np.repeat(np.arange(len(records)), lengths)
        ids = ids.drop(columns="config_hash").iloc[run_of_row].reset_index(drop=True)
        weekly = pd.concat([ids, weekly_all], axis=1)
        # Weekly rows in the summary's run order, weeks in order within each run.
        rank = np.empty(len(order), dtype=int)
        rank[order] = np.arange(len(order))
        weekly = weekly.iloc[np.argsort(rank[run_of_row], kind="stable")].reset_index(drop=True)
        swept = [f for f in factors if summary[f].astype(str).nunique() > 1]
        local_rows = [
            {**_factor_values(r, factors), **_ids(r), **row}
            for r in records
            for row in r.get("localities", [])
        ]
        localities = None
        if local_rows:
            localities = pd.DataFrame(local_rows).drop(columns="config_hash")
            localities = localities.sort_values(
                [*factors, "seed", "locality"], kind="stable"
            ).reset_index(drop=True)
        return cls(summary, weekly, factors, swept, localities)

    def write(self, root: Path) -> None:
        """Write ``summary.parquet`` and ``weekly.parquet`` into ``root`` atomically."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        roles = json.dumps({"factors": self.factors, "swept": self.swept}).encode()
        tables = (("summary", self.summary), ("weekly", self.weekly))
        for name, frame in (*tables, ("localities", self.localities)):
            if frame is None:
                continue
            table = pa.Table.from_pandas(frame, preserve_index=False)
            table = table.replace_schema_metadata({**table.schema.metadata, META_KEY: roles})
            atomic_write(root / f"{name}.parquet", lambda p, t=table: pq.write_table(t, p))

    @classmethod
    def load(cls, root: Path) -> SweepTables:
        """Read a sweep folder's collected tables, collecting them first if absent.

        Raises:
            FileNotFoundError: If the folder holds no finished run.
        """
        import pandas as pd
        import pyarrow.parquet as pq

        root = Path(root)
        if not (root / "summary.parquet").exists():
            tables = SweepStore(root).collect()
            if tables is None:
                raise FileNotFoundError(f"no finished runs in {root}")
            return tables
        summary = pq.read_table(root / "summary.parquet")
        roles = json.loads(summary.schema.metadata[META_KEY])
        weekly_path = root / "weekly.parquet"
        weekly = pd.read_parquet(weekly_path) if weekly_path.exists() else None
        local_path = root / "localities.parquet"
        localities = pd.read_parquet(local_path) if local_path.exists() else None
        return cls(summary.to_pandas(), weekly, roles["factors"], roles["swept"], localities)


def _factor_values(record: Mapping[str, Any], factors: list[str]) -> dict[str, Any]:
    """A run's value of each factor: as tagged, else its configuration's value."""
    out = {}
    for name in factors:
        if name in record["tags"]:
            out[name] = record["tags"][name]
        elif name in record["values"]:
            out[name] = cell(record["values"][name])
        else:
            out[name] = record["choices"].get(name)
    return out


def _ids(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in ID_COLUMNS}


def _summary_row(record: Mapping[str, Any], factors: list[str]) -> dict[str, Any]:
    prov = record["provenance"]
    return {
        **_factor_values(record, factors),
        **_ids(record),
        **record["summary"],  # in the order of copsim.runs.outputs.SUMMARY
        "compute_seconds": record["compute_seconds"],
        "job": record["job"],
        "copsim_version": prov.get("copsim_version"),
        "git_commit": prov.get("git_commit"),
        "created": prov.get("created"),
    }


def cell(value: Any) -> Any:
    """A value as a table cell: lists and mappings (events) as JSON text."""
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True)
    return value
