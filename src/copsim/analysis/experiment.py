"""The programme's lessons as experiments: configurations, replicates, expectations.

An experiment is a YAML file in ``experiments/`` naming configurations (each a list of
overrides, or a grid of parameter values), a baseline, replicates, the outputs to report,
and, for a pattern, the direction the programme observed (``expect``) and the result that
would falsify it (``falsified_if``, printed with the checks). Running it writes
tables and figures under ``results/experiments/<name>/`` and says, for each expectation,
whether its 95% interval lies on the predicted side of zero. The expectations are checked,
never used: the model does not know them (docs/ODD.md).

A lesson that no setting could overturn is an assumption, not a finding. An experiment may
therefore name, under ``overturned_by``, a plausible ``setting`` (overrides inside the
schema's ranges) under which its ``falsified_if`` would be met, with a ``note`` saying why,
and optionally ``expectations`` (numbers, from 1, of the expectations whose failure is what
``falsified_if`` describes; all of them by default). Running the experiment then also runs
every configuration with the setting added, over the same seeds, checks the same
expectations there and reports, under "Under the overturning setting", whether
``falsified_if`` is met (one of those expectations does not hold).

Derived outputs, beyond the run summary's keys, can be named in ``outputs`` and
``expect``:

* ``X@W``: weekly output X at week W;
* ``X@A-B``: weekly output X averaged over weeks A..B;
* ``established_within@W``: 1 if the CoP was first established by week W, else 0;
* ``establishment_week``: first week established, or ``weeks + 1`` if never (censored);
* ``X minus Y``: per run, output X less output Y.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from copsim.analysis.paired import paired_difference
from copsim.analysis.replicates import Runs, expand, run_configurations
from copsim.config import conf_dir, override_list
from copsim.model.schema import ConfigError
from copsim.runs.outputs import established_within
from copsim.user_files import FileProblem, load_yaml, read_bytes

DERIVED = re.compile(r"^(?P<name>[a-z_]+)@(?P<a>\d+)(?:-(?P<b>\d+))?$")
KEYS = (
    "title",
    "pattern",
    "lesson",
    "configurations",
    "grid",
    "fixed",
    "baseline",
    "replicates",
    "outputs",
    "weekly",
    "heatmaps",
    "expect",
    "falsified_if",
    "overturned_by",
    "limits",
)
OVERTURNED_KEYS = ("setting", "note", "expectations")


def experiments_dir() -> Path:
    """The folder of experiment files: the packaged copy, else the repository's."""
    packaged = Path(__file__).parents[1] / "experiments"
    if packaged.is_dir():
        return packaged
    return conf_dir().parent / "experiments"


def available() -> list[str]:
    """Names of the experiments (the YAML files in experiments/)."""
    return sorted(p.stem for p in experiments_dir().glob("*.yaml"))


@dataclass
class Expectation:
    """A direction an experiment predicts, checked on a 95% interval.

    ``config``'s ``output`` minus the same seeds' ``against`` (the baseline configuration
    by default, another configuration, another output of the same runs, or a number such
    as ``zero`` or ``0.5``) must have its bootstrap 95% interval entirely above zero
    (``sign: +``) or below it (``sign: -``).
    """

    config: str
    output: str
    sign: str
    against: str = "baseline"
    note: str = ""


@dataclass
class Experiment:
    """One experiment, as read from its YAML file."""

    name: str
    title: str
    configurations: dict[str, list[str]]
    baseline: str
    replicates: int = 20
    outputs: list[str] = field(default_factory=list)
    weekly: list[str] = field(default_factory=list)
    heatmaps: list[str] = field(default_factory=list)
    expect: list[Expectation] = field(default_factory=list)
    pattern: int | None = None
    lesson: str = ""
    limits: str = ""
    falsified_if: str = ""
    grid: dict[str, list[Any]] = field(default_factory=dict)
    overturned_by: list[str] = field(default_factory=list)
    overturned_note: str = ""
    overturned_expectations: list[int] = field(default_factory=list)

    @classmethod
    def load(cls, name_or_path: str | Path) -> Experiment:
        """Read an experiment by name (experiments/<name>.yaml) or path.

        Raises:
            ConfigError: For an unknown experiment or a malformed file.
        """
        if not isinstance(name_or_path, str | Path):
            raise ConfigError("experiment", name_or_path, "a name or a path to a .yaml file")
        path = Path(name_or_path)
        if not path.suffix:
            path = experiments_dir() / f"{name_or_path}.yaml"
        if not path.exists():
            raise ConfigError("experiment", str(name_or_path), "one of " + ", ".join(available()))
        try:
            text = read_bytes(path, what="YAML experiment file").decode("utf-8-sig")
        except FileProblem as err:
            raise ConfigError(path.name, err.value, err.allowed) from None
        except UnicodeDecodeError:
            raise ConfigError(path.name, "not UTF-8 text", "a UTF-8 YAML file") from None
        try:
            raw = load_yaml(text) or {}
        except yaml.YAMLError as err:
            where = getattr(err, "problem_mark", None)
            line = f"line {where.line + 1}" if where else "the file"
            problem = getattr(err, "problem", None)
            raise ConfigError(
                path.name,
                f"{line}: {problem}" if problem else line,
                "valid YAML, each key once (a mapping of the keys below)",
            ) from None
        if not isinstance(raw, dict):
            raise ConfigError(
                path.name, type(raw).__name__, "a mapping with keys " + ", ".join(KEYS)
            )
        unknown = set(raw) - set(KEYS)
        if unknown:
            key = sorted(unknown)[0]
            raise ConfigError(f"{path.name}: {key}", raw[key], "keys " + ", ".join(KEYS))
        # Lists of overrides: a text would be taken character by character.
        fixed = override_list(raw.get("fixed", []), f"{path.name}: fixed")
        configs = {
            str(k): [*fixed, *override_list(v, f"{path.name}: configurations.{k}")]
            for k, v in (raw.get("configurations") or {}).items()
        }
        grid = raw.get("grid") or {}
        if grid:  # every combination, labelled by its values, as comma lists expand
            sweeps = [f"{n}={','.join(map(str, values))}" for n, values in grid.items()]
            for label, combo in expand([*fixed, *sweeps]):
                if label in configs:  # one label, two configurations: which is meant?
                    raise ConfigError(
                        f"{path.name}: grid", label, "labels other than the configurations'"
                    )
                configs[label] = combo
        if not configs:
            raise ConfigError(f"{path.name}: configurations", None, "at least one")
        baseline = str(raw.get("baseline", next(iter(configs))))
        if baseline not in configs:
            raise ConfigError(f"{path.name}: baseline", baseline, "one of the configurations")
        expect = []
        for e in raw.get("expect", []):
            extra = set(e) - {"config", "output", "sign", "against", "note"}
            if extra:
                raise ConfigError(
                    f"{path.name}: expect",
                    sorted(extra)[0],
                    "keys config, output, sign, against, note (quote text with commas)",
                )
            expect.append(Expectation(**{k: str(v) for k, v in e.items()}))
        for e in expect:
            if e.config not in configs:
                raise ConfigError(f"{path.name}: expect", e.config, "one of the configurations")
            if e.sign not in ("+", "-"):
                raise ConfigError(f"{path.name}: expect sign", e.sign, "+ or -")
        overturned, note, numbers = _overturned_by(path, raw.get("overturned_by"), len(expect))
        return cls(
            name=path.stem,
            title=str(raw.get("title", path.stem)),
            configurations=configs,
            baseline=baseline,
            replicates=_replicates(path, raw.get("replicates", 20)),
            outputs=list(raw.get("outputs", [])),
            weekly=list(raw.get("weekly", [])),
            heatmaps=list(raw.get("heatmaps", [])),
            expect=expect,
            pattern=raw.get("pattern"),
            lesson=str(raw.get("lesson", "")).strip(),
            limits=str(raw.get("limits", "")).strip(),
            falsified_if=str(raw.get("falsified_if", "")).strip(),
            grid=grid,
            overturned_by=overturned,
            overturned_note=note,
            overturned_expectations=numbers,
        )

    @property
    def overturned_configurations(self) -> dict[str, list[str]]:
        """Every configuration with the overturning setting added (same labels)."""
        return {k: [*v, *self.overturned_by] for k, v in self.configurations.items()}

    def run(
        self, replicates: int | None = None, workers: int | None = None, overturned: bool = False
    ) -> Runs:
        """Run every configuration over the same seeds and add the derived outputs.

        With ``overturned``, run them with the overturning setting added (same seeds).
        """
        if overturned and not self.overturned_by:
            raise ConfigError(f"{self.name}: overturned_by", None, "a setting to run")
        runs = run_configurations(
            self.overturned_configurations if overturned else self.configurations,
            replicates or self.replicates,
            workers=workers,
            progress=f"experiment {self.name}" + (" (overturning setting)" if overturned else ""),
        )
        wanted = {*self.outputs, *self.heatmaps}
        wanted |= {e.output for e in self.expect}
        wanted |= {e.against for e in self.expect if not _is_number(e.against)}
        wanted -= {*runs.configs, "baseline", "zero"}
        add_derived(runs, sorted(wanted))
        return runs


def add_derived(runs: Runs, names: Sequence[str]) -> None:
    """Add derived outputs (see the module docstring) as summary columns, in place."""
    summary = runs.summary
    for name in names:
        if name in summary.columns:
            continue
        runs.derived.append(name)
        weeks = runs.weekly["week"].max() if runs.weekly is not None else 0
        first = summary["cop_established_week"].astype(float)
        if name == "establishment_week":
            summary[name] = first.fillna(weeks + 1)
            continue
        if " minus " in name:
            left, right = name.split(" minus ")
            add_derived(runs, [left, right])
            summary[name] = summary[left].astype(float) - summary[right].astype(float)
            continue
        m = DERIVED.match(name)
        if not m:
            raise ConfigError(
                "output",
                name,
                "a summary key or a derived output "
                "(X@W, X@A-B, established_within@W, establishment_week)",
            )
        base, a = m["name"], int(m["a"])
        b = int(m["b"]) if m["b"] else a
        if base == "established_within":
            summary[name] = established_within(summary["cop_established_week"], a)
            continue
        if runs.weekly is None or base not in runs.weekly.columns:
            raise ConfigError("output", name, "a weekly column before @")
        window = runs.weekly[(runs.weekly["week"] >= a) & (runs.weekly["week"] <= b)]
        means = window.groupby(["config", "seed"])[base].mean().rename(name)
        merged = summary[["config", "seed"]].merge(
            means.reset_index(), how="left", on=["config", "seed"]
        )
        summary[name] = merged[name].to_numpy()


def check(experiment: Experiment, runs: Runs) -> pd.DataFrame:
    """Evaluate every expectation: its interval and whether it holds."""
    rows = []
    wide = {c: runs.summary[runs.summary["config"] == c].set_index("seed") for c in runs.configs}
    for e in experiment.expect:
        x = wide[e.config]
        against = experiment.baseline if e.against == "baseline" else e.against
        if against in wide:  # another configuration, paired by seed
            base = wide[against]
            seeds = x.index.intersection(base.index)
            d = paired_difference(
                x.loc[seeds, e.output].to_numpy(float), base.loc[seeds, e.output].to_numpy(float)
            )
        elif against in x.columns:  # another output of the same runs
            d = paired_difference(x[e.output].to_numpy(float), x[against].to_numpy(float))
        else:  # a constant
            v = x[e.output].to_numpy(float)
            d = paired_difference(v, np.full_like(v, _constant(against)))
        holds = d.low > 0 if e.sign == "+" else d.high < 0
        rows.append(
            {
                "config": e.config,
                "output": e.output,
                "against": against,
                "sign": e.sign,
                "mean": d.mean,
                "low": d.low,
                "high": d.high,
                "n": d.n,
                "holds": bool(holds),
                "note": e.note,
            }
        )
    return pd.DataFrame(rows)


def falsified(experiment: Experiment, checks: pd.DataFrame) -> bool:
    """Whether ``falsified_if`` is met: an expectation it names does not hold."""
    numbers = experiment.overturned_expectations or range(1, len(checks) + 1)
    return any(not checks["holds"].iloc[i - 1] for i in numbers)


def _overturned_by(path: Path, raw: Any, n_expect: int) -> tuple[list[str], str, list[int]]:
    """Read ``overturned_by``: its setting (overrides), note and expectation numbers."""
    if raw is None:
        return [], "", []
    if not isinstance(raw, dict) or "setting" not in raw:
        raise ConfigError(
            f"{path.name}: overturned_by", raw, "a mapping with a setting (a list of overrides)"
        )
    extra = set(raw) - set(OVERTURNED_KEYS)
    if extra:
        key = sorted(extra)[0]
        raise ConfigError(f"{path.name}: overturned_by", key, "keys " + ", ".join(OVERTURNED_KEYS))
    setting = override_list(raw["setting"], f"{path.name}: overturned_by.setting")
    if not setting:
        raise ConfigError(f"{path.name}: overturned_by.setting", raw["setting"], "an override")
    numbers = raw.get("expectations") or []
    if not isinstance(numbers, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) and 1 <= i <= n_expect for i in numbers
    ):
        raise ConfigError(
            f"{path.name}: overturned_by.expectations",
            numbers,
            f"numbers of expectations, from 1 to {n_expect}",
        )
    return setting, str(raw.get("note", "")).strip(), numbers


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _constant(text: str) -> float:
    try:
        return 0.0 if text == "zero" else float(text)
    except ValueError:
        raise ConfigError(
            "expect against", text, "baseline, a configuration, an output or a number"
        ) from None


def write(
    experiment: Experiment, runs: Runs, folder: Path, overturned: Runs | None = None
) -> pd.DataFrame:
    """Write the experiment's tables, figures and report; return the expectation checks.

    With ``overturned`` (the runs under the overturning setting), also write their tables
    under ``overturned/``, their checks in ``expectations_overturned.csv``, and the section
    "Under the overturning setting" of the README.
    """
    from copsim.analysis.figures import heatmap
    from copsim.analysis.report import _markdown, write_comparison
    from copsim.files import atomic_write
    from copsim.runs.plotting import save

    outputs = experiment.outputs or runs.outputs
    kwargs: dict[str, Any] = {"outputs": outputs}
    if experiment.weekly:
        kwargs["weekly_outputs"] = experiment.weekly
    write_comparison(runs, folder, experiment.baseline, **kwargs)
    if experiment.grid and len(experiment.grid) in (2, 3):
        x, y, *z = list(experiment.grid)
        for output in experiment.heatmaps:
            for value, part in _slices(runs, z[0] if z else None):
                fig = heatmap(part, output, x, y)
                if z:  # one heatmap for each value of the third key
                    fig.axes[0].set_title(f"{output.replace('_', ' ')}, {z[0]}={value:g}")
                suffix = f"_{_slug(z[0].split('.')[-1])}_{_slug(f'{value:g}')}" if z else ""
                path = folder / f"heatmap_{_slug(output)}{suffix}.png"
                atomic_write(path, lambda p, f=fig: save(f, str(p)))
    checks = check(experiment, runs)
    atomic_write(folder / "expectations.csv", lambda p: checks.to_csv(p, index=False))
    over = None
    if overturned is not None:
        write_comparison(overturned, folder / "overturned", experiment.baseline, **kwargs)
        over = check(experiment, overturned)
        atomic_write(folder / "expectations_overturned.csv", lambda p: over.to_csv(p, index=False))
    lines = [f"# {experiment.title}\n"]
    if experiment.pattern:
        lines.append(f"Pattern {experiment.pattern} of the model brief.\n")
    if experiment.lesson:
        lines.append(experiment.lesson + "\n")
    if experiment.falsified_if:
        lines += ["## What would falsify it\n", experiment.falsified_if + "\n"]
    if len(checks):
        lines += ["## Expectations (95% intervals)\n", _markdown(checks)]
    if over is not None:
        met = "met" if falsified(experiment, over) else "not met"
        lines += [
            "## Under the overturning setting\n",
            f"Every configuration again, with {' '.join(experiment.overturned_by)} (same seeds). "
            + (experiment.overturned_note + " " if experiment.overturned_note else "")
            + f"What would falsify the lesson is **{met}** here.\n",
            _markdown(over),
        ]
    if experiment.limits:
        lines += ["## Limits\n", experiment.limits + "\n"]
    lines.append("See [report.md](report.md) for every table and figure.\n")
    atomic_write(folder / "README.md", lambda p: p.write_text("\n".join(lines)))
    return checks


def _slices(runs: Runs, key: str | None) -> list[tuple[Any, Runs]]:
    """The runs whole (no key), or split by each value of one swept key."""
    if key is None:
        return [(None, runs)]
    parts = []
    for value, configs in runs.factors.groupby(key).groups.items():
        keep = runs.summary["config"].isin(list(configs))
        summary = runs.summary[keep].reset_index(drop=True)
        parts.append((value, Runs(summary=summary, factors=runs.factors.loc[list(configs)])))
    return parts


def _replicates(path: Path, value: Any) -> int:
    """An experiment file's replicates: a whole number from 2 (intervals need two)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise ConfigError(f"{path.name}: replicates", value, "a whole number from 2 up")
    return value


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def run_experiment(
    name: str,
    folder: Path | None = None,
    replicates: int | None = None,
    workers: int | None = None,
) -> tuple[Runs, pd.DataFrame, Path]:
    """Load, run and write one experiment; return its runs, checks and folder.

    An experiment with ``overturned_by`` is run a second time under that setting; its checks
    are then in ``expectations_overturned.csv`` (:func:`overturned_checks` reads them).
    """
    experiment = Experiment.load(name)
    folder = folder or Path("results") / "experiments" / experiment.name
    runs = experiment.run(replicates, workers)
    over = (
        experiment.run(replicates, workers, overturned=True) if experiment.overturned_by else None
    )
    checks = write(experiment, runs, folder, over)
    return runs, checks, folder


def overturned_checks(folder: Path) -> pd.DataFrame | None:
    """The checks under the overturning setting an experiment run wrote, if any."""
    path = folder / "expectations_overturned.csv"
    return pd.read_csv(path) if path.exists() else None
