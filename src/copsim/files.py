"""Files published whole: written to a unique temporary name, then renamed into place.

A reader (a resuming sweep, a collect, a user) never sees a half-written file, and two
processes publishing the same file never write into each other's temporary file. Files a
sweep reuses carry a checksum of their content (:func:`seal`, :func:`unseal`), so that one
altered after it was written, even into another valid file, is found and not trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

try:  # POSIX: a lock the kernel releases when its holder dies, even by kill -9
    import fcntl
except ImportError:  # pragma: no cover - Windows: shared results may then be computed twice
    fcntl = None  # type: ignore[assignment]


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` then rename ``tmp`` to ``path``.

    The temporary name is unique to this call, so two processes publishing the same file
    (a duplicated point) never write into each other's temporary file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp.{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` atomically."""
    atomic_write(path, lambda p: p.write_text(json.dumps(data, indent=1, default=str)))


CHECKSUM = "sha256"
"""Key of a sealed record's checksum: the SHA-256 of the rest of the record (and data)."""


class ChecksumError(ValueError):
    """A sealed record whose content no longer matches its checksum, or that has none."""


def checksum(*parts: bytes) -> str:
    """SHA-256 (hex) of ``parts`` one after another."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()


def _canonical(record: dict[str, Any]) -> bytes:
    """One byte string per record content: keys sorted, no spaces, the checksum left out."""
    rest = {k: v for k, v in record.items() if k != CHECKSUM}
    return json.dumps(rest, sort_keys=True, separators=(",", ":"), default=str).encode()


def seal(record: dict[str, Any], *data: bytes) -> dict[str, Any]:
    """``record`` as it will read back from JSON, with its checksum (over ``data`` too).

    Args:
        record: A record to be written as JSON.
        data: Bytes stored beside the record that the checksum also covers (a digest of
            a run's table).

    Returns:
        The record as JSON gives it back, plus ``sha256``.
    """
    plain = json.loads(json.dumps(record, default=str))
    return {**plain, CHECKSUM: checksum(_canonical(plain), *data)}


def unseal(record: dict[str, Any], *data: bytes) -> dict[str, Any]:
    """``record`` if its checksum matches its content (and ``data``).

    Raises:
        ChecksumError: If it has no checksum, or another content than it was sealed with:
            a number altered in a file that still parses is caught here.
    """
    if not isinstance(record, dict) or CHECKSUM not in record:
        raise ChecksumError("has no checksum")
    if record[CHECKSUM] != checksum(_canonical(record), *data):
        raise ChecksumError("fails its checksum (altered since it was written)")
    return record


def check_writable(folder: Path, option: str) -> None:
    """Raise a one-line UsageError unless files can be created in ``folder``.

    Checked before any work starts, and without leaving anything behind: the nearest
    existing ancestor is probed with a temporary file that is deleted at once (permission
    bits alone would not tell, e.g. for root or on a read-only mount).

    Args:
        folder: The folder a command would write into (need not exist yet).
        option: What the user sets to choose another folder, for the message.

    Raises:
        UsageError: If ``folder`` or an ancestor is a file, or the place is not writable.
    """
    from copsim.errors import UsageError

    folder = Path(folder).absolute()
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(
            f"cannot write to {folder}: {existing} is a file (choose another {option})"
        )
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as err:
        why = err.strerror or type(err).__name__
        raise UsageError(f"cannot write to {folder} ({why}; choose another {option})") from None


def move_aside(path: Path) -> Path | None:
    """Rename a corrupt file to ``<name>.bad-<time>`` so that it is kept but never trusted.

    Returns:
        The new path, or None if another process moved it first.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = path.with_name(f"{path.name}.bad-{stamp}")
    try:
        os.replace(path, target)
    except FileNotFoundError:
        return None
    return target


def report_bad(path: Path, problem: str, then: str) -> None:
    """Move a file that cannot be trusted aside and say so in one line on stderr.

    Args:
        path: The file.
        problem: What is wrong with it (``is empty``), after its name.
        then: What happens instead (``run again``).
    """
    moved = move_aside(path)
    if moved is not None:
        print(f"copsim: {path} {problem}: moved to {moved.name}; {then}", file=sys.stderr)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` with the suffix ``.lock`` while the block runs.

    Processes computing a shared result (a sweep's twin or burned-in state) take it so that
    one computes and the others wait and read. The kernel releases it if its holder dies.
    Without ``fcntl`` (Windows) there is no lock: a result may then be computed twice.
    """
    if fcntl is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
