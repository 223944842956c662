"""Replicates side by side: several seeds of one configuration stepped as one set of arrays.

A week's mechanisms cost mostly numpy's overhead per call on arrays of a few hundred
people, not arithmetic. Laying the people, posts, agencies and localities of R replicates
end to end in equal blocks (replicate r's post i is post ``r x posts + i``; its indices
into posts, agencies and localities shifted likewise) lets every call serve R replicates.
Each replicate still draws from its own streams (:class:`~copsim.model.streams.ReplicateStreams`)
and keeps its own totals, so replicate r ends exactly as its seed run alone would.

A model stepped this way has ``replicates`` > 1; the helpers here give its per-replicate
counts and sums, and are the plain ``len`` and ``sum`` when ``replicates`` is 1.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from copsim.model.streams import ReplicateStreams
from copsim.model.ties import TieTable


def count(model: Any, index: np.ndarray, n: int) -> int | np.ndarray:
    """How many of ``index`` (indices into arrays of length ``n``) each replicate has."""
    r = model.replicates
    if r == 1:
        return len(index)
    return np.bincount(index // (n // r), minlength=r)


def of(model: Any, index: np.ndarray, n: int) -> np.ndarray:
    """The replicate of each of ``index`` (indices into arrays of length ``n``)."""
    return index // (n // model.replicates)


def block_total(model: Any, values: np.ndarray) -> int | np.ndarray:
    """Each replicate's total of integer ``values`` laid end to end by replicate."""
    r = model.replicates
    if r == 1:
        return int(values.sum())
    return values.reshape(r, -1).sum(axis=1)


def sums(model: Any, values: np.ndarray, index: np.ndarray, n: int) -> float | np.ndarray:
    """Each replicate's float sum of ``values`` (one per ``index``, ascending).

    Each is the same ``ndarray.sum`` of the same numbers in the same order as its
    replicate alone would compute, so it is equal bit for bit.
    """
    r = model.replicates
    if r == 1:
        return float(values.sum())
    bounds = np.searchsorted(index, np.arange(1, r) * (n // r))
    return np.array([part.sum() for part in np.split(values, bounds)])


def grouped(model: Any, fn: Any, index: np.ndarray, n: int, *arrays: np.ndarray) -> Any:
    """``fn(*arrays)``, called on each replicate's rows alone (rows in ``index`` order).

    For computations whose value for a row depends on the other rows passed with it (a
    BLAS matrix product's rounding), so that each replicate's rows get the values they
    would get alone. ``index`` (ascending) gives the element each row belongs to.
    """
    r = model.replicates
    if r == 1:
        return fn(*arrays)
    bounds = np.searchsorted(index, np.arange(1, r) * (n // r))
    parts = zip(*(np.split(a, bounds) for a in arrays), strict=True)
    return np.concatenate([fn(*part) for part in parts])


def blocks(model: Any, n: int) -> list[slice]:
    """Each replicate's slice of arrays of length ``n``."""
    r = model.replicates
    size = n // r
    return [slice(i * size, (i + 1) * size) for i in range(r)]


# Per-element arrays whose values are indices, and what they index: shifted by each
# replicate's block of that kind when replicates are laid end to end (-1, "none", stays).
_INDEX_FIELDS = {
    "agencies": {"first_post": "posts", "locality": "localities"},
    "posts": {"agency": "agencies", "locality": "localities", "origin": "localities"},
    "people": {"key_worker": "posts", "home_agency": "agencies", "locality": "localities"},
}
# Attributes that are not per element: the same in every replicate, or rebuilt.
_SHARED = {
    "agencies": {
        "n_posts",
        "need_share",
        "names",
        "n_localities",
        "home_agency",
        "home_cum",
        "home_total",
        "home_first",
    },
    "posts": {"n_localities"},
    "people": {"queue"},
}


def _sizes(state: Any) -> dict[str, int]:
    return {
        "agencies": len(state.agencies),
        "posts": len(state.posts),
        "people": len(state.people),
        "localities": state.agencies.n_localities,
    }


def _stack_arrays(kind: str, items: list[Any], sizes: dict[str, int]) -> Any:
    """One object of ``kind`` whose per-element arrays are the items' end to end."""
    out = copy.copy(items[0])
    n = sizes[kind]
    shifts = _INDEX_FIELDS[kind]
    for name, value in vars(items[0]).items():
        if name in _SHARED[kind] or name.startswith("_") or not isinstance(value, np.ndarray):
            continue
        if len(value) != n:
            raise ValueError(f"{kind}.{name} is not one value per element")
        parts = []
        for r, item in enumerate(items):
            part = getattr(item, name)
            if name in shifts:
                part = np.where(part >= 0, part + r * sizes[shifts[name]], part)
            parts.append(part)
        setattr(out, name, np.concatenate(parts))
    for name in [k for k in vars(out) if k.startswith("_")]:
        delattr(out, name)  # caches of the first item's arrays
    return out


def _unstack_arrays(kind: str, item: Any, r: int, count: int, sizes: dict[str, int]) -> Any:
    """Replicate ``r``'s part of an object made by :func:`_stack_arrays` (copies)."""
    out = copy.copy(item)
    n = sizes[kind]
    shifts = _INDEX_FIELDS[kind]
    for name, value in vars(item).items():
        if name in _SHARED[kind] or name.startswith("_") or not isinstance(value, np.ndarray):
            continue
        part = value[r * n : (r + 1) * n].copy()
        if name in shifts:
            part = np.where(part >= 0, part - r * sizes[shifts[name]], part)
        setattr(out, name, part)
    for name in [k for k in vars(out) if k.startswith("_")]:
        delattr(out, name)
    return out


def stack(states: list[Any]) -> Any:
    """Replicates' states (``SiteState``: same configuration, own seeds) laid end to end.

    The result is a state of the same kind whose streams are the replicates'
    (:class:`~copsim.model.streams.ReplicateStreams`); its localities are each replicate's
    localities in turn. The states are not changed (their arrays are copied).
    """
    first = states[0]
    sizes = _sizes(first)
    for s in states[1:]:
        if _sizes(s) != sizes or s.agencies.n_posts != first.agencies.n_posts:
            raise ValueError("replicates side by side must have sites of the same shape")
    agencies = _stack_arrays("agencies", [s.agencies for s in states], sizes)
    agencies.names = [name for s in states for name in s.agencies.names]
    agencies.n_localities = sizes["localities"] * len(states)
    agencies._home_table()
    posts = _stack_arrays("posts", [s.posts for s in states], sizes)
    posts.n_localities = agencies.n_localities
    people = _stack_arrays("people", [s.people for s in states], sizes)
    people.queue = _stack_queues([s.people.queue for s in states], sizes["agencies"])
    ties = TieTable(max(1, sum(len(s.ties) for s in states)))
    for r, s in enumerate(states):
        a, b, trust, used = s.ties.view()
        shift = r * sizes["posts"]
        sl = slice(ties.n, ties.n + len(a))
        ties.a[sl], ties.b[sl] = a + shift, b + shift
        ties.trust[sl], ties.last_used[sl] = trust, used
        ties.n += len(a)
    streams = ReplicateStreams([s.streams for s in states])
    return type(first)(agencies, posts, people, ties, streams, first.area)


def unstack(state: Any) -> list[Any]:
    """The replicates' own states of a state made by :func:`stack` (copies)."""
    count = state.streams.replicates
    sizes = {
        "agencies": len(state.agencies) // count,
        "posts": len(state.posts) // count,
        "people": len(state.people) // count,
        "localities": state.agencies.n_localities // count,
    }
    a, b, trust, used = state.ties.view()
    out = []
    for r in range(count):
        agencies = _unstack_arrays("agencies", state.agencies, r, count, sizes)
        agencies.names = state.agencies.names[r * sizes["agencies"] : (r + 1) * sizes["agencies"]]
        agencies.n_localities = sizes["localities"]
        agencies._home_table()
        posts = _unstack_arrays("posts", state.posts, r, count, sizes)
        posts.n_localities = sizes["localities"]
        people = _unstack_arrays("people", state.people, r, count, sizes)
        people.queue = _unstack_queue(state.people.queue, r, sizes)
        mine = a // sizes["posts"] == r
        ties = TieTable(max(1, int(mine.sum())))
        shift = r * sizes["posts"]
        k = int(mine.sum())
        ties.a[:k], ties.b[:k] = a[mine] - shift, b[mine] - shift
        ties.trust[:k], ties.last_used[:k] = trust[mine], used[mine]
        ties.n = k
        streams = state.streams.each[r]
        out.append(type(state)(agencies, posts, people, ties, streams, state.area))
    return out


def _stack_queues(queues: list[Any], n_agencies: int) -> Any:
    """Referral queues laid end to end (each place keeps its seed and number)."""
    out = copy.copy(queues[0])
    for name in ("arrivals", "block", "seed", "place"):
        setattr(out, name, np.concatenate([getattr(q, name) for q in queues]))
    names = next((list(q.rows) for q in queues if q.rows), [])
    out.rows = {}
    for name in names:
        like = next(q.rows[name] for q in queues if q.rows)
        parts = [q.rows[name] if q.rows else np.zeros_like(like) for q in queues]
        if name == "home_agency":  # drawn referrals' agencies, shifted like people's
            parts = [
                np.where(_drawn(q) & (v >= 0), v + r * n_agencies, v)
                for r, (q, v) in enumerate(zip(queues, parts, strict=True))
            ]
        out.rows[name] = np.concatenate(parts)
    return out


def _unstack_queue(queue: Any, r: int, sizes: dict[str, int]) -> Any:
    """Replicate ``r``'s part of a queue made by :func:`_stack_queues` (copies)."""
    out = copy.copy(queue)
    places = sizes["people"]
    for name in ("arrivals", "block", "seed", "place"):
        setattr(out, name, getattr(queue, name)[r * places : (r + 1) * places].copy())
    rows = places * queue.BLOCK
    out.rows = {name: v[r * rows : (r + 1) * rows].copy() for name, v in queue.rows.items()}
    if "home_agency" in out.rows:
        v = out.rows["home_agency"]
        out.rows["home_agency"] = np.where(_drawn(out) & (v >= 0), v - r * sizes["agencies"], v)
    return out


def _drawn(queue: Any) -> np.ndarray:
    """Which rows of a queue's blocks hold drawn referrals (a column, for the row arrays)."""
    return np.repeat(queue.block >= 0, queue.BLOCK)[:, None]
