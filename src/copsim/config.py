"""Hydra configuration: the structured config built from the schema, and composition.

The structured config registered here is generated from :data:`copsim.model.schema.PARAMS`, so
Hydra knows every parameter's type and rejects keys it does not declare. The YAML tree in
``conf/`` (sites, scenarios) holds only deltas on it. :func:`check_overrides` reads
command-line overrides before Hydra does, so that a bad one is reported in one line that
names the key, the value and what is allowed.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import os
import re
import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from hydra.core.config_store import ConfigStore
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from copsim.errors import CarriedThroughHydra, CopsimError, DiskFull, UsageError
from copsim.folders import Claim, claim
from copsim.model.area import resolve
from copsim.model.events import parse_events
from copsim.model.schema import (
    GROUPS,
    PARAMS,
    RUN_KEYS,
    SCHEMA,
    ConfigError,
    Param,
    UnknownKeyError,
    flatten,
    validate,
)

SCHEMA_NODE = "copsim_schema"
"""Name of the structured config in Hydra's ConfigStore (first in conf/config.yaml)."""

CONFIG_GROUPS = ("site", "scenario")
"""Hydra config groups under conf/ whose options users pick by name."""


REPLICATES = Param(
    name="replicates",
    default=1,
    low=1,
    high=100_000,
    unit="runs",
    mutable=False,
    description="Seeds run by one sweep job: seed .. seed+replicates-1 (needs -m above 1)",
)
"""Not a model parameter: how many seeds of one configuration a sweep job runs."""


def conf_dir() -> Path:
    """The folder holding config.yaml: inside the installed package, else the repo's."""
    packaged = Path(__file__).parent / "conf"
    if (packaged / "config.yaml").exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "conf"


def _group_dataclass(group: str) -> type:
    fields = [
        (p.key, Any, dataclasses.field(default=p.default)) for p in PARAMS if p.group == group
    ]
    return dataclasses.make_dataclass(f"{group.title()}Config", fields)


def structured_config() -> type:
    """Build the top-level Hydra structured config (a dataclass) from the schema.

    It declares every key, so Hydra rejects unknown ones, but types none of them: values
    are checked once, by :func:`values_from_config`, with copsim's one-line errors.
    """
    fields: list[tuple[str, Any, Any]] = [
        (p.name, Any, dataclasses.field(default=p.default)) for p in PARAMS if not p.group
    ]
    fields.append(("events", Any, dataclasses.field(default_factory=list)))
    fields.append(("replicates", Any, dataclasses.field(default=REPLICATES.default)))
    for group in GROUPS:
        cls = _group_dataclass(group)
        fields.append((group, cls, dataclasses.field(default_factory=cls)))
    return dataclasses.make_dataclass("CopsimConfig", fields)


def register() -> None:
    """Register the structured config with Hydra's ConfigStore (idempotent)."""
    ConfigStore.instance().store(name=SCHEMA_NODE, node=structured_config())


def group_options(group: str, config_dirs: Sequence[Path] = ()) -> list[str]:
    """Names of the options of a config group (the YAML files in conf/<group>/).

    Args:
        group: ``site`` or ``scenario``.
        config_dirs: A user's own config folders (``--config-dir``), searched too.
    """
    folders = [conf_dir(), *map(Path, config_dirs)]
    return sorted({f.stem for d in folders for f in (d / group).glob("*.yaml")})


def refuse_interpolation(key: str, value: Any) -> None:
    """Raise ConfigError if ``value`` holds an interpolation (``${...}``) anywhere.

    OmegaConf would resolve it: ``${oc.env:PATH}`` in an event label would copy the
    environment into config.yaml and the figures, and an unset one would crash. copsim
    values are plain data, so interpolation is refused everywhere users give values.
    """
    if isinstance(value, str) and "${" in value:
        raise ConfigError(key, value, "a plain value (interpolation ${...} is not allowed)")
    if isinstance(value, dict):
        for k, v in value.items():
            refuse_interpolation(f"{key}.{k}", v)
    if isinstance(value, list):
        for i, v in enumerate(value):
            refuse_interpolation(f"{key}[{i}]", v)


def override_list(overrides: Any, name: str = "overrides") -> list[str]:
    """``overrides`` as a list, if it is a list (or tuple) of override texts.

    A string is refused too: its characters would be taken for overrides.

    Raises:
        ConfigError: Naming ``name`` (or the item) and what is allowed.
    """
    if isinstance(overrides, str | bytes) or not isinstance(overrides, Sequence):
        raise ConfigError(name, overrides, "a list of overrides, e.g. ['weeks=52']")
    for i, item in enumerate(overrides):
        if not isinstance(item, str):
            raise ConfigError(f"{name}[{i}]", item, "an override as text, e.g. 'weeks=52'")
    return list(overrides)


def whole_number(key: str, value: str, least: int) -> int:
    """A command's count item (``trials=24``, ``draws=200``) as a whole number.

    Raises:
        UsageError: One line naming the item, its value and what is allowed.
    """
    allowed = f"allowed: a whole number from {least} up"
    try:
        n = int(value)
    except ValueError:
        raise UsageError(f"invalid value for {key}: {value!r} ({allowed})") from None
    if n < least:
        raise UsageError(f"invalid value for {key}: {value!r} ({allowed})")
    return n


def refuse_repeated(items: Sequence[tuple[Any, str]]) -> None:
    """Raise ConfigError for a key given twice: Hydra (and argparse) would keep the last.

    Args:
        items: Each item's key and the item as the user wrote it (``weeks=5``); a key is
            compared whole (``(name, package)`` for Hydra overrides), its first part named.
    """
    first: dict[Any, str] = {}
    for key, line in items:
        if key in first:
            name = key[0] if isinstance(key, tuple) else key
            raise ConfigError(name, line, f"each key once, but {first[key]} came before")
        first[key] = line


def _check_sweep_values(name: str, values: list[Any]) -> None:
    if name == "events":
        for v in values:
            parse_events(v, SCHEMA["weeks"].high)
        return
    if name == "site.file":
        from copsim.model.area import load_area

        for v in values:  # a file that cannot be read stops the sweep before it starts
            if isinstance(v, str) and v:
                load_area(v)
    param = REPLICATES if name == "replicates" else SCHEMA[name]
    # A value of the right type that is out of range fails only its own points: those are
    # recorded in the sweep folder and the rest run. A wrong type, or no good value at
    # all, stops the sweep here.
    errors = []
    for v in values:
        try:
            param.check(v)
        except ConfigError as err:
            if not _right_type(param, v):
                raise
            errors.append(err)
    if len(errors) == len(values):
        raise errors[0]


def _right_type(param: Param, value: Any) -> bool:
    if param.kind is bool or isinstance(value, bool):
        return isinstance(value, bool) and param.kind is bool
    if param.kind is int:
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if param.kind is float:
        return isinstance(value, int | float)
    return isinstance(value, str)


PATH_KEYS = frozenset(
    {p.name for p in PARAMS if p.unit == "path"} | {"hydra.run.dir", "hydra.sweep.dir"}
)
"""Keys whose values are paths: a path with spaces or non-ASCII letters is quoted for Hydra."""


def hydra_quoted(text: str) -> str:
    """``text`` as a value of Hydra's override grammar that reads back exactly.

    Bare where the grammar reads it back as the same text, else quoted: Hydra takes a
    quote inside a quoted value escaped, and so the backslashes before a quote or at the
    end doubled.
    """
    try:
        if OverridesParser.create().parse_overrides([f"key={text}"])[0].value() == text:
            return text
    except Exception:  # noqa: BLE001, S110 - any parse failure: quote it
        pass
    text = re.sub(r"(\\*)'", lambda m: m.group(1) * 2 + "\\'", text)
    text = re.sub(r"(\\+)$", lambda m: m.group(1) * 2, text)
    return f"'{text}'"


def quote_paths(overrides: Sequence[str]) -> list[str]:
    """The overrides with each path that Hydra's grammar cannot read bare quoted.

    ``site.file=my areas/Bröckley.yaml`` is a valid path that Hydra's lexer refuses
    unquoted; a user should not have to know its quoting rules.
    """
    out = []
    for item in overrides:
        key, eq, value = str(item).partition("=")
        if eq and key in PATH_KEYS and value and value[0] not in "'\"":
            try:
                OverridesParser.create().parse_overrides([item])
            except Exception:  # noqa: BLE001 - any parse failure: read it as one path
                item = f"{key}={hydra_quoted(value)}"
        out.append(item)
    return out


ONE_VALUE = "a single value (add -m to sweep over several)"
"""What a single run allows where a sweep (``a=1,2``) is given: ``copsim run``'s advice."""


def check_overrides(
    overrides: Sequence[str],
    *,
    multirun: bool = False,
    config_dirs: Sequence[Path] = (),
    one_value: str = ONE_VALUE,
) -> list[Override]:
    """Check command-line overrides against the schema and the config groups.

    Args:
        overrides: Hydra override strings (``brokerage.hours_per_week=5``).
        multirun: Whether sweeps (``a=1,2,3``) are allowed.
        config_dirs: A user's own config folders (``--config-dir``), whose sites and
            scenarios may be chosen too.
        one_value: What is allowed instead of a sweep where there is none, for the message
            (commands that vary parameters themselves say so, rather than "add -m").

    Returns:
        The parsed overrides.

    Raises:
        ConfigError: For overrides that are not a list of text, or the first override
            that is not acceptable.
    """
    overrides = override_list(overrides)
    try:
        parsed = OverridesParser.create().parse_overrides(quote_paths(overrides))
    except Exception as err:  # Hydra's parser error says where; keep its first line.
        first = str(err).strip().splitlines()[0]
        raise ConfigError(
            "overrides", " ".join(overrides), f"Hydra override syntax: {first}"
        ) from None
    refuse_repeated([((o.key_or_group, o.package), o.input_line) for o in parsed])
    for o in parsed:
        key = o.key_or_group
        if key.startswith("hydra") or o.package:
            continue  # Hydra's own settings may refer to each other (${hydra.sweep.dir})
        if "${" in o.input_line.partition("=")[2]:
            refuse_interpolation(key, o.input_line.partition("=")[2])
        if o.is_delete() or o.is_add() or o.is_force_add():
            raise ConfigError(
                key, o.input_line, "plain key=value (copsim keys cannot be added or deleted)"
            )
        sweep = o.is_sweep_override()
        if sweep and not multirun:
            raise ConfigError(key, o.input_line.partition("=")[2], one_value)
        if key in CONFIG_GROUPS:
            options = group_options(key, config_dirs)
            chosen = [str(v) for v in o.sweep_iterator()] if sweep else [str(o.value())]
            for choice in chosen:
                if choice not in options:
                    raise ConfigError(key, choice, "one of " + ", ".join(options))
            continue
        if key not in SCHEMA and key not in RUN_KEYS:
            raise UnknownKeyError(key, [*SCHEMA, *RUN_KEYS, *CONFIG_GROUPS])
        if key == "events" and not sweep and not isinstance(o.value(), list):
            # Hydra cannot merge a non-list into events; a list is checked with the run's
            # own weeks once composed.
            parse_events(o.value(), SCHEMA["weeks"].high)
        if multirun and (o.is_discrete_sweep() or not sweep):
            # A sweep's values are checked before it starts, so that one that would fail
            # every point stops it. A single run's are checked once, with the composed
            # config (RunCheck); range sweeps per job.
            _check_sweep_values(key, list(o.sweep_iterator()) if sweep else [o.value()])
    return parsed


def values_from_config(cfg: DictConfig) -> dict[str, Any]:
    """Turn a composed config into validated model values (a flat mapping with events).

    Raises:
        ConfigError: For an unknown key, a bad value or a malformed event.
    """
    # Read unresolved, so that an interpolation is refused rather than resolved. Hydra's
    # own node is left out: during a run it refers to sweep-only keys.
    tree = OmegaConf.to_container(cfg, resolve=False) if OmegaConf.is_config(cfg) else dict(cfg)
    tree.pop("hydra", None)
    for key, value in tree.items():
        refuse_interpolation(str(key), value)
    tree.pop("replicates", None)  # how many seeds a sweep job runs, not part of a run
    return copy.deepcopy(_validated(json.dumps(tree, sort_keys=True)))


@functools.lru_cache(maxsize=16)
def _validated(tree_json: str) -> dict[str, Any]:
    # Cached so that a configuration is validated once, whether by the check before a run
    # folder is made (RunCheck) or by the run itself.
    tree = json.loads(tree_json)
    raw_events = tree.pop("events", [])
    values = resolve(validate(flatten(tree)))  # an area file's history and people
    values["events"] = [e.as_dict() for e in parse_events(raw_events, values["weeks"])]
    return values


class RunCheck(Callback):
    """Checks a single run's configuration before Hydra makes its run folder.

    A bad value then leaves nothing behind (not even ``results/``) and reaches
    :func:`copsim.cli.main` as one line.
    """

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Validate the composed configuration and its ``replicates``."""
        try:
            single_run_values(config)
        except CopsimError as err:
            raise CarriedThroughHydra(err) from None


def single_run_values(cfg: DictConfig) -> dict[str, Any]:
    """The validated values of a configuration run once (``copsim run``, ``copsim.run``).

    Raises:
        ConfigError: For a bad value, or ``replicates`` other than 1 (seeds run together
            are a sweep, ``copsim run -m``; from Python, ``run_configurations``).
    """
    values = values_from_config(cfg)
    if replicates_from_config(cfg) != REPLICATES.default:
        raise ConfigError(
            "replicates",
            replicates_from_config(cfg),
            f"{REPLICATES.default} without -m; add -m to run seeds seed..seed+N-1 "
            "into a sweep folder",
        )
    return values


def replicates_from_config(cfg: DictConfig) -> int:
    """The number of seeds one sweep job runs (``replicates``, default 1).

    Raises:
        ConfigError: If it is not a whole number from 1 up.
    """
    return int(REPLICATES.check(OmegaConf.select(cfg, "replicates", default=1)))


def compose(overrides: Sequence[str] = (), one_value: str = ONE_VALUE) -> DictConfig:
    """Compose the run configuration the way ``copsim run`` does, from Python.

    Args:
        overrides: Hydra overrides of one configuration.
        one_value: What is allowed instead of a sweep, for the message
            (:func:`check_overrides`).

    Raises:
        ConfigError: For a bad override.
        UsageError: For an override Hydra cannot compose (``hydra/launcher=nope``).
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    overrides = quote_paths(override_list(overrides))
    check_overrides(overrides, one_value=one_value)
    register()
    try:
        with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
            return hydra_compose(config_name="config", overrides=overrides)
    except CopsimError:
        raise
    except Exception as err:
        raise UsageError(_compose_message(err)) from None


@dataclass
class Command:
    """A Hydra command line checked before Hydra runs it (:func:`check_command`).

    Attributes:
        args: The arguments to hand to Hydra (with a unique sweep folder added).
        config: The configuration composed without sweeps, Hydra's node included.
        multirun: Whether Hydra will run a sweep.
        sweep_dir: The sweep folder chosen here (None if the user chose one).
        folder: The run or sweep folder, claimed (:func:`copsim.folders.claim`).
    """

    args: list[str]
    config: DictConfig
    multirun: bool
    sweep_dir: Path | None = None
    folder: Claim | None = None


def _compose_message(err: Exception) -> str:
    """Hydra's composition error in one line, ending with what is allowed.

    A missing option of a config group (``hydra/launcher=nope``) names the group's options;
    Hydra lists them one a line, after the first three. A ``hydra.*`` key the chosen
    launcher or sweeper does not have is named as unknown.
    """
    options = getattr(err, "options", None)
    missing = getattr(err, "missing_cfg_file", None)
    if options and missing:
        group, _, name = str(missing).rpartition("/")
        return f"no {group} option {name!r} (allowed: {', '.join(options)})"
    absent = re.match(r"Could not override '([^']+)'", str(err))
    if absent:  # Hydra's advice (append it with +) would add a key no launcher reads
        return (
            f"unknown key {absent[1]!r} (allowed: a setting of the launcher or sweeper "
            "chosen, e.g. hydra/launcher=joblib hydra.launcher.n_jobs=2; docs/cluster.md)"
        )
    detail = ("full_key", "reference_type", "object_type", "Config search path", "provider=")
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.startswith(detail)]
    # A file of the user's folder by its relative name: short, and the line is clipped.
    here = f"{Path.cwd()}{os.sep}"
    first = " ".join(lines[:3]).replace(here, "") or type(err).__name__
    return f"{first} (allowed: see docs/parameters.md, conf/)"


def check_command(prog: str, config_name: str, args: Sequence[str]) -> Command:
    """Check a whole Hydra command line before anything runs or is written.

    Beyond :func:`check_overrides`: stray arguments, Hydra's own flags, the config files
    chosen (``--config-name``, ``--config-dir`` and the sites and scenarios in it, with
    their keys and values), ``hydra.*`` overrides, and that the output folder can be
    written. A sweep without ``hydra.sweep.dir`` gets a folder of its own: the configured
    name (to the microsecond) plus a random suffix, so two sweeps never share one.

    Args:
        prog: The command, for messages (``copsim run``).
        config_name: The primary config in conf/ (``config`` or ``calibration``).
        args: The command's arguments, as Hydra would read them.

    Raises:
        CopsimError: One line naming what is wrong and what is allowed.
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra._internal.utils import get_args_parser

    parser = get_args_parser()
    parser.prog = prog
    parser.error = lambda message: _usage(f"{prog}: {message} (see {prog} --help)")  # type: ignore[method-assign]
    opts = parser.parse_args(list(args))
    # (A list, not the mapping's values: an override given twice must reach the check.)
    quoted_overrides = quote_paths(opts.overrides)
    quoted = dict(zip(opts.overrides, quoted_overrides, strict=True))
    opts.overrides = quoted_overrides
    stray = [o for o in opts.overrides if "=" not in o and not o.startswith("~")]
    if stray:
        _usage(
            f"unexpected argument {stray[0]!r} (allowed: overrides key=value; see {prog} --help)"
        )
    config_dirs = []
    if opts.config_dir:
        config_dirs.append(Path(opts.config_dir).absolute())
        if not config_dirs[0].is_dir():
            _usage(
                f"no folder {opts.config_dir} (--config-dir: a folder of your own site/ and "
                "scenario/ files, or of a config to name with --config-name)"
            )
    if opts.config_path:
        _usage(f"{prog} does not take --config-path (allowed: --config-dir FOLDER)")
    name = opts.config_name or config_name
    register()
    # As Hydra does with --config-dir: the user's folder and conf/ are both searched; the
    # one holding the primary config is the root, the other is added to the search path.
    primary, extra = conf_dir(), config_dirs[:1]
    if config_dirs and (config_dirs[0] / f"{name}.yaml").is_file():
        primary, extra = config_dirs[0], [conf_dir()]
    searchpath = [f"hydra.searchpath=[file://{extra[0]}]"] if extra else []

    def composed(overrides: list[str]) -> DictConfig:
        try:
            with initialize_config_dir(config_dir=str(primary), version_base="1.3"):
                return hydra_compose(
                    config_name=name, overrides=[*overrides, *searchpath], return_hydra_config=True
                )
        except CopsimError:
            raise
        except Exception as err:
            _usage(f"{prog}: {_compose_message(err)}")

    mode = composed([]).hydra.mode
    multirun = bool(opts.multirun) or str(mode) == "RunMode.MULTIRUN"
    parsed = check_overrides(opts.overrides, multirun=multirun, config_dirs=config_dirs)
    # Compose once without sweeps (a swept group at its first option): what Hydra would
    # fail on, it fails on here, in one line, before any folder is made.
    fixed = []
    for o in parsed:
        if not o.is_sweep_override():
            fixed.append(o.input_line)
        elif o.key_or_group in CONFIG_GROUPS:
            fixed.append(f"{o.key_or_group}={next(iter(o.sweep_string_iterator()))}")
    cfg = composed(fixed)
    run_dir = str(cfg.hydra.sweep.dir if multirun else cfg.hydra.run.dir)
    values_from_config(cfg)
    replicates_from_config(cfg)
    key = "hydra.sweep.dir" if multirun else "hydra.run.dir"
    chosen = None
    if multirun and not any(o.key_or_group == key for o in parsed):
        chosen = Path(run_dir).with_name(f"{Path(run_dir).name}-{uuid.uuid4().hex[:6]}")
        run_dir = str(chosen)
    writes = not (opts.cfg or opts.info or opts.help or opts.hydra_help)
    folder = claim(run_dir, "sweep" if multirun else "run", f"{key}=FOLDER") if writes else None
    # Hydra is handed the folder claimed, resolved (a default named by the time would
    # otherwise be named again, a little later), and every path quoted for its grammar.
    args = [quoted.get(a, a) for a in args if not a.startswith(f"{key}=")]
    # Among the other overrides: Hydra's argparse reads them only as one unbroken run.
    at = next((i for i, a in enumerate(args) if a in opts.overrides), len(args))
    args.insert(at, f"{key}={hydra_quoted(run_dir)}")
    return Command(args, cfg, multirun, chosen, folder)


def _usage(message: str) -> NoReturn:
    raise UsageError(message)


def run_hydra(config_name: str, task: Callable[[DictConfig], Any], args: Sequence[str]) -> None:
    """Run ``task`` under ``hydra.main`` with ``args`` as its command line.

    Args:
        config_name: The primary config in conf/ (``config`` or ``calibration``).
        task: The function of the composed config that Hydra runs (once per job).
        args: Hydra's command-line arguments (overrides, ``-m``, ``--cfg`` ...).

    Raises:
        CopsimError: What ``task`` raised for bad input, unwrapped.
    """
    import hydra

    def reported(cfg: DictConfig) -> Any:
        try:
            return task(cfg)
        except (CopsimError, BrokenPipeError) as err:  # main reports both, in its own way
            raise CarriedThroughHydra(err) from None
        except OSError as err:
            full = DiskFull.from_os_error(err)
            if full is None:
                raise
            raise CarriedThroughHydra(full) from None

    register()
    # hydra.main reads the process's argv, so it sees only the arguments meant for it.
    saved, sys.argv = sys.argv, [sys.argv[0], *args]
    # Hydra prints an error outside the task (writing a job's .hydra/ on a full disk) as a
    # traceback and exits; asked for full errors, it raises them, for main to report.
    full_error = os.environ.get("HYDRA_FULL_ERROR")
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        main = hydra.main(config_path=str(conf_dir()), config_name=config_name, version_base="1.3")
        main(reported)()
    except CarriedThroughHydra as raised:
        raise raised.error from None
    finally:
        sys.argv = saved
        if full_error is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = full_error
