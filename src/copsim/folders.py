"""Output folders: which ones copsim may write into, and undoing what a failed command made.

copsim writes only into a folder that is new, empty, or one of its own of the same kind (a
sweep or a PSA to resume, an earlier comparison to replace). A folder holding anything
else is refused in one line before any work starts, so a mistyped ``hydra.run.dir=.`` or
``--out ~/Documents`` can never mix copsim's files with the user's. When a command fails
or is interrupted, :meth:`Claim.undo` removes only what this invocation created: the
files and folders that were not there when the folder was claimed, never a file that was.

Own folders are recognised by a mark, ``.copsim`` (a line of JSON naming the kind), which
commands write as they start, and, for folders written before marks existed, by the files
only copsim writes there (:data:`SIGNS`).
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from copsim.errors import UsageError
from copsim.files import atomic_write, check_writable

MARK = ".copsim"
"""The file that marks a folder as copsim's own, and of which kind."""

SIGNS: dict[str, tuple[str, ...]] = {
    "sweep": ("multirun.yaml", "runs", "failures", "jobs", "sweep.json"),
    "psa": ("points.json",),
    "calibration": ("waves.json",),
    "plan": ("pareto.parquet",),
    "experiment": ("expectations.csv",),
    "compare": ("runs.parquet",),
    "sensitivity": ("indices.csv", "indices_net_benefit_pv.csv"),
    "run": ("summary.json", "provenance.json"),
}
"""Files that only copsim writes into a folder of that kind (folders from before marks)."""

REUSED: dict[str, str] = {
    "sweep": "a sweep folder of copsim's, to resume",
    "psa": "a PSA folder of copsim's, to resume",
    "calibration": "a calibration folder of copsim's, to resume",
    "plan": "a plan folder of copsim's, to resume",
    "compare": "an earlier comparison's folder, to replace",
    "sensitivity": "an earlier sensitivity analysis's folder, to replace",
    "experiment": "an earlier run of the same experiment, to replace",
}
"""Kinds of folder copsim may write into again, and why (a single run's never is)."""


def mark(folder: Path, kind: str) -> None:
    """Mark ``folder`` as copsim's own output of ``kind`` (creating it if needed)."""
    atomic_write(folder / MARK, lambda p: p.write_text(json.dumps({"kind": kind})))


def kind_of(folder: Path) -> str | None:
    """The kind of copsim folder ``folder`` is (``sweep``, ``psa`` ...), or None if not one."""
    mark = folder / MARK
    if mark.is_file() and mark.stat().st_size < 4096:
        try:
            kind = json.loads(mark.read_text()).get("kind")
        except (ValueError, AttributeError, UnicodeDecodeError):
            kind = None
        if isinstance(kind, str):
            return kind
    for kind, signs in SIGNS.items():
        if any((folder / sign).exists() for sign in signs):
            return kind
    return None


@dataclass
class Claim:
    """A folder a command may write into, and what was there before it wrote.

    Attributes:
        folder: The folder (absolute).
        kind: What copsim writes there (``run``, ``sweep``, ``psa``, ``compare`` ...).
        existed: Whether the folder was there when it was claimed.
        before: The paths inside it then (empty if it was new or empty).
        base: The nearest folder that existed then: the folders below it on the way to
            ``folder`` are this command's own.
    """

    folder: Path
    kind: str
    existed: bool
    before: frozenset[Path] = field(default_factory=frozenset)
    base: Path | None = None

    def mark(self) -> None:
        """Write the mark that makes the folder recognisably copsim's (creates the folder)."""
        mark(self.folder, self.kind)

    @contextlib.contextmanager
    def writing(self) -> Iterator[Path]:
        """Write a command's results into the folder, marked as copsim's own first.

        If writing fails or is interrupted, what it wrote goes again (:meth:`undo`).
        """
        try:
            self.mark()
            yield self.folder
        except BaseException:
            self.undo()
            raise

    def undo(self) -> None:
        """Remove what this command created in its folder, and nothing else."""
        folder = self.folder
        if self.existed:
            for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
                if path in self.before or any(b.is_relative_to(path) for b in self.before):
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
            return
        shutil.rmtree(folder, ignore_errors=True)
        # The folders made on the way to it, from the deepest up, while they are empty.
        parent = folder.parent
        while self.base is not None and parent != self.base and parent.is_relative_to(self.base):
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent


def claim(folder: str | Path, kind: str, option: str) -> Claim:
    """Check that copsim may write its ``kind`` of output into ``folder``, before any work.

    Args:
        folder: The folder a command will write into (need not exist).
        kind: What it writes (a key of :data:`REUSED`, or ``run``).
        option: What the user sets to choose another folder, for the message
            (``hydra.run.dir=FOLDER``, ``--out``).

    Returns:
        The claim, whose :meth:`Claim.undo` removes what the command then creates.

    Raises:
        UsageError: If the folder is given empty, is a file, cannot be written, or already
            holds files that are not copsim's own output of this kind.
    """
    if not str(folder).strip():
        raise UsageError(f"{option.partition('=')[0]} is empty (allowed: a folder path)")
    path = Path(folder).expanduser().absolute()
    check_writable(path, option)
    if not path.exists():
        base = path.parent
        while not base.exists() and base != base.parent:
            base = base.parent
        return Claim(path, kind, existed=False, base=base)
    if not path.is_dir():
        raise UsageError(f"cannot write to {path}: it is a file (choose another {option})")
    if next(path.iterdir(), None) is None:
        return Claim(path, kind, existed=True, base=path.parent)
    own = kind_of(path)
    if own != kind or kind not in REUSED:
        allowed = "a new or empty folder"
        if kind in REUSED:
            allowed += f", or {REUSED[kind]}"
        what = f"a copsim {own}" if own else "files copsim did not write"
        where = "the current folder" if near(path) == Path() else str(near(path))
        raise UsageError(
            f"{where} already holds {what} (allowed for {option.partition('=')[0]}: {allowed})"
        )
    # Only copsim's own folders are walked: a user's folder may be arbitrarily large.
    return Claim(path, kind, existed=True, before=frozenset(path.rglob("*")), base=path.parent)


def near(path: Path) -> Path:
    """``path`` as a user reads it: relative to the working folder where it lies below it."""
    try:
        return path.absolute().relative_to(Path.cwd())
    except ValueError:
        return path
