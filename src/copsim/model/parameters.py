"""The parameter values of one run, read by the mechanisms as ``p.group.name``."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from copsim.model.area import resolve
from copsim.model.schema import SCHEMA, validate


class Parameters:
    """Validated parameter values with attribute access by group.

    ``p.trust.gain`` reads ``trust.gain``; ``p.weeks`` reads a top-level one. Values can
    change during a run only through :meth:`set`, which validates them (policy events).

    Args:
        values: Flat mapping of parameter names to values; missing ones take defaults.
    """

    def __init__(self, values: Mapping[str, Any] | None = None):
        # An area file's history and people take the parameters' places (model.area).
        self._flat = resolve(validate(values or {}))
        for name, value in self._flat.items():
            self._assign(name, value)

    def _assign(self, name: str, value: Any) -> None:
        group, _, key = name.rpartition(".")
        if not group:
            setattr(self, key, value)
            return
        ns = self.__dict__.get(group)
        if ns is None:
            ns = SimpleNamespace()
            setattr(self, group, ns)
        setattr(ns, key, value)

    def set(self, name: str, value: Any) -> None:
        """Change one parameter, validating the new value."""
        value = SCHEMA[name].check(value) if name in SCHEMA else validate({name: value})
        self._flat[name] = value
        self._assign(name, value)

    def as_dict(self) -> dict[str, Any]:
        """Return the flat mapping of every parameter name to its current value."""
        return dict(self._flat)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"no parameter or group {name!r}")
