"""Do no harm: copsim writes only into folders that are new, empty or its own, and a run
that fails or is interrupted removes what it created there and nothing else.

Through the real command (interrupts with SIGINT, a full disk on a small tmpfs) and
through :mod:`copsim.folders` itself.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copsim.errors import UsageError
from copsim.folders import claim, kind_of
from tests.conftest import REPO, run_cli


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _user_folder(root: Path) -> dict[str, bytes]:
    (root / "notes").mkdir(parents=True)
    (root / "thesis.tex").write_text("\\documentclass{article}\n")
    (root / "notes" / "todo.md").write_text("- back up\n")
    return _files(root)


# --- the rules, unit by unit ----------------------------------------------------------------


def test_a_new_or_empty_folder_is_claimed_and_a_users_folder_is_refused(tmp_path):
    assert not claim(tmp_path / "new" / "run", "run", "--out").existed
    (tmp_path / "empty").mkdir()
    assert claim(tmp_path / "empty", "run", "--out").existed
    _user_folder(tmp_path / "mine")
    with pytest.raises(UsageError, match="files copsim did not write"):
        claim(tmp_path / "mine", "psa", "--out")
    with pytest.raises(UsageError, match="is empty"):
        claim("", "run", "hydra.run.dir=FOLDER")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(UsageError, match="a file"):
        claim(tmp_path / "afile", "compare", "--out")


def test_own_folders_are_reused_by_their_own_kind_only(tmp_path):
    sweep = tmp_path / "sweep"
    (sweep / "runs").mkdir(parents=True)
    assert kind_of(sweep) == "sweep"
    assert claim(sweep, "sweep", "hydra.sweep.dir=FOLDER").existed  # resumed
    with pytest.raises(UsageError, match="holds a copsim sweep"):
        claim(sweep, "psa", "--out")
    run = tmp_path / "run"
    run.mkdir()
    (run / "summary.json").write_text("{}")
    with pytest.raises(UsageError, match="a copsim run"):  # a run folder is never reused
        claim(run, "run", "hydra.run.dir=FOLDER")
    marked = claim(tmp_path / "cmp", "compare", "--out")
    marked.mark()
    assert kind_of(tmp_path / "cmp") == "compare"
    assert claim(tmp_path / "cmp", "compare", "--out").existed


def test_undo_removes_what_was_created_and_nothing_that_was_there(tmp_path):
    base = tmp_path / "keep"
    base.mkdir()
    (base / "mine.txt").write_text("mine")
    made = claim(base / "a" / "b" / "run", "run", "--out")
    (made.folder / "sub").mkdir(parents=True)
    (made.folder / "sub" / "x").write_text("x")
    made.undo()
    assert sorted(p.name for p in base.iterdir()) == ["mine.txt"]

    (base / "empty").mkdir()
    emptied = claim(base / "empty", "compare", "--out")
    with pytest.raises(RuntimeError), emptied.writing() as folder:
        (folder / "half.csv").write_text("1,2")
        raise RuntimeError("disk gone")
    assert list((base / "empty").iterdir()) == []
    assert (base / "mine.txt").read_text() == "mine"


# --- through the real command -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("run", "hydra.run.dir=."),
        ("run", "hydra.run.dir=mine"),
        ("run", "-m", "seed=1,2", "hydra.sweep.dir=mine"),
        ("psa", "draws=2", "--out", "mine"),
        ("compare", "scenario=cop,no_cop", "replicates=2", "--out", "mine"),
        ("sensitivity", "--out", "mine"),
    ],
    ids=["run into .", "run", "sweep", "psa", "compare", "sensitivity"],
)
def test_a_folder_holding_the_users_files_is_refused_before_any_work(tmp_path, args):
    before = _user_folder(tmp_path / "mine")
    (tmp_path / "mine.txt").write_text("mine")
    start = time.monotonic()
    proc = run_cli(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "did not write" in proc.stderr, proc.stderr
    assert _files(tmp_path / "mine") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "mine.txt"]
    assert time.monotonic() - start < 60  # refused at once, not after the work


def _default_sigint() -> None:
    """In the child before exec: SIGINT does what it does in a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt_when_running(
    args: list[str], cwd: Path, folder: Path
) -> subprocess.CompletedProcess:
    """Start ``copsim``; send SIGINT once the run has made its folder and is computing."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "copsim", *args],
        cwd=cwd,
        env=env,
        # A shell's background job ignores SIGINT, and so would copsim, launched from one
        # (`bash .ci/run &`): the run would not be interrupted. The user's terminal does not.
        preexec_fn=_default_sigint,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (folder / ".hydra").exists() and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.5)  # inside the run: a long one (about a minute), burning in
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(args, proc.returncode, "", err)


@pytest.mark.slow
@pytest.mark.parametrize("target", ["empty", "new/nested/run"])
def test_an_interrupted_run_leaves_every_file_it_did_not_write(tmp_path, target):
    before = _user_folder(tmp_path)
    (tmp_path / "empty").mkdir()
    proc = _interrupt_when_running(
        ["run", f"hydra.run.dir={target}", "weeks=1040", "site.people=20000"],
        tmp_path,
        tmp_path / target,
    )
    assert proc.returncode == 130, proc.stderr
    assert "interrupted" in proc.stderr and "Traceback" not in proc.stderr
    assert _files(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "notes", "thesis.tex"]
    assert list((tmp_path / "empty").iterdir()) == []


@pytest.mark.slow
def test_paths_with_spaces_and_accents_work_as_area_files_and_output_folders(tmp_path):
    areas = tmp_path / "my areas"
    areas.mkdir()
    for name in ("riverside.yaml", "riverside_agencies.csv"):
        shutil.copy(REPO / "conf" / "areas" / name, areas / name)
    area = areas / "Brøckley Vale's.yaml"
    (areas / "riverside.yaml").rename(area)
    proc = run_cli(
        "run",
        f"site.file={area}",
        "weeks=3",
        "burn_in_weeks=0",
        "hydra.run.dir=out dir/é 1",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out dir" / "é 1" / "area" / area.name).is_file()
    proc = run_cli(
        "compare",
        "scenario=cop,no_cop",
        "replicates=2",
        "weeks=3",
        "burn_in_weeks=0",
        "--out",
        "comparisons/ü ñ",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "comparisons" / "ü ñ" / "report.md").is_file()


# --- a full disk ----------------------------------------------------------------------------


@contextlib.contextmanager
def _small_disk(folder: Path, size: str):
    """A tmpfs of ``size`` mounted at ``folder`` (root only: CI runs as root)."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small disk needs root (CI is root)")
@pytest.mark.parametrize(
    "args",
    [
        ("run", "hydra.run.dir=r", "weeks=10"),
        ("run", "-m", "seed=1,2,3", "hydra.sweep.dir=s", "weeks=10"),
        ("compare", "scenario=cop,no_cop", "replicates=2", "weeks=10", "--out", "c"),
        ("psa", "draws=2", "replicates=1", "weeks=4", "burn_in_weeks=0", "--out", "p"),
    ],
    ids=["run", "sweep", "compare", "psa"],
)
def test_a_full_disk_is_one_line(tmp_path, args):
    with _small_disk(tmp_path / "disk", "96k") as disk:
        proc = run_cli(*args, cwd=disk)
        assert proc.returncode == 1, proc.stderr
        errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("copsim: error")]
        assert errors and "no space left" in errors[0], proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout
        if args[0] == "run" and "-m" not in args:
            assert list(disk.iterdir()) == []  # the run's part-written folder is gone


@pytest.mark.slow
def test_a_reader_that_leaves_does_not_undo_a_finished_run(tmp_path):
    # `copsim run | head -c0`: the run is whole before its summary is printed, so a closed
    # pipe ends the command quietly and keeps the run.
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "copsim", "run", "hydra.run.dir=r", "weeks=3"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "error" not in err, err
    assert (tmp_path / "r" / "summary.json").is_file()
