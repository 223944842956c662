"""Files published whole: written to a unique temporary name, then renamed into place.

A reader (a resuming sweep, a collect, a user) never sees a half-written file, and two
processes publishing the same file never write into each other's temporary file.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any


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
