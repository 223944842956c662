"""Counts in words: ``1 run``, ``2 runs``, ``3 replicates``, ``3-5 replicates``.

Every count copsim prints goes through :func:`count` (or :func:`count_range`), so that no
line reads "1 configurations" or "3-3 replicates".
"""

from __future__ import annotations

IRREGULAR = {"person": "people", "child": "children"}
"""Nouns whose plural is not the noun plus ``s`` (or ``es``)."""


def plural(noun: str) -> str:
    """The plural of an English ``noun``, last word only (``run file`` -> ``run files``)."""
    head, space, last = noun.rpartition(" ")
    if last in IRREGULAR:
        return head + space + IRREGULAR[last]
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return noun[:-1] + "ies"
    return noun + "s"


def noun_for(n: float, noun: str, many: str | None = None) -> str:
    """``noun`` when ``n`` is exactly one, else its plural (``many`` if given)."""
    if n == 1:
        return noun
    return many if many is not None else plural(noun)


def count(n: float, noun: str, many: str | None = None) -> str:
    """``n`` and the noun in the right number: ``1 run``, ``0 runs``, ``2 agencies``.

    Args:
        n: How many.
        noun: The noun in the singular.
        many: Its plural, where :func:`plural` would get it wrong.
    """
    return f"{n} {noun_for(n, noun, many)}"


def count_range(low: int, high: int, noun: str, many: str | None = None) -> str:
    """A count known to lie between ``low`` and ``high``: ``3 runs``, or ``3-5 runs``."""
    if low == high:
        return count(low, noun, many)
    return f"{low}-{high} {noun_for(2, noun, many)}"
