"""The policy timeline: timed changes to parameters during a run.

An event is ``{week: W, set: {name: value, ...}, label: "..."}`` (label optional). It is
applied at the start of week ``W``, before anything else happens that week, and drawn as
a vertical marker on the plots. Each change is validated like any parameter; only
parameters marked mutable in the schema may change during a run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from copsim.model.schema import RUN_KEYS, ConfigError, check_key, flatten

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel

EVENT_KEYS = ("week", "set", "label")


@dataclass(frozen=True)
class PolicyEvent:
    """One timed policy change."""

    week: int
    changes: dict[str, Any] = field(default_factory=dict)
    label: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The event in the form users write it."""
        return {"week": self.week, "set": dict(self.changes), "label": self.label}


def parse_events(raw: Any, weeks: int) -> list[PolicyEvent]:
    """Validate a list of raw events and return them sorted by week.

    Raises:
        ConfigError: Naming the event (``events[i]``) and what is wrong with it.
    """
    if raw is None:
        return []
    if isinstance(raw, Mapping) or not isinstance(raw, Sequence) or isinstance(raw, str):
        raise ConfigError("events", raw, "a list of {week: W, set: {name: value}}")
    out = []
    for i, item in enumerate(raw):
        where = f"events[{i}]"
        if not isinstance(item, Mapping):
            raise ConfigError(where, item, "a mapping {week: W, set: {name: value}}")
        extra = set(item) - set(EVENT_KEYS)
        if extra:
            raise ConfigError(
                f"{where}.{sorted(extra)[0]}",
                item[sorted(extra)[0]],
                "only the keys week, set and label",
            )
        week = item.get("week")
        if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= weeks:
            raise ConfigError(f"{where}.week", week, f"a whole number from 1 to {weeks}")
        changes = item.get("set")
        if not isinstance(changes, Mapping) or not changes:
            raise ConfigError(f"{where}.set", changes, "a non-empty mapping {name: value}")
        checked = {}
        try:
            flat = flatten(changes)
        except ConfigError as err:  # a key given dotted and nested
            raise ConfigError(f"{where}.set.{err.key}", err.value, err.allowed) from None
        for name, value in flat.items():
            if name in RUN_KEYS:  # not parameters: check_key would suggest the key itself
                raise ConfigError(
                    f"{where}.set.{name}",
                    value,
                    "a model parameter (events and replicates are set for the whole run)",
                )
            param = check_key(name)
            if not param.mutable:
                raise ConfigError(
                    f"{where}.set.{name}",
                    value,
                    "a parameter that may change during a run (this one is fixed at the start)",
                )
            try:
                checked[name] = param.check(value)
            except ConfigError as err:
                raise ConfigError(f"{where}.set.{name}", value, err.allowed) from None
        label = item.get("label")
        if label is not None and not isinstance(label, str):
            raise ConfigError(f"{where}.label", label, "text (quote it: label:'...')")
        label = label or ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in checked.items()
        )
        out.append(PolicyEvent(week, checked, label))
    _refuse_clashes(out)
    return sorted(out, key=lambda e: e.week)


def _refuse_clashes(events: list[PolicyEvent]) -> None:
    """Refuse two events (in the order given) that set one parameter in the same week.

    Both would apply at the start of the week and the last would win, so what the week
    ran with would depend on the order they were written in.
    """
    setters: dict[tuple[int, str], int] = {}
    for i, event in enumerate(events):
        for name, value in event.changes.items():
            first = setters.setdefault((event.week, name), i)
            if first != i:
                raise ConfigError(
                    f"events[{i}].set.{name}",
                    value,
                    f"one change of {name} in week {event.week}, but events[{first}] sets it too",
                )


def by_week(events: list[PolicyEvent]) -> dict[int, list[PolicyEvent]]:
    """The events falling in each week (what :func:`apply_due` reads as ``events_due``)."""
    due: dict[int, list[PolicyEvent]] = defaultdict(list)
    for event in events:
        due[event.week].append(event)
    return due


def apply_due(model: CopModel) -> None:
    """Apply the events scheduled for this week."""
    for event in model.events_due.get(model.week, ()):
        for name, value in event.changes.items():
            model.p.set(name, value)
        model.event_log.append(event)
