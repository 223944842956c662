"""Named random streams spawned from the run's seed.

Every stochastic process draws from its own :class:`numpy.random.Generator`, derived from
the run seed and the process's name alone. Two runs with the same seed therefore share the
randomness of every process whose parameters do not differ (common random numbers), and
adding a draw to one process never shifts another's.
"""

from __future__ import annotations

import functools
import zlib

import numpy as np

STREAMS: tuple[str, ...] = (
    "site",
    "people",
    "needs",
    "casework",
    "tie_formation",
    "crises",
    "brokerage",
    "meetings",
    "workforce",
    "hiring",
    "resilience",
    "cohort",
    "referrals",
    "commissioner",
    "moves",
)
"""Every stream a run may use; each mechanism names the one it draws from."""


@functools.cache
def _crc(name: str) -> int:
    return zlib.crc32(name.encode())


class RandomStreams:
    """Lazily created, independent generators keyed by process name.

    Args:
        seed: The run's seed.
    """

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._generators: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        """Return the generator of stream ``name``, creating it on first use."""
        gen = self._generators.get(name)
        if gen is None:
            if name not in STREAMS:
                raise KeyError(f"unknown random stream {name!r}; declare it in STREAMS")
            # The stream's identity is (seed, crc32(name)): stable across processes and
            # Python versions, unlike hash().
            seq = np.random.SeedSequence(self.seed, spawn_key=(zlib.crc32(name.encode()),))
            gen = self._generators[name] = np.random.Generator(np.random.PCG64(seq))
        return gen

    def keyed(self, name: str, *key: int) -> np.random.Generator:
        """A fresh generator for stream ``name`` and a key (e.g. a place and a block).

        Its draws depend only on the seed, the name and the key, never on what else has
        been drawn: two runs that ask for the same key get the same numbers, in whatever
        week they ask (common random numbers for events whose timing differs).
        """
        if name not in STREAMS:
            raise KeyError(f"unknown random stream {name!r}; declare it in STREAMS")
        seq = np.random.SeedSequence(self.seed, spawn_key=(_crc(name), *map(int, key)))
        return np.random.Generator(np.random.PCG64(seq))
