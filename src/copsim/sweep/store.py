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
The record carries the SHA-256 of itself and of the table's values, so a file altered
since (another number in a file that still reads) is moved aside and its run done again;
twins and burn-ins carry theirs likewise, and the collected tables a digest of their values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copsim.errors import CollectFailed
from copsim.files import CHECKSUM, ChecksumError, atomic_write, checksum, report_bad, seal, unseal
from copsim.progress import Bar
from copsim.runs.provenance import config_hash
from copsim.sweep.burn_ins import BurnInCache
from copsim.sweep.twins import TwinCache
from copsim.words import count, noun_for

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

    def read_trusted(
        self, paths: list[Path], then: str
    ) -> tuple[dict[Path, tuple[dict[str, Any], Any]], int]:
        """Read run files that check out; move the others aside (one line each on stderr).

        Returns:
            The runs read, by path, and how many files were moved aside.
        """
        trusted, bad = {}, 0
        for path in paths:
            try:
                trusted[path] = read_trusted_run(path)
            except UntrustedRun as err:
                report_bad(path, str(err), then)
                bad += 1
        return trusted, bad

    def write_run(self, record: dict[str, Any], weekly: pd.DataFrame) -> Path:
        """Publish a finished run: its weekly rows, with ``record`` in the metadata."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(weekly, preserve_index=False)
        record = {**record, "rows": table.num_rows}  # checked when the file is trusted
        record = seal(record, table_digest(table).encode())
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
        files = self.run_files()
        # Runs this process read as the sweep's jobs finished were checked by those jobs.
        trusted, bad = self.read_trusted(
            [p for p in files if p not in (read or {})], "rerun the sweep's command to run it again"
        )
        runs = {**trusted, **(read or {})}
        paths = [p for p in files if p in runs]
        try:
            tables = SweepTables.from_runs(paths, runs)
            if tables is not None:
                tables.write(self.root)
        except Exception as err:  # disk full, unwritable folder, a file gone bad meanwhile
            raise CollectFailed(
                f"could not write the tables of {self.root} ({type(err).__name__}: "
                f"{str(err).splitlines()[0] if str(err) else 'no detail'})"
            ) from err
        if bad:
            raise CollectFailed(
                f"{count(bad, 'run file')} in {self.root} could not be trusted (unreadable "
                f"or altered) and {noun_for(bad, 'was', 'were')} moved aside (*.bad-<time>); "
                f"rerun the sweep's command to redo {noun_for(bad, 'it', 'them')}"
            )
        return tables


class UntrustedRun(ValueError):
    """A run file that cannot be trusted; the message says why (after the file's name)."""


def table_digest(table: Any) -> str:
    """SHA-256 of a table's column names, types and values (a pyarrow Table).

    The same for a table and for what a parquet file of it reads back as: values are
    hashed as numbers, not as the file's bytes, which compression may lay out otherwise.
    """
    import numpy as np

    parts = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        values = column.to_numpy(zero_copy_only=False)
        parts.append(f"{name}:{column.type}:".encode())
        if values.dtype.kind in "biuf":
            parts.append(np.ascontiguousarray(values).astype(values.dtype.newbyteorder("<")).data)
        else:
            parts.append(json.dumps(values.tolist(), default=str).encode())
    return checksum(*(bytes(p) for p in parts))


def read_trusted_run(
    path: Path, point: str | None = None, seed: int | None = None
) -> tuple[dict[str, Any], Any]:
    """A run file's record and weekly rows, once they check out.

    The parquet file must read whole, carry the run's record (for ``point`` and ``seed``
    when given), count the rows the record says it wrote, and match the record's SHA-256
    (of the record and the table's values). Truncated, empty and foreign files fail, and
    so does a valid file with an altered number.

    Raises:
        UntrustedRun: Saying why not.
    """
    import pyarrow.parquet as pq

    try:
        # ParquetFile, not read_table: a quarter of the time for a file this small.
        with pq.ParquetFile(path) as file:
            table = file.read()
        record = json.loads(table.schema.metadata[META_KEY])
    except Exception as err:  # pyarrow raises several kinds for a damaged file
        raise UntrustedRun(f"unreadable ({type(err).__name__})") from None
    if not isinstance(record, dict):
        raise UntrustedRun("holds no run record")
    if point is not None and (record.get("point"), record.get("seed")) != (point, seed):
        raise UntrustedRun("holds another run")
    if table.num_rows != record.get("rows"):
        raise UntrustedRun(f"has {table.num_rows} rows of {record.get('rows')}")
    table = table.replace_schema_metadata(None)
    try:
        unseal(record, table_digest(table).encode())
    except ChecksumError as err:
        raise UntrustedRun(str(err)) from None
    return record, table


def run_file_problem(path: Path, point: str | None = None, seed: int | None = None) -> str | None:
    """Why a run file cannot be trusted (:func:`read_trusted_run`), or None if it can."""
    try:
        read_trusted_run(path, point, seed)
    except UntrustedRun as err:
        return str(err)
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

        roles = {"factors": self.factors, "swept": self.swept}
        tables = (("summary", self.summary), ("weekly", self.weekly))
        for name, frame in (*tables, ("localities", self.localities)):
            if frame is None:
                continue
            table = pa.Table.from_pandas(frame, preserve_index=False)
            # Each table's own digest beside the roles: load() trusts only what matches it.
            meta = json.dumps({**roles, CHECKSUM: table_digest(table)}).encode()
            table = table.replace_schema_metadata({**table.schema.metadata, META_KEY: meta})
            atomic_write(root / f"{name}.parquet", lambda p, t=table: pq.write_table(t, p))

    @classmethod
    def load(cls, root: Path) -> SweepTables:
        """Read a sweep folder's collected tables, collecting them first if absent.

        Raises:
            FileNotFoundError: If the folder holds no finished run.
        """
        root = Path(root)
        read = {}
        if (root / "summary.parquet").exists():
            for name in ("summary", "weekly", "localities"):
                path = root / f"{name}.parquet"
                if name == "summary" or path.exists():
                    read[name] = _read_table(path)
        if not read or any(v is None for v in read.values()):
            # Absent, or one failed its checksum (moved aside): collected again from runs.
            tables = SweepStore(root).collect()
            if tables is None:
                raise FileNotFoundError(f"no finished runs in {root}")
            return tables
        roles = read["summary"][1]
        frames = {k: v[0].to_pandas() for k, v in read.items()}
        return cls(
            frames["summary"],
            frames.get("weekly"),
            roles["factors"],
            roles["swept"],
            frames.get("localities"),
        )


def _read_table(path: Path) -> tuple[Any, dict[str, Any]] | None:
    """A collected table and its roles, or None if it is not what collect wrote.

    A table that cannot be read, or whose values no longer match the digest it was
    written with, is moved aside with one line on stderr.
    """
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
        roles = json.loads(table.schema.metadata[META_KEY])
        digest = roles.get(CHECKSUM)
    except Exception as err:  # pyarrow raises several kinds for a damaged file
        report_bad(path, f"unreadable ({type(err).__name__})", "collected again")
        return None
    if digest != table_digest(table):
        why = "has no checksum" if digest is None else "fails its checksum (altered)"
        report_bad(path, why, "collected again")
        return None
    return table, roles


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
