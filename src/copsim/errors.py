"""Errors a user can fix, and how the ``copsim`` command reports them.

Commands and library functions raise; only :func:`copsim.cli.main` turns a
:class:`CopsimError` into its one-line message and exit status.
"""

from __future__ import annotations

import argparse
import errno
from typing import Any, NoReturn

MAX_LINE = 185
"""Characters an error message holds at most: with ``copsim: error: `` before it, a line
of 200. What it names is shown, never a whole file."""

MAX_VALUE = 80
"""Characters of a user's value an error quotes at most (the rest of the line is for
what is allowed)."""


def clip(text: str, limit: int = MAX_LINE) -> str:
    """``text`` cut to ``limit`` characters by leaving out its middle, on one line.

    Its start (what is wrong) and end (what is allowed) are kept; a value of 400 kB, or
    a file's content, is never printed whole.
    """
    text = text.replace("\n", " ")
    if len(text) <= limit:
        return text
    cut = " ... "
    tail = (limit - len(cut)) // 3
    return text[: limit - len(cut) - tail] + cut + text[len(text) - tail :]


MAX_PATH = 40
"""Characters of a file's path an error names at most: its end (the file and its folder)."""


def shown_path(path: Any, limit: int = MAX_PATH) -> str:
    """A path for an error message, cut to ``limit`` characters by leaving out its start.

    A message that names a file in a deep folder must still say what is wrong in it
    (:func:`clip` would cut the message's middle: the problem, not the path).
    """
    text = str(path).replace("\n", " ")
    return text if len(text) <= limit else "..." + text[len(text) - limit + 3 :]


def shown(value: Any, limit: int = MAX_VALUE) -> str:
    """``repr(value)`` for an error message, clipped to ``limit`` characters."""
    return clip(repr(value), limit)


class CopsimError(Exception):
    """An error in what the user asked for; its message is one line naming what to fix.

    A bad input's line (exit status 2) is clipped (:func:`clip`) wherever it is shown,
    so a message quoting a huge value stays short. Other errors name folders to resume
    from or look in, which a cut would spoil; they quote no user values.

    Attributes:
        exit_code: The status ``copsim`` exits with (2 for bad input, as argparse does).
    """

    exit_code = 2

    def __str__(self) -> str:
        text = super().__str__()
        return clip(text) if self.exit_code == 2 else text


class UsageError(CopsimError, ValueError):
    """A command-line argument or file that copsim cannot use (not a parameter value)."""


class StaleError(CopsimError):
    """Generated files that no longer match their source (``copsim docs --check``)."""

    exit_code = 1


class PointsFailed(CopsimError):
    """Points of a sweep failed; the others finished, and their failures are recorded."""

    exit_code = 1


class CarriedThroughHydra(BaseException):
    """Carries a CopsimError (or a closed pipe) out of Hydra to :func:`copsim.cli.main`.

    Hydra reports an Exception raised in a task or callback as a traceback (or a warning)
    and exits 1, but lets a BaseException through.
    """

    def __init__(self, error: CopsimError | BrokenPipeError):
        super().__init__(str(error))
        self.error = error


class ArgumentParser(argparse.ArgumentParser):
    """An argparse parser whose errors are :class:`UsageError` (one line, exit 2).

    argparse would print its usage block and the message itself, then exit; raising lets
    :func:`copsim.cli.main` report it like every other bad input.
    """

    def error(self, message: str) -> NoReturn:
        """Raise the parse error as a UsageError naming the command."""
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


class Interrupted(CopsimError):
    """Ctrl-C: the command stopped; the message says how to pick up again."""

    exit_code = 130


class CollectFailed(CopsimError):
    """A sweep's tables could not be written whole; the message says why."""

    exit_code = 1


NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
"""The errors of a full disk (or of a quota used up)."""


class DiskFull(CopsimError):
    """The disk filled up while copsim wrote; what was finished is kept."""

    exit_code = 1

    @classmethod
    def from_os_error(cls, err: OSError) -> DiskFull | None:
        """The one-line error for ``err`` if it says the disk is full, else None."""
        if err.errno not in NO_SPACE:
            return None
        where = f" writing {err.filename}" if err.filename else ""
        return cls(
            f"no space left on the device{where} (free some space, or choose a folder on "
            "another disk, and run the command again; a sweep's finished runs are kept)"
        )
