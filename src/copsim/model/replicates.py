"""Replicates side by side: several seeds of one configuration stepped as one set of arrays.

A week's mechanisms cost mostly numpy's overhead per call on arrays of a few hundred
people, not arithmetic. Laying the people, posts, agencies and localities of R replicates
end to end in equal blocks (replicate r's post i is post ``r x posts + i``; its indices
into posts, agencies and localities shifted likewise) lets every call serve R replicates.
Each element's draws are keyed by its replicate's seed (:mod:`copsim.model.draws`) and each
replicate keeps its own totals, so replicate r ends exactly as its seed run alone would.

A model stepped this way has ``replicates`` > 1; the helpers here give its per-replicate
counts and sums, and are the plain ``len`` and ``sum`` when ``replicates`` is 1.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from copsim.model.draws import Draws
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
    if model.replicates == 1:
        return float(values.sum())
    return np.array([part.sum() for part in split(values, _bounds(model, index, n))])


def _bounds(model: Any, index: np.ndarray, n: int) -> np.ndarray:
    """Where each replicate after the first starts in ascending ``index`` (for :func:`split`)."""
    r = model.replicates
    return np.searchsorted(index, np.arange(1, r) * (n // r))


def split(values: np.ndarray, bounds: np.ndarray) -> list[np.ndarray]:
    """``np.split(values, bounds)`` along the first axis: views of consecutive parts.

    The same parts, without np.split's cost per part (it serves any axis), which a week
    of many replicates pays often.
    """
    cuts = [0, *bounds.tolist(), len(values)]
    return [values[lo:hi] for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)]


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
        "home_total",
        "home_first",
    },
    "posts": {"n_localities"},
    "people": set(),
}


KINDS = ("agencies", "posts", "people")
"""The kinds of per-element objects laid end to end."""


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


def parts(kind: str, item: Any, count: int, sizes: dict[str, int], copies: bool = False) -> list:
    """Each replicate's part of the agencies, posts or people of replicates side by side.

    Each part's per-element arrays are views of the item's (copies with ``copies``), its
    indices shifted back to its own; the indices are shifted for every replicate at once.
    Without ``copies`` an agencies part has no home tables (None), which only the people
    admitted in a week read.

    Args:
        kind: ``agencies``, ``posts`` or ``people``.
        item: The object of that kind of replicates side by side.
        count: How many replicates.
        sizes: Each replicate's number of each kind (:func:`block_sizes`).
        copies: Whether to copy every array.
    """
    n = sizes[kind]
    shifts = _INDEX_FIELDS[kind]
    shared = {k: v for k, v in vars(item).items() if not k.startswith("_")}
    arrays = {}
    for name, value in shared.items():
        if name in _SHARED[kind] or not isinstance(value, np.ndarray):
            continue
        if name in shifts:
            offset = np.repeat(np.arange(count) * sizes[shifts[name]], n)
            offset = offset.reshape(-1, *[1] * (value.ndim - 1))
            value = np.where(value >= 0, value - offset, value)
        arrays[name] = value
    if kind == "agencies":
        shared.update(n_localities=sizes["localities"])
        shared.update(dict.fromkeys(("home_agency", "home_total", "home_first")))
    elif kind == "posts":
        shared.update(n_localities=sizes["localities"])
    out = []
    cls = type(item)
    for r in range(count):
        part = cls.__new__(cls)
        mine = slice(r * n, (r + 1) * n)
        fields = {name: value[mine] for name, value in arrays.items()}
        if copies:
            fields = {name: value.copy() for name, value in fields.items()}
        vars(part).update(shared, **fields)
        if kind == "agencies":
            part.names = item.names[mine]
            if copies:
                part._home_table()
        out.append(part)
    return out


def block_sizes(model: Any, count: int | None = None) -> dict[str, int]:
    """Each replicate's number of agencies, posts, people and localities.

    Args:
        model: A model (or state) of replicates side by side.
        count: How many replicates (default: ``model.replicates``).
    """
    count = model.replicates if count is None else count
    return {
        "agencies": len(model.agencies) // count,
        "posts": len(model.posts) // count,
        "people": len(model.people) // count,
        "localities": model.agencies.n_localities // count,
    }


def each_ties(ties: TieTable, count: int, posts: int) -> list[TieTable]:
    """Each replicate's ties (copies, in table order), its posts numbered as its own."""
    a, b, trust, used = ties.view()
    run = a // posts
    order = np.argsort(run, kind="stable")
    bounds = np.searchsorted(run[order], np.arange(1, count))
    shift = run * posts
    base = ties.baselines()
    columns = [split(x[order], bounds) for x in (a - shift, b - shift, trust, base, used)]
    out = []
    for a_r, b_r, trust_r, base_r, used_r in zip(*columns, strict=True):
        table = TieTable(max(1, len(a_r)))
        k = table.n = len(a_r)
        table.a[:k], table.b[:k], table.trust[:k], table.last_used[:k] = a_r, b_r, trust_r, used_r
        table.baseline[:k] = base_r
        out.append(table)
    return out


def views(item: Any, count: int) -> list[Any]:
    """Each replicate's copy of ``item``, its arrays views of its block of the item's.

    For objects whose every array has one value per locality, or per agency, of replicates
    side by side (a CoP state, locality and agency tallies): writes reach the item.
    """
    attributes = vars(item)
    arrays = {k: v for k, v in attributes.items() if isinstance(v, np.ndarray)}
    size = len(next(iter(arrays.values()))) // count
    cls = type(item)
    out = []
    for r in range(count):
        one = cls.__new__(cls)
        mine = slice(r * size, (r + 1) * size)
        vars(one).update(attributes, **{k: v[mine] for k, v in arrays.items()})
        out.append(one)
    return out


def stack(states: list[Any]) -> Any:
    """Replicates' states (``SiteState``: same configuration, own seeds) laid end to end.

    The result is a state of the same kind whose draws are the replicates'
    (:meth:`~copsim.model.draws.Draws.stack`); its localities are each replicate's
    localities in turn. The states are not changed (their arrays are copied).
    """
    first = states[0]
    sizes = block_sizes(first, 1)
    for s in states[1:]:
        if block_sizes(s, 1) != sizes or s.agencies.n_posts != first.agencies.n_posts:
            raise ValueError("replicates side by side must have sites of the same shape")
    agencies = _stack_arrays("agencies", [s.agencies for s in states], sizes)
    agencies.names = [name for s in states for name in s.agencies.names]
    agencies.n_localities = sizes["localities"] * len(states)
    agencies._home_table()
    posts = _stack_arrays("posts", [s.posts for s in states], sizes)
    posts.n_localities = agencies.n_localities
    people = _stack_arrays("people", [s.people for s in states], sizes)
    ties = TieTable(max(1, sum(len(s.ties) for s in states)))
    for r, s in enumerate(states):
        a, b, trust, used = s.ties.view()
        shift = r * sizes["posts"]
        sl = slice(ties.n, ties.n + len(a))
        ties.a[sl], ties.b[sl] = a + shift, b + shift
        ties.trust[sl], ties.last_used[sl] = trust, used
        ties.baseline[sl] = s.ties.baselines()
        ties.n += len(a)
    draws = Draws.stack(s.draws for s in states)
    return type(first)(agencies, posts, people, ties, draws, first.area)


def unstack(state: Any) -> list[Any]:
    """The replicates' own states of a state made by :func:`stack` (copies)."""
    count = state.draws.replicates
    sizes = block_sizes(state, count)
    each = zip(
        *(parts(kind, getattr(state, kind), count, sizes, copies=True) for kind in KINDS),
        each_ties(state.ties, count, sizes["posts"]),
        state.draws.each(),
        strict=True,
    )
    return [type(state)(*parts, state.area) for parts in each]
