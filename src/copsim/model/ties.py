"""Cross-agency working ties between practitioners, held as an edge list.

Ties within an agency are many and implicit (colleagues share a team); only cross-agency
ties are stored. Each tie joins two posts (practitioner slots) and carries a trust in
[0, 1], the baseline its trust drifts back to when unused (the trust the two expect of
each other: the area's history for most ties, the room's trust for a tie formed at a CoP
meeting), and the week it was last used. Every operation is linear in the number of ties,
which is itself bounded by a few per practitioner, so a week costs O(agents).
"""

from __future__ import annotations

import numpy as np

SMALL_QUERY = 8
"""Up to this many pairs, :meth:`TieTable.has` compares directly rather than sorting."""

KEY_BASE = 1 << 32
"""Multiplier of a post in a (post, agency) key: above any agency or post index."""

CELLS_PER_ENTRY = 8
"""Above this many table cells per tie end, :meth:`TieTable.best_into` sorts instead."""


class TieTable:
    """Undirected cross-agency ties between posts.

    Attributes:
        a: First post of each tie.
        b: Second post of each tie.
        trust: Trust of each tie, in [0, 1].
        baseline: Trust each tie drifts back to when unused, in [0, 1].
        last_used: Week in which each tie was last used.
    """

    COLUMNS = ("a", "b", "trust", "baseline", "last_used")

    def __init__(self, capacity: int = 64):
        self.a = np.zeros(capacity, dtype=np.int64)
        self.b = np.zeros(capacity, dtype=np.int64)
        self.trust = np.zeros(capacity)
        self.baseline = np.zeros(capacity)
        self.last_used = np.zeros(capacity, dtype=np.int64)
        self.n = 0

    def __len__(self) -> int:
        return self.n

    def view(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Return (a, b, trust, last_used) of the live ties; writes go through."""
        n = self.n
        return self.a[:n], self.b[:n], self.trust[:n], self.last_used[:n]

    def baselines(self) -> np.ndarray:
        """The baseline of each live tie (a view: writes go through)."""
        return self.baseline[: self.n]

    def add(
        self,
        a: np.ndarray,
        b: np.ndarray,
        trust: np.ndarray | float,
        week: int,
        baseline: np.ndarray | float | None = None,
    ) -> None:
        """Add ties between posts ``a[i]`` and ``b[i]``, skipping pairs already tied.

        ``baseline``: the trust each drifts back to when unused (default: its ``trust``).
        """
        a = np.atleast_1d(np.asarray(a, dtype=np.int64))
        b = np.atleast_1d(np.asarray(b, dtype=np.int64))
        if len(a) == 0:
            return
        trust = np.asarray(trust, dtype=float)
        # One trust for all: a full array (as broadcast_to gives, more cheaply).
        trust = np.full(a.shape, trust) if trust.ndim == 0 else np.broadcast_to(trust, a.shape)
        base = trust if baseline is None else np.broadcast_to(np.asarray(baseline, float), a.shape)
        keep = (a != b) & ~self.has(a, b)
        if len(a) > 1:
            # Also drop duplicates inside the batch itself (first one wins).
            lo, hi = np.minimum(a, b), np.maximum(a, b)
            _, first = np.unique(lo * (1 << 32) + hi, return_index=True)
            unique = np.zeros(a.shape, dtype=bool)
            unique[first] = True
            keep &= unique
        a, b, trust, base = a[keep], b[keep], trust[keep], base[keep]
        need = self.n + len(a)
        if need > len(self.a):
            size = max(need, 2 * len(self.a))
            for name in self.COLUMNS:
                old = getattr(self, name)
                new = np.zeros(size, dtype=old.dtype)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
        sl = slice(self.n, need)
        self.a[sl], self.b[sl], self.trust[sl], self.last_used[sl] = a, b, trust, week
        self.baseline[sl] = base
        self.n = need

    def has(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Return whether each pair (a[i], b[i]) is already tied."""
        a_, b_, _, _ = self.view()
        if len(a_) == 0 or len(a) == 0:
            return np.zeros(len(a), dtype=bool)
        existing = np.minimum(a_, b_) * (1 << 32) + np.maximum(a_, b_)
        query = np.minimum(a, b) * (1 << 32) + np.maximum(a, b)
        if len(query) <= SMALL_QUERY:  # a few pairs: compare directly, no sort
            return (existing[:, None] == query[None, :]).any(axis=0)
        # np.isin(query, existing), by binary search in the sorted existing keys.
        existing.sort()
        pos = existing.searchsorted(query)
        return existing.take(pos, mode="clip") == query

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the ties where ``mask`` is true (removing the others)."""
        idx = mask.nonzero()[0]
        k = len(idx)
        if k == self.n:  # every tie kept: nothing to move
            return
        for name in self.COLUMNS:
            arr = getattr(self, name)
            arr[:k] = arr[idx]
        self.n = k

    def remove_posts(self, posts: np.ndarray) -> int:
        """Remove every tie of the given posts (their holders left); return how many."""
        if len(posts) == 0 or self.n == 0:
            return 0
        a, b, _, _ = self.view()
        # np.isin(a, posts) | np.isin(b, posts), through a table of the leaving posts.
        leaving = np.zeros(max(int(a.max()), int(b.max()), int(posts.max())) + 1, dtype=bool)
        leaving[posts] = True
        gone = leaving[a] | leaving[b]
        self.keep(~gone)
        return int(gone.sum())

    def move_posts(self, old: np.ndarray, new: np.ndarray, agency_of_post: np.ndarray) -> None:
        """Practitioners moved from posts ``old`` to ``new``: their ties go with them.

        Ties that join a mover to their new agency are no longer cross-agency and go.
        """
        if self.n == 0 or len(old) == 0:
            return
        where = np.full(len(agency_of_post), -1, dtype=np.int64)
        where[old] = new
        a, b, _, _ = self.view()
        for end in (a, b):
            moved = where[end] >= 0
            end[moved] = where[end[moved]]
        self.keep(agency_of_post[a] != agency_of_post[b])

    def best_into(
        self, posts: np.ndarray, agencies: np.ndarray, agency_of_post: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The most trusted tie from each queried post into each queried agency.

        Args:
            posts: Post of each query.
            agencies: Agency of each query.
            agency_of_post: Agency of every post.

        Returns:
            ``(trust, edge)`` per query; trust and edge are -1 where the post has no tie
            into that agency. Cost: O(ties + queries) (O((ties + queries) log ties)
            where the agencies a post reaches are many, as in a large region).
        """
        a, b, trust, _ = self.view()
        n = len(a)
        if n == 0 or len(posts) == 0:
            return np.full(len(posts), -1.0), np.full(len(posts), -1, dtype=np.int64)
        posts = np.asarray(posts)
        # Only the ties of queried posts can answer: those ends (ties from each side, in
        # the order a then b) are the entries; each query's answer is its (post, agency)
        # entry of most trust (among equals, the last in that order).
        queried = np.zeros(len(agency_of_post), dtype=bool)
        queried[posts] = True
        src = np.concatenate([a, b])
        dst = np.concatenate([b, a])
        sel = queried[src].nonzero()[0]
        if len(sel) == 0:
            return np.full(len(posts), -1.0), np.full(len(posts), -1, dtype=np.int64)
        edge = sel % n
        tr = trust[edge]
        far = agency_of_post[dst[sel]]
        agencies = np.asarray(agencies)
        best = _best_by_cell(src[sel], far, tr, posts, agencies, queried, agency_of_post)
        if best is None:
            # Sorted by key, then trust: the last entry of each key is the answer. A key is
            # (post, agency); any multiplier above the agencies keeps keys distinct.
            key = src[sel] * KEY_BASE + far
            order = np.lexsort((tr, key))
            ks = key[order]
            query = posts * KEY_BASE + agencies
            # The last sorted entry with each queried key (the key's most trusted tie); a
            # query below every key gets -1, which wraps to the largest key and so no hit.
            last = order[ks.searchsorted(query, side="right") - 1]
            best = np.where(key[last] == query, last, -1)
        hit = best >= 0
        return np.where(hit, tr[best], -1.0), np.where(hit, edge[best], -1)

    def degree(self, n_posts: int) -> np.ndarray:
        """Number of cross-agency ties of each post."""
        a, b, _, _ = self.view()
        return np.bincount(a, minlength=n_posts) + np.bincount(b, minlength=n_posts)

    def mean_trust_by_post(self, n_posts: int) -> np.ndarray:
        """Mean trust of each post's ties (NaN where it has none)."""
        a, b, trust, _ = self.view()
        total = np.bincount(a, trust, n_posts) + np.bincount(b, trust, n_posts)
        deg = self.degree(n_posts)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(deg > 0, total / np.maximum(deg, 1), np.nan)


def _best_by_cell(
    near: np.ndarray,
    far: np.ndarray,
    trust: np.ndarray,
    posts: np.ndarray,
    agencies: np.ndarray,
    queried: np.ndarray,
    agency_of_post: np.ndarray,
) -> np.ndarray | None:
    """:meth:`TieTable.best_into`'s answer without a sort, or None where that costs more.

    Entry i is a tie from post ``near[i]`` into agency ``far[i]`` with ``trust[i]``. Each
    (queried post, agency) pair is a cell of a table, the agency counted from the post's
    own (a post's ties reach only its own run's agencies, so few cells); each cell keeps
    its most trusted entry, among equals the last, as the sorted search does. Returns the
    entry answering each query, -1 where none does. ``queried``: a mask of ``posts``.
    """
    rank = queried.cumsum() - 1  # each queried post's row
    offset = far - agency_of_post[near]
    low, high = int(offset.min()), int(offset.max())
    width = high - low + 1
    size = int(rank[-1] + 1) * width
    if size > CELLS_PER_ENTRY * len(near):
        return None
    cell = rank[near] * width + (offset - low)
    most = np.full(size, -np.inf)
    np.maximum.at(most, cell, trust)
    at_most = (trust == most[cell]).nonzero()[0]
    last = np.full(size, -1)
    np.maximum.at(last, cell[at_most], at_most)
    asked = agencies - agency_of_post[posts]
    inside = (asked >= low) & (asked <= high)
    asked = rank[posts] * width + (asked.clip(low, high) - low)
    return np.where(inside, last[asked], -1)
