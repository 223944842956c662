"""Burned-in states shared by every job and process of a sweep (``burn-ins/<hash>.pickle``).

Every programme setting of one site and seed starts from the same burned-in state
(:mod:`copsim.model.burn_in`), which costs about 300 ms to compute and under 1 ms to
pickle or unpickle. A process keeps 64 of them (``burn_in.CACHE_SIZE``); across the jobs
and processes of a sweep over programme settings (more replicates than that, other
workers, launchers that start a process per job) they are shared here, like twins
(:mod:`copsim.sweep.twins`).
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from copsim.files import atomic_write, checksum, locked, report_bad

HEADER = b"copsim burn-in sha256 "
"""A burn-in file starts with this, the SHA-256 of the pickle after it, and a newline."""


@functools.cache
def code_digest() -> str:
    """Digest of what a burned-in state is computed by: the model's code and numpy.

    Part of each file's name, so a sweep resumed after the model changed computes its
    burned-in states again instead of starting runs from stale ones.
    """
    import numpy as np

    import copsim.model

    digest = hashlib.sha256(np.__version__.encode())
    for path in sorted(Path(copsim.model.__file__).parent.rglob("*.py")):
        digest.update(path.as_posix().encode().rsplit(b"/copsim/", 1)[-1])
        digest.update(path.read_bytes())
    return digest.hexdigest()


class BurnInCache:
    """Burned-in states in the sweep folder, each computed once across processes.

    A state is keyed by :func:`copsim.model.burn_in.cache_key` (site, seed and the other
    parameters that act before week 0) and :func:`code_digest`. A process that needs a
    missing state takes a lock on it, computes it, publishes it and lets go; another
    wanting it meanwhile waits and reads it. A pickle restores the state exactly (arrays,
    random generators), so a run's results are the same whether its burn-in came from
    here or was computed. A file that cannot be read back whole, or whose pickle no
    longer matches the SHA-256 in its first line, is moved aside and the state computed
    again (the checksum is verified before anything is unpickled).

    Args:
        folder: The ``burn-ins/`` folder of a sweep.
        publish: Whether to publish the states this process computes. A sweep whose points
            differ only in their seeds never needs a state twice, so its jobs only read.
    """

    def __init__(self, folder: Path, publish: bool = False):
        self.folder = folder
        self.publish = publish
        self.computed = 0
        self.reused = 0

    def _path(self, key: str) -> Path:
        name = hashlib.sha256(f"{code_digest()}\n{key}".encode()).hexdigest()[:20]
        return self.folder / f"{name}.pickle"

    def _read(self, path: Path) -> Any:
        from copsim.model.burn_in import SiteState

        try:
            content = path.read_bytes()
        except FileNotFoundError:
            return None
        head, _, data = content.partition(b"\n")
        if head != HEADER + checksum(data).encode():
            why = "fails its checksum (cut short or altered)"
            report_bad(path, f"is not a whole burn-in: it {why}", "computed again")
            return None
        try:
            state = pickle.loads(data)
        except Exception as err:  # cut short or not a pickle: unpickling raises many kinds
            report_bad(path, f"is not a whole burn-in ({type(err).__name__})", "computed again")
            return None
        if not isinstance(state, SiteState):
            report_bad(path, "is not a burn-in", "computed again")
            return None
        return state

    def prepare(self, values: Mapping[str, Any], compute: bool = True) -> None:
        """Make sure this process holds the burned-in state of ``values``' site and seed.

        From this process's cache, else the folder, else computed; published if
        ``publish`` and nobody has yet (a state this process computed side by side too).
        The model then starts from it (:func:`copsim.model.burn_in.burned_in`).

        Args:
            values: The run's configuration.
            compute: False to only read what the folder has (never compute or publish).
        """
        if not self.publish and not self.folder.is_dir():
            return  # nobody published any (a sweep over seeds): no cost beyond one stat
        from copsim.model import burn_in
        from copsim.model.cop_model import WEEK
        from copsim.model.parameters import Parameters

        p = Parameters({k: v for k, v in values.items() if k != "events"})
        key = burn_in.cache_key(p)
        path = self._path(key)
        held = burn_in.cached(key)
        if held is not None:
            if compute and self.publish and not path.exists():
                with locked(path):
                    if self._read(path) is None:
                        self._write(path, held)
            return
        state = self._read(path)
        if state is None and self.publish and compute:
            with locked(path):
                state = self._read(path)  # another process may have published it meanwhile
                if state is None:
                    state = burn_in.compute(p, WEEK)
                    self._write(path, state)
                    burn_in.remember(key, state)
                    return
        if state is not None:
            self.reused += 1
            burn_in.remember(key, state)

    def _write(self, path: Path, state: Any) -> None:
        """Publish a state this process computed (under ``path``'s lock)."""
        data = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        sealed = HEADER + checksum(data).encode() + b"\n" + data
        atomic_write(path, lambda tmp: tmp.write_bytes(sealed))
        # Safe under the lock: whoever opens a new lock file re-reads first.
        path.with_suffix(".lock").unlink(missing_ok=True)
        self.computed += 1
