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
from numpy.random.bit_generator import ISeedSequence

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


# numpy's SeedSequence (numpy/random/bit_generator.pyx; its algorithm is fixed, for
# reproducibility): a pool of four 32-bit words, hashed and mixed with these constants.
_M32 = 0xFFFFFFFF
_POOL = 4
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715


def _hash_constants(init: int, mult: int, first: int, count: int) -> np.ndarray:
    """The hash constant before each of hashes ``first .. first + count - 1``.

    It starts at ``init`` and is multiplied by ``mult`` after every hash, whatever is
    hashed, so the k-th hash of any sequence uses ``init x mult^k`` (mod 2^32).
    """
    start = init * pow(mult, first, 1 << 32) & _M32
    out = [start]
    for _ in range(count - 1):
        out.append(out[-1] * mult & _M32)
    return np.array(out, dtype=np.uint32)


def seed_states(seed: int, keys: np.ndarray) -> np.ndarray:
    """``SeedSequence(seed, spawn_key=tuple(row)).generate_state(4, np.uint64)`` of each row.

    The words :meth:`RandomStreams.keyed` seeds a generator from, for many keys at once:
    numpy's SeedSequence takes about 25 us a key; this does its arithmetic on every key
    together (each key part below 2^32: one 32-bit word; larger ones are left to numpy).

    Args:
        seed: The run seed (non-negative).
        keys: Spawn keys, one a row, shape (rows, parts), non-negative ints.

    Returns:
        Shape (rows, 4), dtype uint64: each row equal to numpy's, bit for bit.
    """
    keys = np.asarray(keys, dtype=np.int64)
    if len(keys) == 0:
        return np.empty((0, 4), dtype=np.uint64)
    if keys.min() < 0 or keys.max() > _M32:
        return np.array(
            [
                np.random.SeedSequence(seed, spawn_key=tuple(map(int, row))).generate_state(
                    4, np.uint64
                )
                for row in keys
            ],
            dtype=np.uint64,
        ).reshape(len(keys), 4)
    # The pool after the seed's words: numpy pads them with zeros to the pool's size when
    # there is a spawn key, as its mixing does for missing words without one.
    pool = np.tile(np.random.SeedSequence(seed).pool.astype(np.uint32), (len(keys), 1))
    n_seed_words = max(1, -(-int(seed).bit_length() // 32))
    hashes = _POOL + _POOL * (_POOL - 1) + _POOL * max(0, n_seed_words - _POOL)
    words = keys.astype(np.uint32)
    for part in range(words.shape[1]):
        # Each key word is hashed once for each pool word (successive constants) and
        # mixed into it: numpy's mix_entropy past the pool's size, four pool words at once.
        consts = _hash_constants(_INIT_A, _MULT_A, hashes, _POOL + 1)
        value = (words[:, part, None] ^ consts[:-1]) * consts[1:]
        value ^= value >> np.uint32(16)
        pool = pool * np.uint32(_MIX_L) - value * np.uint32(_MIX_R)
        pool ^= pool >> np.uint32(16)
        hashes += _POOL
    # generate_state(4, np.uint64): eight 32-bit words from the pool, cycled, then read
    # as little-endian pairs.
    consts = _hash_constants(_INIT_B, _MULT_B, 0, 2 * _POOL + 1)
    state = (np.tile(pool, 2) ^ consts[:-1]) * consts[1:]
    state ^= state >> np.uint32(16)
    return np.ascontiguousarray(state.astype("<u4")).view("<u8").astype(np.uint64)


class _GivenState(ISeedSequence):
    """A seed sequence whose ``generate_state(4, np.uint64)`` words are given."""

    def __init__(self, words: np.ndarray):
        self.words = np.ascontiguousarray(words, dtype=np.uint64)

    def generate_state(self, n_words: int, dtype=np.uint32) -> np.ndarray:
        """The given words (all a PCG64 asks its seed sequence for)."""
        if n_words != len(self.words) or np.dtype(dtype) != np.uint64:
            raise ValueError("a given state has only its own uint64 words")
        return self.words.copy()


class RandomStreams:
    """Lazily created, independent generators keyed by process name.

    Args:
        seed: The run's seed.
    """

    replicates = 1
    """A run's streams serve one replicate (see :class:`ReplicateStreams`)."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._generators: dict[str, np.random.Generator] = {}

    def draw(self, name: str, method: str, size: int | tuple[int, ...]):
        """``self[name].<method>(size)``: the call :class:`ReplicateStreams` makes per replicate.

        Args:
            name: The stream.
            method: A Generator method taking ``size`` and ``out`` (``random``,
                ``standard_normal``).
            size: The shape of the draw.
        """
        return getattr(self[name], method)(size=size)

    def draw_grouped(self, name: str, method: str, groups: np.ndarray, *params: np.ndarray):
        """One draw per element of ``groups`` (each element's replicate, here all 0).

        With ``params`` (arrays, one value per element), ``<method>(*params)`` instead.
        """
        gen = getattr(self[name], method)
        return gen(*params) if params else gen(size=len(groups))

    def draw_scattered(self, name: str, method: str, groups: np.ndarray):
        """:meth:`draw_grouped` for elements in any order of replicates (here all 0)."""
        return self.draw_grouped(name, method, groups)

    def replicate(self, r: int) -> RandomStreams:
        """The streams of replicate ``r`` (these, the only one)."""
        return self

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

    def keyed_states(self, name: str, keys: np.ndarray) -> np.ndarray:
        """What :meth:`keyed` seeds its generator from, for many keys at once.

        Args:
            name: The stream.
            keys: One key a row, shape (rows, parts).

        Returns:
            Shape (rows, 4): row i gives :meth:`from_state` the generator of
            ``keyed(name, *keys[i])``.
        """
        if name not in STREAMS:
            raise KeyError(f"unknown random stream {name!r}; declare it in STREAMS")
        keys = np.asarray(keys, dtype=np.int64)
        full = np.empty((len(keys), keys.shape[1] + 1), dtype=np.int64)
        full[:, 0] = _crc(name)
        full[:, 1:] = keys
        return seed_states(self.seed, full)

    @staticmethod
    def from_state(words: np.ndarray) -> np.random.Generator:
        """The generator seeded from a row of :meth:`keyed_states` (as :meth:`keyed` is)."""
        return np.random.Generator(np.random.PCG64(_GivenState(words)))


class ReplicateStreams:
    """The streams of several replicates stepped side by side, one :class:`RandomStreams` each.

    Replicates lay their people (posts, agencies) end to end in equal blocks, so a draw of
    shape ``size`` is each replicate's draw of its block, in replicate order: replicate r
    gets exactly the numbers it would get run alone.

    Args:
        streams: Each replicate's streams, in replicate order.
    """

    def __init__(self, streams: list[RandomStreams]):
        self.each = list(streams)
        self.replicates = len(self.each)
        self._methods: dict[tuple[str, str], list] = {}

    def _each(self, name: str, method: str) -> list:
        """Each replicate's ``<method>`` of its stream ``name``, bound once.

        A stream's generator, made on first use, is never replaced.
        """
        methods = self._methods.get((name, method))
        if methods is None:
            methods = self._methods[name, method] = [getattr(s[name], method) for s in self.each]
        return methods

    def draw(self, name: str, method: str, size: int | tuple[int, ...]):
        """Each replicate's ``<method>`` of its block of ``size``'s first axis, end to end.

        Each replicate's generator fills its block of one array in place (``out``), the
        numbers it would return for that block's shape.
        """
        out = np.empty(size)
        block = len(out) // self.replicates
        for r, draw in enumerate(self._each(name, method)):
            draw(out=out[r * block : (r + 1) * block])
        return out

    def draw_grouped(self, name: str, method: str, groups: np.ndarray, *params: np.ndarray):
        """One draw per element of ``groups``, each from its replicate's stream.

        Args:
            name: The stream.
            method: A Generator method taking ``size``.
            groups: The replicate of each element, non-decreasing (elements in block order).
            *params: The method's parameters: arrays of one value per element (each
                replicate's call then takes its elements' values, and no ``size``) or
                scalars (passed as they are).
        """
        counts = np.bincount(groups, minlength=self.replicates)
        if not params:
            draws = [
                draw(size=c)
                for draw, c in zip(self._each(name, method), counts.tolist(), strict=True)
            ]
            return np.concatenate(draws)
        bounds = np.cumsum(counts)[:-1]
        split = [np.split(p, bounds) if np.ndim(p) else [p] * self.replicates for p in params]
        parts = zip(*split, strict=True)
        return np.concatenate(
            [draw(*part) for draw, part in zip(self._each(name, method), parts, strict=True)]
        )

    def draw_scattered(self, name: str, method: str, groups: np.ndarray):
        """:meth:`draw_grouped` for elements whose replicates come in any order.

        Each replicate draws for its elements in their order; the draws go back to the
        elements' places.
        """
        order = np.argsort(groups, kind="stable")
        out = np.empty(len(groups))
        out[order] = self.draw_grouped(name, method, groups[order])
        return out

    def replicate(self, r: int) -> RandomStreams:
        """The streams of replicate ``r``."""
        return self.each[r]
