"""The shipped posterior: calibrated parameter sets a run takes by number.

``conf/posterior/NAME.parquet`` holds the parameter sets history matching left for a site
(``copsim calibrate waves=N``'s ``posterior.parquet``; docs/calibration.md): one row a
set, its number in ``set``, the other columns dotted schema names. ``copsim run
posterior=typical draw=K`` runs set K: the two items are replaced by the set's values, as
if written on the command line (so a value the user also gives is refused as repeated).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from copsim.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

KEYS = ("posterior", "draw")
"""The command-line items that choose a set."""

DEFAULT = "typical"
"""The posterior a PSA draws from unless told otherwise (the typical site's)."""


def folder() -> Path:
    """Where the shipped posteriors are (inside the package's configuration)."""
    from copsim.config import conf_dir

    return conf_dir() / "posterior"


def available() -> list[str]:
    """The names of the shipped posteriors."""
    return sorted(p.stem for p in folder().glob("*.parquet"))


def load(name: str) -> pd.DataFrame:
    """The parameter sets of posterior ``name``.

    Raises:
        UsageError: If there is no such posterior.
    """
    import pandas as pd

    path = folder() / f"{name}.parquet"
    if not path.is_file():
        raise UsageError(
            f"posterior={name}: no such posterior (allowed: {', '.join(available()) or 'none'})"
        )
    return pd.read_parquet(path)


def parameters(name: str) -> list[str]:
    """The dotted parameter names posterior ``name`` holds, in its column order."""
    return [c for c in load(name).columns if c != "set"]


def overrides(name: str, draw: str) -> list[str]:
    """The ``key=value`` items of set ``draw`` of posterior ``name``.

    Raises:
        UsageError: For an unknown posterior or a draw that is not one of its sets.
    """
    table = load(name)
    sets = len(table)
    if not draw.isdigit() or int(draw) >= sets:
        raise UsageError(f"draw={draw}: not a set of posterior={name} (allowed: 0 to {sets - 1})")
    # Records keep each column's type (an integer parameter stays an int), as Python values:
    # repr gives the shortest text that reads back as the same float.
    (row,) = table[table["set"] == int(draw)].to_dict("records")
    return [f"{key}={value!r}" for key, value in row.items() if key != "set"]


def expand(args: list[str]) -> list[str]:
    """``args`` with ``posterior=NAME draw=K`` replaced by set K's values.

    Raises:
        UsageError: For one of the two without the other, or a bad name or draw.
    """
    given = {a.partition("=")[0]: a.partition("=")[2] for a in args if a.partition("=")[0] in KEYS}
    if not given:
        return args
    missing = [k for k in KEYS if k not in given]
    if missing:
        raise UsageError(
            f"{missing[0]} missing: posterior=NAME and draw=K choose a set together "
            f"(allowed posteriors: {', '.join(available()) or 'none'})"
        )
    rest = [a for a in args if a.partition("=")[0] not in KEYS]
    return [*rest, *overrides(given["posterior"], given["draw"])]
