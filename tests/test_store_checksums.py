"""Issue 23, store checksums: a sweep's files carry a SHA-256 of their content, and a file
altered since it was written (valid JSON, a valid parquet or pickle, one number changed) is
moved aside with one line on stderr and recomputed, as a corrupt file always was.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from copsim.files import ChecksumError, seal, unseal
from copsim.model.mechanisms.economics import Ledger
from copsim.runs.outputs import TwinOutcome
from copsim.runs.provenance import config_hash
from copsim.runs.runner import twin_values
from copsim.sweep.burn_ins import HEADER, BurnInCache
from copsim.sweep.store import SweepStore, SweepTables, run_file_problem
from copsim.sweep.twins import TwinCache
from tests.conftest import run_cli
from tests.test_store_trust import ARGS, assert_tables_as_clean

VALUES = {"seed": 3, "weeks": 12}


def _outcome(events: int = 7) -> TwinOutcome:
    return TwinOutcome(Ledger(crisis_cost=1234.5), events, 2, {"turnover": 0.1}, {"nhs": 1.25})


def _rewrite_parquet(path, column, change):
    """Change one value of a parquet file, keeping its metadata: a valid file, altered."""
    table = pq.read_table(path)
    values = table.column(column).to_pylist()
    values[0] = change(values[0])
    index = table.schema.get_field_index(column)
    altered = table.set_column(index, column, pa.array(values, table.schema.field(column).type))
    pq.write_table(altered.replace_schema_metadata(table.schema.metadata), path)


def _moved(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if "moved to" in line]


def test_a_sealed_record_is_checked_against_its_content():
    record = seal({"a": 1.1, "b": [1, 2], "c": {"d": None}})
    assert unseal(json.loads(json.dumps(record))) == record
    for altered in ({**record, "a": 1.2}, {k: v for k, v in record.items() if k != "sha256"}):
        with pytest.raises(ChecksumError):
            unseal(altered)
    with pytest.raises(ChecksumError):
        unseal(seal({"a": 1}, b"data"), b"other data")


def test_a_twin_with_an_altered_number_is_moved_aside_and_computed_again(tmp_path, capsys):
    cache = TwinCache(tmp_path)
    cache.fetch(VALUES, _outcome)
    (path,) = tmp_path.glob("*.json")
    data = json.loads(path.read_text())
    assert "sha256" in data
    data["crisis_events"] = 70  # still valid JSON, still a whole twin record
    path.write_text(json.dumps(data))

    calls = []
    again = TwinCache(tmp_path).fetch(VALUES, lambda: calls.append(1) or _outcome())
    assert calls == [1] and again.crisis_events == 7
    moved = _moved(capsys)
    assert len(moved) == 1 and "fails its checksum" in moved[0] and path.name in moved[0]
    assert len(list(tmp_path.glob("*.json.bad-*"))) == 1
    assert TwinCache(tmp_path).fetch(VALUES, lambda: pytest.fail("recomputed")).crisis_events == 7


def test_a_twin_without_a_checksum_is_not_trusted(tmp_path, capsys):
    cache = TwinCache(tmp_path)
    cache.fetch(VALUES, _outcome)
    (path,) = tmp_path.glob("*.json")
    data = json.loads(path.read_text())
    del data["sha256"]
    path.write_text(json.dumps(data))
    calls = []
    TwinCache(tmp_path).fetch(VALUES, lambda: calls.append(1) or _outcome())
    assert calls == [1] and "has no checksum" in _moved(capsys)[0]


def test_an_altered_burn_in_is_moved_aside_before_it_is_unpickled(tmp_path, capsys, monkeypatch):
    path = tmp_path / "state.pickle"
    BurnInCache(tmp_path, publish=True)._write(path, {"a": np.arange(5)})
    head, _, _ = path.read_bytes().partition(b"\n")
    assert head.startswith(HEADER)
    path.write_bytes(head + b"\n" + pickle.dumps({"a": np.arange(5) + 1}))  # other numbers
    unpickled = []
    monkeypatch.setattr(pickle, "loads", lambda data: unpickled.append(data))
    assert BurnInCache(tmp_path)._read(path) is None
    assert unpickled == []  # the checksum is verified first
    moved = _moved(capsys)
    assert len(moved) == 1 and "fails its checksum" in moved[0]
    assert not path.exists()


def _store_with_a_run(tmp_path) -> tuple[SweepStore, object]:
    store = SweepStore(tmp_path)
    weekly = pd.DataFrame({"week": np.arange(4), "burnout_mean": [0.1, 0.2, 0.3, 0.4]})
    record = {
        "point": "abc",
        "seed": 0,
        "config_hash": "h",
        "job": 0,
        "tags": {"weeks": 4},
        "choices": {},
        "values": {"weeks": 4, "seed": 0},
        "summary": {"net_benefit": 10.5},
        "localities": [],
        "compute_seconds": 0.1,
        "provenance": {},
    }
    return store, store.write_run(record, weekly)


def test_a_run_file_with_an_altered_number_is_moved_aside_and_run_again(tmp_path, capsys):
    store, path = _store_with_a_run(tmp_path)
    assert store.has_run("abc", 0)
    _rewrite_parquet(path, "burnout_mean", lambda v: v + 0.01)
    assert run_file_problem(path) == "fails its checksum (altered since it was written)"
    assert not store.has_run("abc", 0)
    moved = _moved(capsys)
    assert len(moved) == 1 and "fails its checksum" in moved[0] and "run again" in moved[0]
    assert not path.exists() and len(list(path.parent.glob("*.bad-*"))) == 1


def test_a_run_file_with_an_altered_summary_is_not_trusted(tmp_path):
    store, path = _store_with_a_run(tmp_path)
    table = pq.read_table(path)
    record = json.loads(table.schema.metadata[b"copsim"])
    record["summary"]["net_benefit"] = 1e6
    meta = {**table.schema.metadata, b"copsim": json.dumps(record).encode()}
    pq.write_table(table.replace_schema_metadata(meta), path)
    assert "fails its checksum" in run_file_problem(path)


def test_collected_tables_with_an_altered_number_are_collected_again(tmp_path, capsys):
    store, _ = _store_with_a_run(tmp_path)
    store.collect()
    _rewrite_parquet(tmp_path / "summary.parquet", "net_benefit", lambda v: v + 1)
    tables = SweepTables.load(tmp_path)
    assert tables.summary["net_benefit"].tolist() == [10.5]
    moved = _moved(capsys)
    assert len(moved) == 1 and "summary.parquet fails its checksum" in moved[0]
    assert "collected again" in moved[0]
    assert SweepTables.load(tmp_path).summary["net_benefit"].tolist() == [10.5]
    assert _moved(capsys) == []  # the tables collected again are trusted


@pytest.mark.slow
def test_a_resumed_sweep_finds_an_altered_twin_and_run_file_and_recomputes_them(tmp_path):
    clean = run_cli(*ARGS, "hydra.sweep.dir=clean", cwd=tmp_path)
    assert clean.returncode == 0, clean.stderr
    first = run_cli(*ARGS, "hydra.sweep.dir=sweep", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    folder = tmp_path / "sweep"
    # The CoP run of seed 0, redone, reads the twin of seed 0: alter both, each still valid.
    runs = {p: SweepStore.read_run(p)[0] for p in folder.glob("runs/*/seed-0.parquet")}
    run, record = next((p, r) for p, r in runs.items() if r["values"]["brokerage.hours_per_week"])
    twin = folder / "twins" / f"{config_hash(twin_values(record['values']))}.json"
    data = json.loads(twin.read_text())
    data["crisis_events"] += 5
    twin.write_text(json.dumps(data))
    _rewrite_parquet(run, "burnout_mean", lambda v: v + 0.01)
    for name in ("summary.parquet", "weekly.parquet"):
        (folder / name).unlink()

    again = run_cli(*ARGS, "hydra.sweep.dir=sweep", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    moved = [line for line in again.stderr.splitlines() if "moved to" in line]
    assert len(moved) == 2, again.stderr
    assert all("fails its checksum" in line for line in moved)
    assert {twin.name, run.name} <= {w for line in moved for w in line.split("/")[-1].split()}
    assert "3 of their 4 finished runs reused" in again.stdout
    assert_tables_as_clean(folder, tmp_path / "clean")
    assert json.loads(twin.read_text())["crisis_events"] == data["crisis_events"] - 5
