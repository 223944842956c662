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
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterable, Sequence

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
        "casework.queue",
        "casework.key_worker",
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
_S30, _S27, _S31, _S11 = (np.uint64(k) for k in (30, 27, 31, 11))
_UNIT = 2.0**-53


def _mix_int(x: int) -> int:
    """The SplitMix64 finaliser of a Python int (mod 2^64)."""
    x &= _MASK
    x = ((x ^ (x >> 30)) * _C1) & _MASK
    x = ((x ^ (x >> 27)) * _C2) & _MASK
    return x ^ (x >> 31)


def mix(x: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser of each element (uint64); a new array."""
    return _mixed(np.array(x, dtype=np.uint64))


def _mixed(x: np.ndarray) -> np.ndarray:
    """:func:`mix` in place, on an array of its own (a 0-d one: a new uint64)."""
    if x.ndim == 0:  # numpy warns of the wrap for scalars: Python ints instead
        return np.uint64(_mix_int(int(x)))
    t = np.right_shift(x, _S30)
    x ^= t
    x *= _U1
    np.right_shift(x, _S27, out=t)
    x ^= t
    x *= _U2
    np.right_shift(x, _S31, out=t)
    x ^= t
    return x


def _unit(h: np.ndarray) -> np.ndarray:
    """Uniforms in (0, 1) from 64-bit values ``h`` (shifted in place).

    ``((h >> 11) + 1/2) / 2^53``.
    """
    h >>= _S11
    # The sum is taken in float64 (an exact conversion, then one rounding), as a cast first.
    u = np.add(h, 0.5, dtype=np.float64)
    u *= _UNIT
    return u


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
        if self.replicates == 1:
            own, seed_key = index, self._seed_keys[0]
        else:
            run, own = np.divmod(index, max(1, per_run))
            seed_key = self._seed_keys[run]
        slot = np.left_shift(own, 24, dtype=np.uint64, casting="unsafe")
        slot = np.asarray(np.add(slot, np.asarray(number, dtype=np.uint64), dtype=np.uint64))
        slot = _mixed(np.asarray(np.bitwise_xor(slot, np.uint64(_kind(kind)))))
        return _mixed(np.asarray(np.bitwise_xor(seed_key, slot)))

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
        x = np.bitwise_xor(words, _key(decision, week), dtype=np.uint64)
        if isinstance(sub, int):
            if sub:
                x = np.add(x, np.uint64(sub * _GOLDEN & _MASK), dtype=np.uint64)
        elif np.ndim(sub) == 0 and np.ndim(x) == 0:  # numpy warns of a scalar's wrap
            x = np.uint64((int(x) + int(sub) * _GOLDEN) & _MASK)
        else:  # arithmetic mod 2^64
            x = x + np.multiply(np.asarray(sub, dtype=np.uint64), np.uint64(_GOLDEN))
        return _mixed(np.asarray(x))

    def uniform(self, decision: str, week: int, words: np.ndarray, sub=0) -> np.ndarray:
        """Uniforms in (0, 1), one per word (see :meth:`bits`); never 0 or 1."""
        h = self.bits(decision, week, words, sub)
        return _unit(h)

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
        key = np.array([_key(d, week) for d, _ in columns], dtype=np.uint64)
        step = np.array([s * _GOLDEN & _MASK for _, s in columns], dtype=np.uint64)
        x = np.bitwise_xor(np.asarray(words, dtype=np.uint64)[..., None], key)
        x += step
        if sub is not None:
            x += (np.asarray(sub, dtype=np.uint64) * np.uint64(_GOLDEN))[..., None]
        h = _mixed(x)
        return _unit(h)

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
