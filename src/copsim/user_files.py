"""Reading the files users give copsim: regular files of bounded size, YAML without ambiguity.

Every reader of a user's file (area files and their CSV of agencies, experiment files)
reads it through :func:`read_bytes`, which refuses a folder, a named pipe or a device
without opening it for reading (reading a pipe waits forever, ``/dev/zero`` never ends)
and a file larger than its cap before reading it; and parses YAML through
:func:`load_yaml`, whose loader refuses a key given twice in one mapping (PyYAML keeps the
last, silently).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from copsim.errors import UsageError

MAX_BYTES = 1_000_000
"""The largest file copsim reads from a user (1 MB). Area and experiment files are a few
kB: an area of 200 agencies is about 20 kB."""


class FileProblem(UsageError):
    """A user's file that copsim will not read: what it is, and what is allowed.

    Readers wrap it in their own error, naming the file as the user gave it.

    Attributes:
        value: What the file is (``a named pipe``, ``2.3 MB``).
        allowed: What copsim reads.
    """

    def __init__(self, path: Path, value: str, allowed: str):
        self.value, self.allowed = value, allowed
        super().__init__(f"{path}: {value} (allowed: {allowed})")


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _check(path: Path, mode: int, size: int, limit: int, what: str) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise FileProblem(path, kind, f"a regular {what}")
    if size > limit:
        raise FileProblem(path, f"{size / 1e6:.1f} MB", f"a {what} of at most {limit / 1e6:g} MB")


def _unreadable(path: Path, err: OSError, what: str) -> FileProblem:
    return FileProblem(path, err.strerror or type(err).__name__, f"a readable {what}")


def check_file(path: str | Path, limit: int = MAX_BYTES, what: str = "file") -> None:
    """Raise FileProblem unless ``path`` is a regular file of at most ``limit`` bytes.

    Only its metadata is read (``stat``): a named pipe or a device is never opened.

    Args:
        path: The file.
        limit: Its largest size in bytes.
        what: What the file should be, for the message (``YAML or CSV area file``).

    Raises:
        FileProblem: For a missing file, a folder, a pipe, a device, or a file too large.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FileProblem(path, "no such file", f"an existing {what}") from None
    except OSError as err:
        raise _unreadable(path, err, what) from None
    _check(path, info.st_mode, info.st_size, limit, what)


def read_bytes(path: str | Path, limit: int = MAX_BYTES, what: str = "file") -> bytes:
    """The content of a user's file, checked to be a regular file of at most ``limit`` bytes.

    Checked by :func:`check_file` before it is opened; then opened without waiting (should
    it have been replaced by a pipe meanwhile) and checked again on what was opened, and
    never more than ``limit`` bytes read.

    Raises:
        FileProblem: For a file that is missing, not regular, too large or unreadable.
    """
    path = Path(path)
    check_file(path, limit, what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise _unreadable(path, err, what) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        _check(path, info.st_mode, info.st_size, limit, what)
        try:
            data = handle.read(limit + 1)
        except OSError as err:
            raise _unreadable(path, err, what) from None
    if len(data) > limit:  # it grew since
        raise FileProblem(
            path, f"over {limit / 1e6:g} MB", f"a {what} of at most {limit / 1e6:g} MB"
        )
    return data


class UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (its C parser where there is one), refusing repeated keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Construct a mapping, raising ConstructorError for a key given twice."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: PyYAML refuses it itself
                continue
            if repeated:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} given twice", key_node.start_mark
                )
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> Any:
    """Parse YAML safely, refusing a mapping key given twice.

    Raises:
        yaml.YAMLError: For text that is not YAML, or a repeated key (its ``problem`` says
            which, its ``problem_mark`` where).
    """
    return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a safe loader
