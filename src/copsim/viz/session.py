"""The demo's simulation: runs side by side, live levers and policy events, without any UI.

:class:`DemoModel` is the Mesa model that SolaraViz steps, plays and resets. It holds one
:class:`Run` (A) or two (A and B, side by side) built from the ``scenario/`` and ``site/``
presets on the same seed, so that what differs between them comes from their
configurations, not from chance (common random numbers, see :mod:`copsim.model.draws`). Each
run steps alongside its no-CoP twin (:func:`copsim.runs.runner.twin_values`: the same site and
seed with no broker), which gives the live "cost against savings".

Everything a trainer can do goes through this class, so the app stays a thin view and the
behaviour is tested without a browser: build (with size caps), step, change a lever, fire a
policy event. None of these raises: a problem becomes a :class:`Notice` shown in the page,
because a dead server in front of a room is the one failure a demo cannot have.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import mesa
import numpy as np

from copsim.model.cop_model import CopModel
from copsim.model.events import PolicyEvent
from copsim.model.schema import SCHEMA, ConfigError
from copsim.model.site import NEVER
from copsim.runs.runner import NO_COP, twin_values
from copsim.viz.presets import (
    DEFAULT_SCENARIO,
    DEFAULT_SITE,
    OFF,
    SAME_SITE,
    SIZE_PARAMS,
    Notice,
    enforce_caps,
    parse_seed,
    preset_values,
)
from copsim.viz.shocks import SHOCK_BY_KEY

log = logging.getLogger(__name__)


@dataclass
class Run:
    """One configuration on screen, stepped together with its no-CoP twin.

    Attributes:
        key: ``A`` or ``B``.
        scenario: Scenario preset name.
        site: Site preset name.
        values: The run's starting configuration (flat names, with ``events``).
        model: The model.
        twin: The same site and seed without a broker; savings are measured against it.
        left_week: Week in which each post's holder last left (``NEVER`` if not yet).
        preset: The configuration as built, before any lever or event.
    """

    key: str
    scenario: str
    site: str
    values: dict[str, Any]
    model: CopModel
    twin: CopModel
    left_week: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    preset: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, key: str, scenario: str, site: str, values: Mapping[str, Any]) -> Run:
        """Build the model and its twin from validated values."""
        values = dict(values)
        model = CopModel(values)
        twin = CopModel(twin_values(values))
        left = np.full(len(model.posts), NEVER, dtype=np.int64)
        return cls(key, scenario, site, values, model, twin, left, copy.deepcopy(values))

    @property
    def title(self) -> str:
        """How the run is named on screen."""
        return f"{self.key}: {self.scenario} @ {self.site}"

    @property
    def week(self) -> int:
        """Weeks run so far."""
        return self.model.steps

    @property
    def finished(self) -> bool:
        """Whether the run has reached its last week."""
        return self.model.finished

    def holders(self) -> np.ndarray:
        """Id of the practitioner in each post (-1 where vacant)."""
        return np.fromiter(
            (-1 if a is None else a.unique_id for a in self.model.practitioners),
            dtype=np.int64,
            count=len(self.model.practitioners),
        )

    def step(self) -> None:
        """Advance the run and its twin one week; note which posts lost their holder."""
        before = self.holders()
        self.model.step()
        self.twin.step()
        # A holder who leaves and whose post is refilled the same week still left: compare
        # holders' ids, not occupancy.
        self.left_week[(before >= 0) & (self.holders() != before)] = self.model.steps

    def series(self, name: str) -> list[float]:
        """The weekly values of one output (docs/outputs.md), week 0 first."""
        return self.model.datacollector.model_vars[name]

    def savings(self) -> list[float]:
        """Cumulative crisis and turnover costs avoided against the twin, week 0 first."""
        mv, tv = self.model.datacollector.model_vars, self.twin.datacollector.model_vars
        return [
            (tc + tt) - (c + t)
            for c, t, tc, tt in zip(
                mv["crisis_cost"],
                mv["turnover_cost"],
                tv["crisis_cost"],
                tv["turnover_cost"],
                strict=True,
            )
        ]

    def latest(self, name: str) -> Any:
        """This week's value of one output."""
        return self.series(name)[-1]

    def changed(self) -> dict[str, tuple[Any, Any]]:
        """Parameters that differ from the preset now: name -> (preset value, value now)."""
        now = self.model.p.as_dict()
        return {n: (self.preset[n], v) for n, v in now.items() if v != self.preset.get(n, v)}

    def value(self, name: str) -> Any:
        """The current value of a parameter."""
        return getattr(getattr(self.model.p, SCHEMA[name].group), SCHEMA[name].key)

    def apply(self, changes: Mapping[str, Any], label: str) -> PolicyEvent | None:
        """Change parameters now, in the run and (but for brokerage) its twin.

        The change takes effect from the next week, exactly as a policy event scheduled
        for that week would (events apply before anything else in a week), and is logged
        as one so that it is marked on the plots. At week 0 it is part of the set-up and
        not marked. Repeated changes of the same parameters in one week (a slider being
        dragged) are one event: the last value wins.

        Raises:
            ConfigError: For an unknown or fixed parameter or a bad value; nothing changes.
        """
        checked = {}
        for name, value in changes.items():
            param = SCHEMA.get(name)
            if param is None or not param.mutable:
                raise ConfigError(name, value, "a parameter that may change during a run")
            checked[name] = param.check(value)
        for name, value in checked.items():
            self.model.p.set(name, value)
            if name not in NO_COP:
                self.twin.p.set(name, value)
        if self.week == 0:
            self.values.update(checked)
            return None
        event = PolicyEvent(self.week + 1, checked, label)
        log_ = self.model.event_log
        if log_ and log_[-1].week == event.week and log_[-1].changes.keys() == checked.keys():
            log_[-1] = event
        else:
            log_.append(event)
        return event


@dataclass(frozen=True)
class Marker:
    """A policy event as drawn on the plots: numbered, with the runs it applied to."""

    number: int
    week: int
    label: str
    runs: tuple[str, ...]


class DemoModel(mesa.Model):
    """What the trainer sees: run A, optionally run B beside it, on one seed.

    All arguments are what the page's "Model Parameters" card passes on Reset. (None is
    called ``scenario``: Mesa's SolaraViz gives that keyword its own meaning.)

    Args:
        scenario_a: Scenario preset of run A.
        site_a: Site preset of run A.
        scenario_b: Scenario preset of run B, or ``"off"`` for A alone.
        site_b: Site preset of run B, or ``"same as A"``.
        seed: Seed of both runs (text typed into the page, or an int).
        weeks: Run length; capped at :data:`MAX_WEEKS`.
        people: People with multiple needs per run; capped at :data:`MAX_PEOPLE`.
        practitioners_per_agency: Posts per agency; capped by :data:`MAX_PRACTITIONERS`.
        rng: Mesa's seed argument; when given it overrides ``seed``.
    """

    def __init__(
        self,
        scenario_a: str = DEFAULT_SCENARIO,
        site_a: str = DEFAULT_SITE,
        scenario_b: str = OFF,
        site_b: str = SAME_SITE,
        seed: int | str = 0,
        weeks: int = SCHEMA["weeks"].default,
        people: int = SCHEMA["site.people"].default,
        practitioners_per_agency: int = SCHEMA["site.practitioners_per_agency"].default,
        rng: int | None = None,
    ):
        seed_value, seed_notice = parse_seed(seed if rng is None else rng)
        super().__init__(rng=seed_value)
        self.lock = threading.RLock()
        self.seed = seed_value
        self.notices: list[Notice] = [seed_notice] if seed_notice else []
        self.error: str | None = None
        self.last_step_ms: float = 0.0
        self.runs: list[Run] = []
        self.sizes = self._sizes(
            {"weeks": weeks, "people": people, "practitioners_per_agency": practitioners_per_agency}
        )
        try:
            self.runs.append(self._build("A", scenario_a, site_a))
            if scenario_b != OFF:
                self.runs.append(
                    self._build("B", scenario_b, site_a if site_b == SAME_SITE else site_b)
                )
        except Exception as err:  # shown in the page; the demo falls back to the default
            self._fail("Could not build the chosen configuration", err)
            if not self.runs:
                self.runs.append(self._build("A", DEFAULT_SCENARIO, DEFAULT_SITE))
        self.running = not self.finished

    # --- building --------------------------------------------------------------------------

    def _sizes(self, asked: Mapping[str, Any]) -> dict[str, int]:
        sizes = {}
        for kwarg, name in SIZE_PARAMS.items():
            param, value = SCHEMA[name], asked[kwarg]
            try:
                number = int(value) if isinstance(value, str) else value
                # Too large is not refused here: enforce_caps reduces it, with a notice.
                param.check(min(number, param.high))
                sizes[name] = int(number)
            except (ConfigError, TypeError, ValueError):
                self.notices.append(
                    Notice("error", f"{name} {value!r} is not {param.allowed()}; using default.")
                )
                sizes[name] = param.default
        return sizes

    def _build(self, key: str, scenario: str, site: str) -> Run:
        values = preset_values(scenario, site)
        # The page's size controls set length and size; presets set everything else.
        values.update(self.sizes)
        values["seed"] = self.seed
        self.notices.extend(enforce_caps(values, f"Run {key}"))
        return Run.build(key, scenario, site, values)

    def _fail(self, what: str, err: BaseException) -> None:
        if isinstance(err, ConfigError):
            log.warning("%s: %s", what, err)  # a user's choice, not a bug: no traceback
        else:
            log.exception("%s", what)
        text = str(err) if isinstance(err, ConfigError) else f"{type(err).__name__}: {err}"
        self.notices.append(Notice("error", f"{what}: {text}"))

    # --- state -----------------------------------------------------------------------------

    @property
    def week(self) -> int:
        """Weeks run so far (all runs move together)."""
        return self.runs[0].week

    @property
    def weeks(self) -> int:
        """Length of the runs."""
        return max(r.model.p.weeks for r in self.runs)

    @property
    def finished(self) -> bool:
        """Whether every run has reached its last week."""
        return all(r.finished for r in self.runs)

    def run(self, key: str) -> Run:
        """The run named ``key`` (``A`` or ``B``)."""
        for r in self.runs:
            if r.key == key:
                return r
        raise KeyError(key)

    def markers(self) -> list[Marker]:
        """Policy events of all runs, numbered by week; one marker per event and week."""
        runs_of: dict[tuple[int, str], list[str]] = {}
        for r in self.runs:
            for event in r.model.event_log:
                runs_of.setdefault((event.week, event.label), []).append(r.key)
        ordered = sorted(runs_of.items(), key=lambda item: item[0][0])
        return [
            Marker(i + 1, week, label, tuple(keys))
            for i, ((week, label), keys) in enumerate(ordered)
        ]

    # --- actions ---------------------------------------------------------------------------

    def step(self) -> None:
        """Advance every run one week; an error stops the runs and is shown, never raised."""
        with self.lock:
            if self.error is None and not self.finished:
                start = time.perf_counter()
                try:
                    for r in self.runs:
                        if not r.finished:
                            r.step()
                except Exception as err:
                    log.exception("step failed")
                    self.error = (
                        f"The run stopped in week {self.week}: {type(err).__name__}: {err}. "
                        "Press Reset to start again."
                    )
                self.last_step_ms = (time.perf_counter() - start) * 1000
            self.running = self.error is None and not self.finished

    def advance(self, weeks: int) -> None:
        """Step up to ``weeks`` weeks (fewer if the runs end or fail first)."""
        for _ in range(weeks):
            if not self.running:
                break
            self.step()

    def set_lever(self, key: str, name: str, value: Any) -> bool:
        """Change one parameter of run ``key`` now; return whether it was accepted."""
        with self.lock:
            try:
                run = self.run(key)
                run.apply({name: value}, f"{short_name(name)} = {value:g}")
            except (ConfigError, KeyError, TypeError, ValueError) as err:
                self._fail(f"Lever {name} not changed", err)
                return False
            return True

    def fire(self, shock_key: str) -> bool:
        """Fire a policy event in every run; return whether it was applied."""
        with self.lock:
            if self.finished:
                self.notices.append(
                    Notice("info", "The runs have finished: press Reset to start again.")
                )
                return False
            try:
                shock = SHOCK_BY_KEY[shock_key]
                for r in self.runs:
                    changes = shock.changes(r.model.p)
                    r.apply(changes, shock.marker(changes))
            except Exception as err:
                self._fail(f"Event {shock_key} not applied", err)
                return False
            return True

    def dismiss(self) -> None:
        """Forget the notices shown so far (an error that stopped the runs stays)."""
        with self.lock:
            self.notices = []


def short_name(name: str) -> str:
    """A parameter's name in words: ``nurture.protected_time`` -> ``nurture protected time``."""
    return name.replace(".", " ").replace("_", " ")


def describe_markers(markers: Sequence[Marker], n_runs: int) -> list[str]:
    """One line per marker, for the list under the plots."""
    lines = []
    for m in markers:
        who = "" if len(m.runs) == n_runs and n_runs > 1 else f" ({', '.join(m.runs)})"
        lines.append(f"{m.number}. week {m.week}: {m.label}{who}")
    return lines
