"""A progress bar for long work: runs done, the total and the time left, on stderr.

Every command that can take more than a few seconds shows one (compare, sensitivity,
experiment, calibrate, collect, psa). It is drawn only on a terminal, rewriting one line,
and never with ``--quiet``: piped or logged output stays free of it.

Use::

    with Bar(len(jobs), "compare") as bar:
        for job in jobs:
            ...
            bar.advance()
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

QUIET = False
"""Set by ``copsim --quiet`` (:func:`copsim.cli.main`): no bar at all."""

WIDTH = 24
"""Characters of the bar itself."""


def shown(stream: TextIO) -> bool:
    """Whether a bar is drawn on ``stream``: a terminal, and not ``--quiet``."""
    try:
        return not QUIET and stream.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream
        return False


class Bar:
    """Done out of total, elapsed and an estimate of the time left, redrawn in place.

    Args:
        total: How many units (runs, trials, files) the work has.
        label: What the work is (``compare``), first on the line.
        unit: What a unit is called (``runs``).
        stream: Where to draw (default: stderr).
        every: Least seconds between redraws (the last is always drawn).
    """

    def __init__(
        self,
        total: int,
        label: str,
        unit: str = "runs",
        stream: TextIO | None = None,
        every: float = 0.2,
    ):
        self.total = max(int(total), 0)
        self.label = label
        self.unit = unit
        self.stream = stream or sys.stderr
        self.every = every
        self.done = 0
        self.enabled = shown(self.stream)
        self._started = time.perf_counter()
        self._drawn = -1.0

    def __enter__(self) -> Bar:
        self.draw(force=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more units done and redraw (at most every ``every`` seconds)."""
        self.done += n
        self.draw(force=self.done >= self.total)

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """Yield ``items``, counting one unit done after each."""
        for item in items:
            yield item
            self.advance()

    def text(self) -> str:
        """The line as drawn (without the carriage return)."""
        elapsed = time.perf_counter() - self._started
        share = self.done / self.total if self.total else 1.0
        filled = int(round(WIDTH * min(share, 1.0)))
        line = (
            f"copsim: {self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] "
            f"{self.done}/{self.total} {self.unit}, {clock(elapsed)} elapsed"
        )
        if 0 < self.done < self.total:
            line += f", about {clock(elapsed * (self.total - self.done) / self.done)} left"
        return line

    def draw(self, force: bool = False) -> None:
        """Redraw the line, if shown and due."""
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._drawn < self.every:
            return
        self._drawn = now
        self.stream.write("\r" + self.text() + "\033[K")
        self.stream.flush()

    def close(self) -> None:
        """Finish the line, so what follows starts on a fresh one."""
        if self.enabled:
            self.draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
            self.enabled = False


def clock(seconds: float) -> str:
    """Seconds as h:mm:ss."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
