"""The app's inputs, generated from the one parameter schema (:mod:`copsim.model.schema`).

Which parameters the page exposes is chosen here by name; everything else about a control
(type, range, default, label, unit, tooltip) comes from the parameter's declaration, so a
change to the schema shows in the page without touching the app.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from copsim.model.schema import SCHEMA, Param
from copsim.viz.presets import (
    DEFAULT_SCENARIO,
    DEFAULT_SITE,
    OFF,
    SAME_SITE,
    SIZE_CAPS,
    SIZE_PARAMS,
    scenarios,
    sites,
)

LEVERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Brokerage", ("brokerage.hours_per_week", "brokerage.setup_weeks")),
    (
        "Nurture",
        ("nurture.protected_time", "nurture.manager_support", "nurture.commissioner_engagement"),
    ),
    ("Funding", ("funding.agency_budget",)),
    ("Trust", ("trust.gain", "trust.loss", "trust.decay")),
)
"""The live levers, by group, in the order the page shows them."""


@dataclass(frozen=True)
class Control:
    """A slider for one schema parameter.

    Attributes:
        name: The parameter's dotted name.
        label: Short label (the parameter's name in words, with its unit).
        integer: Whether the parameter is a whole number.
        low: Smallest value offered.
        high: Largest value offered.
        step: Slider step.
        default: The schema default.
        tooltip: The description, allowed range, default and source.
    """

    name: str
    label: str
    integer: bool
    low: float
    high: float
    step: float
    default: float
    tooltip: str


def nice_step(low: float, high: float, integer: bool) -> float:
    """About a hundredth of the range, rounded to 1, 2 or 5 times a power of ten."""
    if integer:
        return 1
    raw = (high - low) / 100
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def control(name: str, cap: float | None = None) -> Control:
    """The slider for parameter ``name``; ``cap`` lowers its upper end (demo size caps)."""
    param: Param = SCHEMA[name]
    if param.low is None or param.high is None or param.kind not in (int, float):
        raise ValueError(f"{name} has no numeric range: it cannot be a slider")
    high = min(param.high, cap) if cap is not None else param.high
    integer = param.kind is int
    words = param.key.replace("_", " ")
    # A unit that only repeats the name ("weeks", "hours/week") or says 0-1 is left out.
    said = all(w in words.split() for w in param.unit.replace("/", " ").split())
    unit = "" if not param.unit or said or param.unit == "0-1" else f" ({param.unit})"
    label = words.capitalize() + unit
    capped = f" The demo caps it at {cap:g}." if cap is not None and cap < param.high else ""
    tooltip = (
        f"{param.description}. {param.name}: {param.allowed()}, default {param.default:g}."
        f"{capped} Source: {param.source}."
    )
    return Control(
        name=name,
        label=label,
        integer=integer,
        low=param.low,
        high=high,
        step=nice_step(param.low, high, integer),
        default=param.default,
        tooltip=tooltip,
    )


def lever_controls() -> list[tuple[str, list[Control]]]:
    """The live levers by group; each must be a parameter that may change mid-run."""
    groups = []
    for group, names in LEVERS:
        for name in names:
            if not SCHEMA[name].mutable:
                raise ValueError(f"{name} is fixed at the start: it cannot be a live lever")
        groups.append((group, [control(name) for name in names]))
    return groups


def model_params() -> dict[str, Any]:
    """The inputs of SolaraViz's "Model Parameters" card, applied on Reset.

    Presets are the ``scenario/`` and ``site/`` configs; the size sliders come from the
    schema, with their upper ends lowered to the demo's caps.
    """
    params: dict[str, Any] = {
        "scenario_a": {
            "type": "Select",
            "value": DEFAULT_SCENARIO,
            "values": scenarios(),
            "label": "Scenario (A)",
        },
        "site_a": {"type": "Select", "value": DEFAULT_SITE, "values": sites(), "label": "Site (A)"},
        "scenario_b": {
            "type": "Select",
            "value": OFF,
            "values": [OFF, *scenarios()],
            "label": "Compare with scenario (B)",
        },
        "site_b": {
            "type": "Select",
            "value": SAME_SITE,
            "values": [SAME_SITE, *sites()],
            "label": "Site (B)",
        },
        "seed": {"type": "InputText", "value": "0", "label": "Seed (both runs)"},
    }
    for kwarg, name in SIZE_PARAMS.items():
        c = control(name, cap=SIZE_CAPS[name])
        params[kwarg] = {
            "type": "SliderInt",
            "value": int(c.default),
            "min": int(c.low),
            "max": int(c.high),
            "step": 1,
            "label": f"{c.label}, max {c.high:g}",
        }
    return params
