"""Your own area: a site described in a data file (``site.file``).

An area file is YAML (or a CSV of agencies alone). Only ``agencies`` is required, and of
each agency only ``name``, ``type`` and ``posts``::

    name: Riverside                    # optional, for reports
    joint_working_history: 0.3         # optional: else site.joint_working_history
    people: 400                        # optional: else site.people; or the long form
    # people: {count: 400, needs: {housing: 0.9, substance_use: 0.6, ...}}
    agencies:                          # a list, or the name of a CSV file beside this one
      - {name: Riverside Housing, type: housing, posts: 24}
      - {name: Change Grow Live, type: substance_use, posts: 9, budget: 0.9,
         manager_support: 0.7}

``type`` is one of the need domains (:data:`copsim.model.domains.DOMAINS`); ``posts`` is
the agency's establishment (the posts its budget funds at a budget of 1); ``budget`` its
budget relative to that (default 1); ``manager_support`` its managers' base support
(default: drawn as for the presets, within ``site.manager_support_spread`` of
``site.manager_support``). ``people.needs`` gives, per domain, the share of people referred
in with that need active (default: the presets' profile). A CSV has a header row
``name,type,posts`` and optionally ``budget`` and ``manager_support`` columns.

Agencies' names must differ (ignoring case and spaces around them), none blank, and no
key may be given twice. Files are read only if they are regular files of at most 1 MB
(:data:`copsim.user_files.MAX_BYTES`; a large area is tens of kB).

Every problem is one line naming the file, the key or row, the bad value and what is
allowed (:class:`AreaError`, exit 2); it never quotes the file's content beyond the bad
value.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from copsim.errors import shown as quoted
from copsim.errors import shown_path
from copsim.model.domains import DOMAINS
from copsim.model.schema import ConfigError
from copsim.user_files import FileProblem, load_yaml, read_bytes
from copsim.words import count

MAX_AGENCIES = 200
MAX_POSTS = 2000
MAX_PEOPLE = 50000
TOP_KEYS = ("name", "joint_working_history", "people", "agencies")
AGENCY_KEYS = ("name", "type", "posts", "budget", "manager_support")
REQUIRED_AGENCY_KEYS = ("name", "type", "posts")
PEOPLE_KEYS = ("count", "needs")


class AreaError(ConfigError):
    """A problem in an area file: one line naming the file, where, the value and what is allowed."""

    def __init__(self, file: str, where: str, value: Any, allowed: str):
        self.key, self.value, self.allowed = f"site.file {where}", value, allowed
        text = "missing" if value is _MISSING else quoted(value)
        ValueError.__init__(
            self, f"site.file {shown_path(file)}: {where}: {text} (allowed: {allowed})"
        )


_MISSING = object()


class _Shown(str):
    """A description in an error, shown as it is (what a file is, not what it holds)."""

    def __repr__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class AgencySpec:
    """One agency of an area file."""

    name: str
    domain: int
    posts: int
    budget: float = 1.0
    manager_support: float | None = None


@dataclass(frozen=True)
class Area:
    """A validated area file.

    Attributes:
        path: The file as given (``site.file``).
        files: The files read (the area file, and a CSV of agencies it names), as paths.
        digest: SHA-256 of what was read, for provenance and caching.
        name: The area's name (the file's stem if it gives none).
        history: Its history of joint working, or None (then the parameter applies).
        people: Its places for people, or None (then the parameter applies).
        needs: Per domain, the share of people referred in with that need, or None.
        agencies: Its agencies, in file order.
    """

    path: str
    files: tuple[Path, ...]
    digest: str
    name: str
    history: float | None
    people: int | None
    needs: tuple[float, ...] | None
    agencies: tuple[AgencySpec, ...]

    @property
    def domains(self) -> tuple[int, ...]:
        """The domain index of each agency."""
        return tuple(a.domain for a in self.agencies)


def _number(file: str, where: str, value: Any, low: float, high: float, whole: bool = False):
    noun = "a whole number" if whole else "a number"
    allowed = f"{noun} from {low:g} to {high:g}"
    if isinstance(value, str):
        try:
            value = float(value) if not whole else float(value.strip())
        except ValueError:
            raise AreaError(file, where, value, allowed) from None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise AreaError(file, where, value, allowed)
    if whole and not float(value).is_integer():
        raise AreaError(file, where, value, allowed)
    if not low <= value <= high:
        raise AreaError(file, where, value, allowed)
    return int(value) if whole else float(value)


def _agency(file: str, where: str, row: Any, sep: str = ".") -> AgencySpec:
    if not isinstance(row, dict):
        raise AreaError(file, where, row, "a mapping {name: ..., type: ..., posts: N}")
    for key in row:
        if key not in AGENCY_KEYS:
            raise AreaError(
                file, f"{where}{sep}{key}", row[key], "the keys " + ", ".join(AGENCY_KEYS)
            )
    for key in REQUIRED_AGENCY_KEYS:
        if row.get(key) in (None, ""):
            raise AreaError(file, f"{where}{sep}{key}", _MISSING, _describe(key))
    name = row["name"]
    if not isinstance(name, str | int | float) or isinstance(name, bool):
        raise AreaError(file, f"{where}{sep}name", name, "a name")
    name = str(name).strip()
    if not name:
        raise AreaError(file, f"{where}{sep}name", row["name"], "a name that is not blank")
    kind = row["type"]
    if kind not in DOMAINS:
        raise AreaError(file, f"{where}{sep}type", kind, "one of " + ", ".join(DOMAINS))
    posts = _number(file, f"{where}{sep}posts", row["posts"], 1, MAX_POSTS, whole=True)
    budget = row.get("budget")
    budget = 1.0 if budget in (None, "") else _number(file, f"{where}{sep}budget", budget, 0.2, 2.0)
    support = row.get("manager_support")
    support = (
        None
        if support in (None, "")
        else _number(file, f"{where}{sep}manager_support", support, 0.0, 1.0)
    )
    return AgencySpec(name, DOMAINS.index(kind), posts, budget, support)


def _kind(tree: Any) -> str:
    """What a parsed file is, in words, for an error that must not quote its content."""
    if tree is None:
        return "empty"
    if isinstance(tree, str):
        return "text"
    if isinstance(tree, list):
        return "a list"
    return f"a {type(tree).__name__}"


def _unique_names(file: str, agencies: list[AgencySpec], where: list[str]) -> None:
    """Refuse two agencies of one name: reports, figures and the demo tell them by name.

    Names differing only in case or spaces around them count as the same.
    """
    first: dict[str, str] = {}
    for agency, place in zip(agencies, where, strict=True):
        key = agency.name.casefold()
        if key in first:
            raise AreaError(
                file,
                place,
                agency.name,
                f"a name no other agency has ({first[key]} is called that too)",
            )
        first[key] = place


def _describe(key: str) -> str:
    return {
        "name": "a name",
        "type": "one of " + ", ".join(DOMAINS),
        "posts": f"a whole number from 1 to {MAX_POSTS}",
    }[key]


def _csv_agencies(file: str, text: str) -> list[AgencySpec]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [k for k in REQUIRED_AGENCY_KEYS if k not in header]
    if missing:
        raise AreaError(
            file,
            f"header column {missing[0]}",
            _MISSING,
            "a first row naming the columns name,type,posts (and budget, manager_support)",
        )
    repeated = next((h for i, h in enumerate(header) if h in header[:i]), None)
    if repeated is not None:  # csv keeps the last of two columns of one name, silently
        raise AreaError(file, f"column {repeated}", repeated, "each column once")
    unknown = [h for h in header if h not in AGENCY_KEYS]
    if unknown:
        raise AreaError(
            file, f"column {unknown[0]}", unknown[0], "the columns " + ",".join(AGENCY_KEYS)
        )
    out, rows = [], []
    for i, raw in enumerate(reader, start=2):  # row 1 is the header
        if None in raw:
            raise AreaError(file, f"row {i}", ",".join(raw[None]), count(len(header), "column"))
        row = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
        if not any(row.values()):
            continue
        if any(v is None for v in row.values()):
            raise AreaError(
                file, f"row {i}", ",".join(filter(None, row.values())), count(len(header), "column")
            )
        out.append(_agency(file, f"row {i}", row, sep=" column "))
        rows.append(f"row {i} column name")
    _unique_names(file, out, rows)
    return out


def _read(path: Path, shown: str) -> bytes:
    try:
        return read_bytes(path, what="YAML or CSV area file")
    except FileProblem as err:
        raise AreaError(shown, "file", _Shown(err.value), err.allowed) from None


def _text(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AreaError(
            shown, "file", _Shown("not UTF-8 text"), "a UTF-8 YAML or CSV file"
        ) from None


def load_area(path: str) -> Area:
    """Read and validate an area file.

    Raises:
        AreaError: One line naming the file, the key or row, the value and what is allowed.
    """
    file = Path(path)
    data = _read(file, path)
    digest = hashlib.sha256(data)
    files = [file]
    text = _text(data, path)
    if file.suffix.lower() == ".csv":
        agencies = _csv_agencies(path, text)
        tree: dict[str, Any] = {}
    else:
        try:
            tree = load_yaml(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else "file"
            problem = getattr(err, "problem", None) or type(err).__name__
            raise AreaError(path, where, problem, "valid YAML") from None
        if not isinstance(tree, dict):
            # What it is, not what it holds: a text file's whole content would be the value.
            raise AreaError(
                path, "file", _Shown(_kind(tree)), "a mapping with agencies: [...] (see README)"
            )
        for key in tree:
            if key not in TOP_KEYS:
                raise AreaError(path, str(key), tree[key], "the keys " + ", ".join(TOP_KEYS))
        raw = tree.get("agencies", _MISSING)
        if raw is _MISSING or raw is None:
            raise AreaError(
                path, "agencies", _MISSING, "a list of {name, type, posts}, or a CSV file"
            )
        if isinstance(raw, str):
            csv_path = file.parent / raw
            csv_data = _read(csv_path, f"{path} agencies")
            digest.update(csv_data)
            files.append(csv_path)
            agencies = _csv_agencies(str(csv_path), _text(csv_data, str(csv_path)))
        elif isinstance(raw, list):
            agencies = [_agency(path, f"agencies[{i}]", row) for i, row in enumerate(raw)]
            _unique_names(path, agencies, [f"agencies[{i}].name" for i in range(len(raw))])
        else:
            raise AreaError(path, "agencies", raw, "a list of {name, type, posts}, or a CSV file")
    if not 1 <= len(agencies) <= MAX_AGENCIES:
        raise AreaError(
            path, "agencies", f"{len(agencies)} agencies", f"1 to {MAX_AGENCIES} agencies"
        )
    history = tree.get("joint_working_history")
    if history is not None:
        history = _number(path, "joint_working_history", history, 0.0, 1.0)
    people, needs = tree.get("people"), None
    if isinstance(people, dict):
        for key in people:
            if key not in PEOPLE_KEYS:
                raise AreaError(path, f"people.{key}", people[key], "the keys count, needs")
        raw_needs = people.get("needs")
        if raw_needs is not None:
            if not isinstance(raw_needs, dict):
                raise AreaError(path, "people.needs", raw_needs, "a mapping {domain: share 0-1}")
            for key in raw_needs:
                if key not in DOMAINS:
                    raise AreaError(
                        path,
                        f"people.needs.{key}",
                        raw_needs[key],
                        "the domains " + ", ".join(DOMAINS),
                    )
            needs = tuple(
                _number(path, f"people.needs.{d}", raw_needs.get(d, 0.0), 0.0, 1.0) for d in DOMAINS
            )
            if not any(needs):
                raise AreaError(path, "people.needs", raw_needs, "at least one share above 0")
        people = people.get("count")
    if people is not None:
        people = _number(path, "people", people, 0, MAX_PEOPLE, whole=True)
    name = tree.get("name")
    name = file.stem if name is None else str(name)
    return Area(
        path, tuple(files), digest.hexdigest(), name, history, people, needs, tuple(agencies)
    )


def resolve(values: dict[str, Any]) -> dict[str, Any]:
    """Values with the area file's history and people in place of the parameters'.

    The file describes the site, so where it gives ``joint_working_history`` or ``people``
    they replace ``site.joint_working_history`` and ``site.people`` (the configuration then
    records what the model ran). Values without ``site.file`` are returned unchanged.

    Raises:
        AreaError: For a file that cannot be used.
    """
    path = values.get("site.file") or ""
    if not path:
        return values
    area = load_area(path)
    out = dict(values)
    if area.history is not None:
        out["site.joint_working_history"] = area.history
    if area.people is not None:
        out["site.people"] = area.people
    return out
