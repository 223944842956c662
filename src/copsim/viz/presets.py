"""What a trainer picks from: the scenario and site presets, the seed, and the size caps.

Presets are the ``conf/scenario`` and ``conf/site`` files, composed and validated as
``copsim run`` would. Caps keep every step of the demo fast and its network readable; what
a cap changes is said in a :class:`Notice` shown in the page.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import Any

from copsim.config import compose, group_options, values_from_config
from copsim.model.schema import SCHEMA, ConfigError

# Caps keep every step well inside the app's 200 ms budget and the network view readable.
MAX_WEEKS = 520
"""Longest run the demo accepts (ten years)."""
MAX_PEOPLE = 1000
"""Most people with multiple needs the demo accepts per run."""
MAX_PRACTITIONERS = 240
"""Most practitioner posts filled at the start (all agencies together) per run."""

DEFAULT_SCENARIO = "cop"
DEFAULT_SITE = "typical"
OFF = "off"
"""The comparison choice meaning "run A alone"."""
SAME_SITE = "same as A"
"""The site choice for run B meaning "A's site"."""

SIZE_PARAMS: dict[str, str] = {
    "weeks": "weeks",
    "people": "site.people",
    "practitioners_per_agency": "site.practitioners_per_agency",
}
"""The demo's size inputs (keyword of :class:`DemoModel`) and the parameters they set."""

SIZE_CAPS: dict[str, int] = {
    "weeks": MAX_WEEKS,
    "site.people": MAX_PEOPLE,
    "site.practitioners_per_agency": MAX_PRACTITIONERS // 6,
}
"""Largest value of each size parameter the demo's controls offer."""


@dataclass(frozen=True)
class Notice:
    """A message for the page: ``level`` is ``info``, ``warning`` or ``error``."""

    level: str
    text: str


_compose_lock = threading.Lock()
_preset_cache: dict[tuple[str, str], dict[str, Any]] = {}


def scenarios() -> list[str]:
    """Names of the scenario presets (``conf/scenario/*.yaml``)."""
    return group_options("scenario")


def sites() -> list[str]:
    """Names of the site presets (``conf/site/*.yaml``)."""
    return group_options("site")


def preset_values(scenario: str, site: str) -> dict[str, Any]:
    """The validated values of a preset: ``scenario=<scenario> site=<site>``.

    Composition costs tens of milliseconds, so presets are cached; Hydra's global state
    is not thread-safe, and each browser session renders in its own thread, hence the lock.

    Raises:
        ConfigError: For an unknown preset name.
    """
    key = (scenario, site)
    with _compose_lock:
        if key not in _preset_cache:
            _preset_cache[key] = values_from_config(
                compose([f"scenario={scenario}", f"site={site}"])
            )
        return copy.deepcopy(_preset_cache[key])


def parse_seed(raw: Any) -> tuple[int, Notice | None]:
    """Read a seed typed into the page; fall back to 0 with a notice when it is not one."""
    param = SCHEMA["seed"]
    try:
        text = str(raw).strip()
        return param.check(int(text) if text.lstrip("-").isdigit() else raw), None
    except (ConfigError, ValueError):
        return 0, Notice("error", f"Seed {raw!r} is not {param.allowed()}; using seed 0.")


def enforce_caps(values: dict[str, Any], label: str) -> list[Notice]:
    """Clamp a run's size and length to the demo's caps, in place; say what was changed.

    Args:
        values: Validated flat values (with ``events``) of one run.
        label: The run's name, for the messages.

    Returns:
        One warning per value that was reduced.
    """
    notices = []

    def cap(name: str, limit: int, why: str) -> None:
        if values[name] > limit:
            notices.append(
                Notice(
                    "warning",
                    f"{label}: {name} capped at {limit} (asked for {values[name]}) {why}.",
                )
            )
            values[name] = limit

    cap("weeks", MAX_WEEKS, "to keep the demo to a session's length")
    cap("site.people", MAX_PEOPLE, "to keep each step fast")
    agencies = 6 * values["site.agencies_per_type"]
    if agencies * values["site.practitioners_per_agency"] > MAX_PRACTITIONERS:
        cap("site.agencies_per_type", max(1, MAX_PRACTITIONERS // 6), "to keep each step fast")
        per_agency = max(1, MAX_PRACTITIONERS // (6 * values["site.agencies_per_type"]))
        cap("site.practitioners_per_agency", per_agency, "to keep the network readable")
    kept = [e for e in values.get("events", []) if e["week"] <= values["weeks"]]
    if len(kept) < len(values.get("events", [])):
        notices.append(Notice("warning", f"{label}: events after week {values['weeks']} dropped."))
        values["events"] = kept
    return notices
