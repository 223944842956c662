"""The ``copsim`` command and its subcommands.

``run`` (one run, or a sweep with -m), ``collect``, ``compare``, ``sensitivity``,
``experiment``, ``calibrate``, ``demo`` and ``docs``; :data:`USAGE` shows them all.

Commands raise :class:`copsim.errors.CopsimError` for what the user can fix; :func:`main`
alone turns it into one line on stderr and the error's exit status.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from copsim.errors import (
    ArgumentParser,
    CopsimError,
    DiskFull,
    Interrupted,
    PointsFailed,
    StaleError,
    UsageError,
)
from copsim.files import check_writable

USAGE = """usage: copsim run [--traceback] [HYDRA_OVERRIDE ...]
       copsim run posterior=NAME draw=K [HYDRA_OVERRIDE ...]   (a calibrated parameter set)
       copsim run -m [HYDRA_OVERRIDE ...] [replicates=N]     (a sweep, see README "Sweeps")
       copsim collect SWEEP_DIR
       copsim compare [SWEEP_DIR | OVERRIDES ...] [replicates=N] [--baseline CONFIG]
       copsim sensitivity [OVERRIDES ...] [--method morris|sobol] [--output NAME]
       copsim psa draws=N [replicates=R] [OVERRIDES ...] [--out DIR]   (docs/economics.md)
       copsim plan [site.file=AREA] [LEVER=LOW:HIGH ...] [survival=P] [pays=P] [budget=GBP]
                   [trials=N] [replicates=R] [OVERRIDES ...] [--out DIR]   (docs/plan.md)
       copsim experiment [all | NAME ...] [--replicates N]   (the programme's lessons)
       copsim calibrate [trials=N] [replicates=R] [OVERRIDES ...] [--out DIR]   (Optuna)
       copsim calibrate waves=N points=M [replicates=R] [OVERRIDES ...] [--out DIR]
                                                (history matching, docs/calibration.md)
       copsim demo [--port N] [--host HOST] [--no-open]
       copsim docs [--check]
       copsim --version

examples:
  copsim run
  copsim run scenario=cop site=poor_history brokerage.hours_per_week=10 seed=3
  copsim run scenario=cop_nurtured 'events=[{week:52,set:{funding.agency_budget:0.8}}]'
  copsim run --cfg job          (print the composed config and exit)
  copsim run -m brokerage.hours_per_week=0,5,10 site=poor_history,good_history replicates=20
      hydra/launcher=joblib hydra.sweep.dir=results/sweeps/brokerage     (one command)
  copsim compare scenario=cop_nurtured,cop_unnurtured replicates=40
  copsim experiment all
"""


INTERRUPTED = {
    "collect": "rerun the same command to resume",
    "": "rerun the same command to start again",
}
"""What to do after Ctrl-C, by command."""


def _hydra_task(cfg) -> None:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from copsim.config import values_from_config
    from copsim.folders import near

    if HydraConfig.get().mode == RunMode.MULTIRUN:
        from copsim.sweep.job import run_job

        run_job(cfg)  # one sweep point over its replicates, into the sweep folder
        return

    from copsim.runs.folder import write_run
    from copsim.runs.outputs import summary_text
    from copsim.runs.provenance import replay_command
    from copsim.runs.runner import run_values

    folder = Path(HydraConfig.get().runtime.output_dir)
    values = values_from_config(cfg)  # checked already, before the folder was made
    result = run_values(values)
    write_run(result, folder, replay_command(HydraConfig.get()))
    print(f"copsim: run written to {near(folder)}")
    print(summary_text(result.summary))


RUN_HELP = """usage: copsim run [-m] [--traceback] [--config-dir DIR] [--config-name NAME]
                  [KEY=VALUE ...]

Run one configuration into results/runs/<time>/, or with -m a sweep into
results/sweeps/<time>-<suffix>/ (README "Sweeps").

  KEY=VALUE           a parameter (docs/parameters.md), events=[...], site=NAME,
                      scenario=NAME, replicates=N (with -m), or hydra.* settings
  posterior=NAME draw=K
                      set K of a shipped calibrated posterior (docs/calibration.md)
  -m, --multirun      sweep over comma lists (a=1,2,3)
  --config-dir DIR    your own site/ and scenario/ YAML files (site=NAME picks one)
  --config-name NAME  your own primary config (in --config-dir)
  --cfg job           print the composed configuration and exit
  --traceback         show Python tracebacks instead of one-line errors
  --hydra-help        Hydra's own help
"""


def run_command(args: list[str]) -> None:
    """``copsim run``: check the command line, then hand over to Hydra."""
    from copsim.config import check_command, run_hydra

    if "-h" in args or "--help" in args:
        print(RUN_HELP)
        return
    if "--traceback" in args:
        os.environ["HYDRA_FULL_ERROR"] = "1"
        args = [a for a in args if a != "--traceback"]
    from copsim.posterior import expand

    command = check_command("copsim run", "config", expand(args))
    try:
        run_hydra("config", _hydra_task, command.args)
    except BaseException as err:
        if not command.multirun:
            # Nothing half-written is left behind, and nothing that was there is touched:
            # only what this run created (its folder, or what it added to an empty one).
            # A run whose summary is written is whole (the summary comes last, and the
            # folder was new or empty): a reader of stdout that left does not undo it.
            folder = command.folder
            if folder is not None and not (folder.folder / "summary.json").is_file():
                folder.undo()
            raise
        if not isinstance(err, KeyboardInterrupt):
            raise
        import shlex

        from copsim.folders import near

        where = command.sweep_dir or command.config.hydra.sweep.dir
        if command.folder is not None:
            where = near(command.folder.folder)
        raise Interrupted(
            "interrupted; finished runs are kept: rerun the same command with "
            f"{shlex.quote(f'hydra.sweep.dir={where}')} to resume"
        ) from None


def collect_command(args: list[str]) -> None:
    """``copsim collect SWEEP_DIR``: merge a sweep folder's runs into its two tables."""
    from copsim.sweep.collect import collect, failed_message, verdict

    parser = ArgumentParser(prog="copsim collect")
    parser.add_argument("folder", type=Path, help="the sweep folder (hydra.sweep.dir)")
    opts = parser.parse_args(args)
    if not (opts.folder / "runs").is_dir() and not (opts.folder / "failures").is_dir():
        raise UsageError(
            f"no copsim sweep in {opts.folder} (allowed: a sweep folder, with runs/ or failures/)"
        )
    outcome = collect(opts.folder)
    print(verdict(outcome, this_sweep=False))
    if outcome.failed_points:
        raise PointsFailed(failed_message(outcome))


def demo_command(args: list[str]) -> None:
    """``copsim demo``: serve the trainer app to a browser on this machine, offline."""
    from copsim.viz.server import DEFAULT_HOST, DEFAULT_PORT

    parser = ArgumentParser(
        prog="copsim demo", description="Serve the trainer app (see docs/trainer-guide.md)."
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (0: any free one)")
    parser.add_argument("--no-open", action="store_true", help="do not open a browser")
    opts = parser.parse_args(args)
    if not 0 <= opts.port <= 65535:
        raise UsageError(
            f"invalid value for --port: {opts.port} (allowed: a whole number from 0 to 65535)"
        )
    from copsim.viz.server import check_host, serve

    warning = check_host(opts.host)
    if warning:
        print(f"copsim: warning: {warning}", file=sys.stderr)
    try:
        serve(opts.host, opts.port, open_browser=not opts.no_open)
    except RuntimeError as err:
        raise UsageError(str(err)) from None
    except KeyboardInterrupt:
        pass


def docs_command(args: list[str]) -> None:
    """``copsim docs``: regenerate (or with --check, verify) the dictionaries and register."""
    parser = ArgumentParser(prog="copsim docs")
    parser.add_argument("--check", action="store_true", help="fail if a file is stale")
    parser.add_argument("--out", help="folder to write into (default: the repository's docs/)")
    opts = parser.parse_args(args)
    out = Path(opts.out) if opts.out else _repo_docs()
    if opts.check and not out.is_dir():  # else every dictionary would be "stale"
        raise UsageError(
            f"invalid value for --out: {str(out)!r} is not a folder (allowed: a folder of "
            "dictionaries to check)"
        )
    if not opts.check:
        check_writable(out, "--out")
    from copsim.dictionaries import write_dictionaries  # the model's modules: checked first

    stale = write_dictionaries(out, check=opts.check)
    if opts.check and stale:
        raise StaleError("stale: " + ", ".join(map(str, stale)) + " (run `copsim docs`)")
    for path in stale:
        print(f"copsim: wrote {path}")


def _repo_docs() -> Path:
    """The docs/ folder of the copsim checkout the command is run in.

    ``copsim docs`` regenerates a checkout's dictionaries; anywhere else, writing a ./docs
    into wherever the user stands would be a surprise.
    """
    here = Path.cwd()
    project = here / "pyproject.toml"
    if not project.is_file() or 'name = "copsim"' not in project.read_text(errors="replace"):
        raise UsageError(
            f"{here} is not a copsim checkout (allowed: run copsim docs in one, "
            "or give --out FOLDER)"
        )
    return Path("docs")


def _analysis(name: str) -> Callable[[list[str]], None]:
    """A command of copsim.analysis, imported only when it runs.

    copsim.analysis pulls in Matplotlib and Mesa (about 1 s), which every other command
    would otherwise pay, a sweep's main process included.
    """

    def command(args: list[str]) -> None:
        from copsim.analysis import commands

        getattr(commands, name)(args)

    return command


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``copsim`` command."""
    try:
        _main(argv)
        sys.stdout.flush()  # a reader that went away shows here, not at exit
    except BrokenPipeError:
        # The reader of stdout left (copsim experiment --list | head -1). As the Python docs'
        # "Note on SIGPIPE" does: stdout to devnull, so that the flush at exit is quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1) from None


def _main(argv: list[str] | None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return
    if argv[0] == "--version":
        from copsim.runs.provenance import copsim_version

        print(f"copsim {copsim_version()}")
        return
    command, rest = argv[0], argv[1:]
    commands = {
        "run": run_command,
        "docs": docs_command,
        "demo": demo_command,
        "collect": collect_command,
        "compare": _analysis("compare_command"),
        "sensitivity": _analysis("sensitivity_command"),
        "experiment": _analysis("experiment_command"),
        "psa": _analysis("psa_command"),
        "calibrate": _analysis("calibrate_command"),
        "plan": _analysis("plan_command"),
    }
    if "--quiet" in rest:
        from copsim import progress

        progress.QUIET = True
        rest = [a for a in rest if a != "--quiet"]
    try:
        if command not in commands:
            raise UsageError(f"unknown command {command!r} (allowed: {', '.join(commands)})")
        commands[command](rest)
    except (CopsimError, OSError) as raised:
        err = DiskFull.from_os_error(raised) if isinstance(raised, OSError) else raised
        if "--traceback" in rest or err is None:
            raise
        print(f"copsim: error: {err}", file=sys.stderr)
        raise SystemExit(err.exit_code) from None
    except KeyboardInterrupt:
        if "--traceback" in rest:
            raise
        # Finished runs of a sweep are kept (its store publishes each whole), so the same
        # command resumes it; other commands simply start again.
        print(
            f"\ncopsim: interrupted; {INTERRUPTED.get(command, INTERRUPTED[''])}", file=sys.stderr
        )
        raise SystemExit(130) from None
