"""Keyed random draws: every value belongs to who draws it, when, and what for.

Common random numbers by agent slot (Klein, Abeysuriya, Stuart and Kerr 2024, "Noise-free
comparison of stochastic agent-based simulations using common random numbers", arXiv
2409.02086; Starsim's user guide, "Random numbers"). A draw is not the next value of a
sequence but a hash of (run seed, decision, week, slot):

* every agent has an **identity word**, a 64-bit hash of its run's seed, its kind and its
  stable slot: a person by (place, referral number), a practitioner by (post, hire
  number), an agency or a locality by its number in its run (:meth:`Draws.identities`);
* a decision at a week mixes a 64-bit key from the decision's name (crc32, stable across
  processes) and the week; the value an agent reads is the SplitMix64 finaliser (Steele,
  Lea and Flood 2014) of its identity word xor that key (:meth:`Draws.uniform`);
* a pair of practitioners (a tie) uses the sum of their words (:func:`pair`), a directed
  event (an invitation near -> far) :func:`ordered`; a choice among candidates is a keyed
  race (:meth:`Draws.race`, Efraimidis and Spirakis 2006).

So no value depends on how many other agents drew that week, or in what order: adding a
person, or changing one practitioner's fate, leaves every other agent's draws alone. Seeds
side by side need nothing of their own: each element's identity word holds its own
replicate's seed, so one call serves every replicate with exactly the values each reads
run alone. There is no generator state, so a burned-in state carries no streams.

The hash runs in compiled kernels (numba, ``cache=True``): one pass a call instead of about
a dozen numpy operations, with the same integer arithmetic, so the same values bit for bit
(``tests/test_draws.py`` checks them against the formulas in plain Python integers).
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterable, Sequence

import numba
import numpy as np
from scipy import special

DECISIONS: frozenset[str] = frozenset(
    {
        "site.size_order",
        "site.manager",
        "site.tenure",
        "site.burnout",
        "site.resilience",
        "site.settle",
        "site.ties.count",
        "site.ties.target",
        "referral.active",
        "referral.level",
        "referral.quiet",
        "referral.engagement",
        "referral.home",
        "referral.proneness",
        "cohort.exit",
        "cohort.route",
        "needs.noise",
        "casework.attempt",
        "casework.accept",
        "casework.exclude",
        "casework.tie",
        "casework.partner",
        "crises",
        "brokerage.mode",
        "brokerage.review",
        "brokerage.recruit",
        "brokerage.partner",
        "cop.convenor",
        "cop.convenor_choice",
        "meetings.attend",
        "meetings.invite",
        "meetings.partner",
        "meetings.tie",
        "workforce.leave",
        "moves.stay",
        "moves.agency",
        "moves.priority",
        "hiring.fill",
        "hiring.resilience",
        "commissioner.perception",
    }
)
"""Every decision a run draws for; each names its own values (an unknown name is an error)."""

KINDS = ("person", "post", "practitioner", "agency", "locality")
"""Kinds of slot. A kind's position keys its words, so the order is fixed: ``post`` is
unused (a vacancy is keyed by the post's next practitioner) but keeps the others' places."""

BUILD_WEEK = -(1 << 30)
"""The week of the draws that build a site (before any week of burn-in)."""

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_C1, _C2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_U1, _U2 = np.uint64(_C1), np.uint64(_C2)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_UNIT = 2.0**-53
_NO_STEP = np.zeros(1, dtype=np.uint64)


def _mix_int(x: int) -> int:
    """The SplitMix64 finaliser of a Python int (mod 2^64)."""
    x &= _MASK
    x = ((x ^ (x >> 30)) * _C1) & _MASK
    x = ((x ^ (x >> 27)) * _C2) & _MASK
    return x ^ (x >> 31)


@numba.njit(cache=True, inline="always")
def _splitmix(x: np.uint64) -> np.uint64:
    x ^= x >> _S30
    x *= _U1
    x ^= x >> _S27
    x *= _U2
    return x ^ (x >> _S31)


# One signature a kernel, arrays read-only (a writable array converts): compiled once into
# the cache, whichever arrays a caller passes.
_U64 = numba.types.Array(numba.uint64, 1, "C", readonly=True)
_I64 = numba.types.Array(numba.int64, 1, "C", readonly=True)


@numba.njit([numba.uint64[::1](_U64)], cache=True)
def _mix_each(x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = _splitmix(x[i])
    return out


@numba.njit([numba.uint64[:, ::1](_U64, _U64, _U64, _U64)], cache=True)
def _hash_each(words: np.ndarray, keys: np.ndarray, steps: np.ndarray, subs: np.ndarray):
    """Raw values: word i and column j give ``mix((w_i ^ key_j) + step_j + sub_i)``."""
    n, k = words.size, keys.size
    out = np.empty((n, k), dtype=np.uint64)
    one_sub = subs.size == 1
    for i in range(n):
        s = subs[0] if one_sub else subs[i]
        for j in range(k):
            out[i, j] = _splitmix((words[i] ^ keys[j]) + steps[j] + s)
    return out


@numba.njit([numba.float64[:, ::1](_U64, _U64, _U64, _U64)], cache=True)
def _uniform_each(words: np.ndarray, keys: np.ndarray, steps: np.ndarray, subs: np.ndarray):
    """Uniforms of :func:`_hash_each`'s values: ``((h >> 11) + 1/2) / 2^53``."""
    n, k = words.size, keys.size
    out = np.empty((n, k), dtype=np.float64)
    one_sub = subs.size == 1
    for i in range(n):
        s = subs[0] if one_sub else subs[i]
        for j in range(k):
            h = _splitmix((words[i] ^ keys[j]) + steps[j] + s)
            # The sum in float64 (an exact conversion, then one rounding), then exact scaling.
            out[i, j] = (np.float64(h >> _S11) + 0.5) * _UNIT
    return out


@numba.njit([numba.uint64[::1](_U64, _I64, _I64, _U64, numba.uint64)], cache=True)
def _identity_each(seed_keys, run, own, number, kind):
    """``mix(seed_key[run] ^ mix(((own << 24) + number) ^ kind))`` of each element."""
    out = np.empty(own.size, dtype=np.uint64)
    one_run, one_number = run.size == 1, number.size == 1
    for i in range(own.size):
        slot = (np.uint64(own[i]) << np.uint64(24)) + number[0 if one_number else i]
        out[i] = _splitmix(seed_keys[run[0 if one_run else i]] ^ _splitmix(slot ^ kind))
    return out


def _words(x: np.ndarray | int) -> np.ndarray:
    """``x`` as a flat uint64 array (values mod 2^64)."""
    return np.ascontiguousarray(np.asarray(x).astype(np.uint64, copy=False).ravel())


def _shaped(values: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``values`` in ``shape``; a 0-d result as a numpy scalar, as numpy's ufuncs give it."""
    return values.reshape(shape) if shape else values.reshape(())[()]


def mix(x: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser of each element (uint64); a new array."""
    x = np.asarray(x)
    return _shaped(_mix_each(_words(x)), x.shape)


def pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The word of an unordered pair of agents (a tie): the same for (a, b) and (b, a)."""
    return np.add(a, b, dtype=np.uint64)


def ordered(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The word of an ordered pair (an event of ``a`` about ``b``): not that of (b, a)."""
    return mix(a) ^ np.asarray(b, dtype=np.uint64)


@functools.cache
def _decision(name: str) -> int:
    if name not in DECISIONS:
        raise KeyError(f"unknown random decision {name!r}; declare it in DECISIONS")
    return _mix_int(zlib.crc32(name.encode()) * _GOLDEN)


@functools.lru_cache(maxsize=4096)
def _key(decision: str, week: int) -> np.uint64:
    """The key of a decision at a week."""
    return np.uint64(_mix_int(_decision(decision) ^ (int(week) * _GOLDEN)))


@functools.cache
def _kind(kind: str) -> int:
    return _mix_int((KINDS.index(kind) + 1) * _GOLDEN)


class Draws:
    """The keyed draws of one run, or of several seeds side by side.

    Args:
        seeds: Each replicate's seed, in replicate order (one for a run alone).
    """

    def __init__(self, seeds: Sequence[int] | int):
        seeds = [seeds] if isinstance(seeds, int | np.integer) else list(seeds)
        self.seeds = tuple(int(s) for s in seeds)
        self.replicates = len(self.seeds)
        # Each replicate's seed key: its words are hashes of it, so seeds never share one.
        self._seed_keys = np.array(
            [_mix_int(_mix_int(s + 1) ^ _GOLDEN) for s in self.seeds], dtype=np.uint64
        )

    @classmethod
    def stack(cls, each: Iterable[Draws]) -> Draws:
        """The draws of several runs side by side, in replicate order."""
        return cls([s for d in each for s in d.seeds])

    def each(self) -> list[Draws]:
        """Each replicate's draws, as its run alone has them."""
        return [Draws(s) for s in self.seeds]

    def identities(
        self, kind: str, index: np.ndarray, per_run: int, number: np.ndarray | int = 0
    ) -> np.ndarray:
        """The identity words of elements of ``kind`` (uint64, ``index``'s shape).

        Args:
            kind: One of :data:`KINDS`.
            index: Each element's index in the arrays of every replicate laid end to end.
            per_run: Elements of that kind in one replicate (its block's length).
            number: Each element's number within its slot (a place's referral number, a
                post's hire number), 0 for kinds without one.
        """
        index = np.asarray(index, dtype=np.int64)
        number = np.asarray(number)
        shape = np.broadcast_shapes(index.shape, number.shape)
        index = np.broadcast_to(index, shape).ravel()
        if self.replicates == 1:
            run, own = np.zeros(1, dtype=np.int64), index
        else:
            run, own = np.divmod(index, max(1, per_run))
        kind_key = np.uint64(_kind(kind))
        words = _identity_each(self._seed_keys, run, own, _words(number), kind_key)
        return _shaped(words, shape)

    def all_identities(self, kind: str, per_run: int) -> np.ndarray:
        """:meth:`identities` of every element of a kind without numbers (agencies, localities).

        Kept once computed (read-only).
        """
        cache = self.__dict__.setdefault("_all", {})
        words = cache.get((kind, per_run))
        if words is None:
            words = self.identities(kind, np.arange(per_run * self.replicates), per_run)
            words.flags.writeable = False
            cache[kind, per_run] = words
        return words

    def bits(self, decision: str, week: int, words: np.ndarray, sub: np.ndarray | int = 0):
        """The raw 64-bit values of ``decision`` at ``week`` for ``words`` (uint64).

        Args:
            decision: One of :data:`DECISIONS`.
            week: The week (:data:`BUILD_WEEK` to build a site, or for draws that belong
                to an agent whenever it makes them).
            words: Identity (or pair) words, any shape.
            sub: A small non-negative int (or array broadcasting with ``words``) telling
                apart values one agent draws for one decision in one week (a need domain,
                a crisis kind, a route).
        """
        return self._values(_hash_each, decision, week, words, sub)

    def uniform(self, decision: str, week: int, words: np.ndarray, sub=0) -> np.ndarray:
        """Uniforms in (0, 1), one per word (see :meth:`bits`); never 0 or 1."""
        return self._values(_uniform_each, decision, week, words, sub)

    @staticmethod
    def _values(kernel, decision: str, week: int, words: np.ndarray, sub) -> np.ndarray:
        """``kernel``'s values of one decision for ``words`` and ``sub`` broadcast together."""
        words = np.asarray(words)
        if isinstance(sub, int):  # a Python int may exceed uint64 before the product
            shape, subs = words.shape, np.array([sub * _GOLDEN & _MASK], dtype=np.uint64)
        else:
            shape = np.broadcast_shapes(words.shape, np.shape(sub))
            subs = _words(np.broadcast_to(sub, shape)) * np.uint64(_GOLDEN)
        keys = np.array([_key(decision, week)], dtype=np.uint64)
        flat = _words(np.broadcast_to(words, shape))
        return _shaped(kernel(flat, keys, _NO_STEP, subs), shape)

    def uniforms(
        self,
        columns: Sequence[tuple[str, int]],
        week: int,
        words: np.ndarray,
        sub: np.ndarray | None = None,
    ) -> np.ndarray:
        """:meth:`uniform` of several (decision, sub) pairs for the same words, in one pass.

        Column j of the result (a last axis of ``len(columns)``) equals ``uniform(decision_j,
        week, words, sub_j)``, bit for bit (``sub_j + sub`` with ``sub``, each word's own):
        one call instead of one a decision.
        """
        keys = np.array([_key(d, week) for d, _ in columns], dtype=np.uint64)
        steps = np.array([s * _GOLDEN & _MASK for _, s in columns], dtype=np.uint64)
        words = np.asarray(words)
        subs = _NO_STEP if sub is None else _words(np.broadcast_to(sub, words.shape))
        values = _uniform_each(_words(words), keys, steps, subs * np.uint64(_GOLDEN))
        return values.reshape(*words.shape, len(columns))

    def normal(self, decision: str, week: int, words: np.ndarray, sub=0) -> np.ndarray:
        """Standard normals, one per word: the inverse normal CDF of :meth:`uniform`."""
        return special.ndtri(self.uniform(decision, week, words, sub))

    def exponential(self, decision: str, week: int, words: np.ndarray, sub=0) -> np.ndarray:
        """Standard exponentials, one per word: ``-log(1 - u)`` of :meth:`uniform`.

        The keys of races (:meth:`race`; a route among a leaver's routes).
        """
        return -np.log1p(-self.uniform(decision, week, words, sub))

    def race(
        self,
        decision: str,
        week: int,
        words: np.ndarray,
        weights: np.ndarray | None = None,
        sub=0,
    ) -> np.ndarray:
        """Race keys: within a group of candidates, the smallest key wins.

        Each candidate's key is an exponential over its weight, ``-log(1 - u) / w``
        (Efraimidis and Spirakis 2006), so a candidate wins with chance proportional to
        its weight, and a small change in one weight changes few winners. Weight 0 never
        wins (key infinity).

        Args:
            decision: As :meth:`bits`.
            week: As :meth:`bits`.
            words: Each candidate's word (usually :func:`ordered` of the chooser's and
                the candidate's identity words).
            weights: Each candidate's weight (default: equal).
            sub: As :meth:`bits`.
        """
        key = self.exponential(decision, week, words, sub)
        if weights is None:
            return key
        with np.errstate(divide="ignore"):
            return key / np.asarray(weights, dtype=float)


def winner(keys: np.ndarray, axis: int = -1) -> np.ndarray:
    """The index of the smallest race key along ``axis`` (-1 where none is finite).

    No finite key: every candidate had weight 0, and nobody is chosen.
    """
    return np.where(np.isfinite(keys.min(axis=axis)), keys.argmin(axis=axis), -1)


def winners(keys: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """The index of each group's smallest key (-1 for a group with no finite key).

    Args:
        keys: One key per candidate.
        group: Each candidate's group (event), any order.
        n_groups: The number of groups.
    """
    out = np.full(n_groups, -1, dtype=np.int64)
    finite = np.isfinite(keys)
    if not finite.any():
        return out
    idx = finite.nonzero()[0]
    order = idx[np.lexsort((keys[idx], group[idx]))]
    first = np.ones(len(order), dtype=bool)
    first[1:] = group[order][1:] != group[order][:-1]
    out[group[order][first]] = order[first]
    return out
