"""The analysis commands: compare, sensitivity, experiment, calibrate, psa and plan.

Each checks everything it was given (arguments, configurations, the output folder) before
it runs anything, so a bad input costs nothing and leaves nothing behind.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from copsim.errors import ArgumentParser, UsageError
from copsim.folders import Claim, claim, near
from copsim.words import count


def _out_folder(kind: str, given: str | None) -> Claim:
    """The output folder: ``--out``, or ``results/<kind>/<time>-<suffix>``, claimed.

    The default name goes to the microsecond with a random suffix, so two commands started
    together never write into one folder; a folder given with ``--out`` must be new, empty
    or copsim's own of this kind (:func:`copsim.folders.claim`).
    """
    if given is not None:
        folder = given
    else:
        stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S-%f")
        folder = Path("results") / kind / f"{stamp}-{uuid.uuid4().hex[:6]}"
    return claim(folder, kind, "--out")


def at_least(low: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` up."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low:
            raise argparse.ArgumentTypeError(
                f"invalid value {text!r} (allowed: a whole number from {low} up)"
            )
        return value

    return parse


def _no_hydra(prog: str, overrides: list[str]) -> None:
    """Refuse Hydra settings where copsim runs the configurations in its own processes.

    ``compare`` and ``sensitivity`` launch nothing through Hydra, so a launcher or any
    ``hydra.*`` setting would be ignored without a word.
    """
    for item in overrides:
        if item.lstrip("+~").startswith("hydra"):
            raise UsageError(
                f"{prog} runs its configurations itself, so {item!r} would have no effect "
                "(allowed: model overrides KEY=VALUE; --workers N for processes)"
            )


def compare_command(args: list[str]) -> None:
    """``copsim compare``: compare configurations over replicates, paired by seed."""
    import yaml

    from copsim.config import REPLICATES, check_overrides, refuse_repeated
    from copsim.model.schema import ConfigError

    parser = ArgumentParser(
        prog="copsim compare",
        description="Compare configurations over replicates (paired by seed) against a "
        "baseline. Give a collected sweep folder, or overrides whose comma lists make the "
        "configurations, e.g. scenario=cop_nurtured,cop_unnurtured replicates=40.",
    )
    parser.add_argument("items", nargs="*", help="SWEEP_DIR, or Hydra overrides")
    parser.add_argument("--baseline", help="baseline configuration (default: the first)")
    parser.add_argument("--outputs", help="comma-separated summary outputs to compare")
    parser.add_argument("--out", help="output folder (default: results/compare/<time>)")
    parser.add_argument("--workers", type=at_least(1), help="processes (default: every core)")
    parser.add_argument(
        "--locality",
        type=at_least(0),
        help="with a sweep folder of a region: compare this locality (0, 1, ...)",
    )
    opts = parser.parse_intermixed_args(args)  # overrides may follow options
    items = [i for i in opts.items if not i.startswith("replicates=")]
    refuse_repeated([("replicates", i) for i in opts.items if i not in items])
    replicates = 20
    for item in set(opts.items) - set(items):
        text = item.partition("=")[2]
        try:
            replicates = REPLICATES.check(yaml.safe_load(text))
        except yaml.YAMLError:
            raise ConfigError("replicates", text, REPLICATES.allowed()) from None
        if replicates < 2:  # an interval, or an effect size, needs two runs at least
            raise ConfigError(
                "replicates",
                replicates,
                "a whole number from 2 (compare needs two runs or more for an interval)",
            )
    _no_hydra("copsim compare", items)
    folders = [i for i in items if "=" not in i]
    if folders and (len(items) > 1 or not Path(folders[0]).is_dir()):
        raise UsageError(
            f"no sweep folder {folders[0]!r} (allowed: one collected sweep folder, or "
            "overrides key=value)"
            if not Path(folders[0]).is_dir()
            else "a sweep folder is compared alone (allowed: SWEEP_DIR, or overrides)"
        )
    if not folders:  # the overrides' keys and values, before the model's modules are imported
        check_overrides(items, multirun=True)
    from copsim.analysis.replicates import expand, load_sweep, resolve_config, run_configurations
    from copsim.analysis.report import DEFAULT_OUTPUTS, write_comparison
    from copsim.runs.outputs import SUMMARY

    names = [o.name for o in SUMMARY]
    outputs = opts.outputs.split(",") if opts.outputs else DEFAULT_OUTPUTS
    unknown = [o for o in outputs if o not in names]
    if unknown:
        raise UsageError(f"unknown output {unknown[0]!r} (allowed: {', '.join(names)})")
    out = _out_folder("compare", opts.out)
    if folders:
        try:
            runs = load_sweep(folders[0], opts.locality)
        except FileNotFoundError as err:
            raise UsageError(f"{err} (allowed: a sweep folder with finished runs)") from None
        fewest = int(runs.summary.groupby("config").size().min())
        if fewest < 2:
            raise UsageError(
                f"{folders[0]} has a configuration with {count(fewest, 'run')} (allowed: 2 or more "
                "replicates each; sweep with replicates=N)"
            )
        if opts.baseline:
            runs.resolve(opts.baseline)
    else:
        if opts.locality is not None:
            raise UsageError(
                "--locality needs a sweep folder (allowed: copsim compare SWEEP_DIR --locality N)"
            )
        if opts.baseline:  # checked before the runs, not after
            resolve_config(opts.baseline, [label for label, _ in expand(items)])
        runs = run_configurations(
            items, replicates=replicates, workers=opts.workers, progress="compare"
        )
    with out.writing() as folder:
        report = write_comparison(runs, folder, opts.baseline, outputs)
    print(f"copsim: comparison written to {near(report)}")


def sensitivity_command(args: list[str]) -> None:
    """``copsim sensitivity``: Morris screening or Sobol indices through SALib."""
    from copsim.analysis.sensitivity import (
        DEFAULT_FACTORS,
        DEFAULT_SAMPLES,
        FIXED_VALUE,
        analyse,
        analyse_effects,
        check_design,
        default_factors,
        factors_from,
        plot,
        split_params,
    )
    from copsim.config import compose, values_from_config
    from copsim.files import atomic_write

    parser = ArgumentParser(
        prog="copsim sensitivity",
        description="Global sensitivity of one summary output to parameters, over ranges "
        "taken from the parameter schema (narrow them with --range).",
    )
    parser.add_argument("overrides", nargs="*", help="fixed Hydra overrides (e.g. site=...)")
    parser.add_argument("--method", choices=("morris", "sobol"), default="morris")
    parser.add_argument("--output", default="turnover_rate", help="summary output")
    parser.add_argument(
        "--params",
        help=f"comma-separated parameters to vary (default: {','.join(DEFAULT_FACTORS)})",
    )
    parser.add_argument(
        "--range",
        action="append",
        default=[],
        metavar="NAME=LOW:HIGH",
        help="narrow a parameter's range (repeatable)",
    )
    parser.add_argument(
        "--samples",
        type=int,
        help="Morris trajectories (2 or more; default "
        f"{DEFAULT_SAMPLES['morris']}), or Sobol base samples (a power of 2; default "
        f"{DEFAULT_SAMPLES['sobol']}, also for --effects; 64 or more for indices to report)",
    )
    parser.add_argument("--replicates", type=at_least(1), default=4, help="seeds per sample")
    parser.add_argument("--workers", type=at_least(1), help="processes (default: every core)")
    parser.add_argument("--out", help="output folder (default: results/sensitivity/<time>)")
    parser.add_argument(
        "--effects",
        action="store_true",
        help="Sobol indices of the CoP's effects (leavers avoided, net benefit, established "
        "within a year) over the schema's distributions; --params picks among the uncertain "
        "parameters (default: all)",
    )
    opts = parser.parse_intermixed_args(args)
    _no_hydra("copsim sensitivity", opts.overrides)
    # The fixed overrides, checked whole before SALib and the model are imported.
    values_from_config(compose(list(opts.overrides), one_value=FIXED_VALUE))
    method = "sobol" if opts.effects else opts.method
    samples = DEFAULT_SAMPLES[method] if opts.samples is None else opts.samples
    check_design(method, samples, opts.replicates)
    names = None if opts.params is None else split_params(opts.params)
    if opts.effects:
        out = _out_folder("sensitivity", opts.out)
        results = analyse_effects(samples, opts.replicates, opts.overrides, names, opts.workers)
    else:
        factors = factors_from(names or default_factors(opts.overrides), opts.range)
        out = _out_folder("sensitivity", opts.out)
        results = [
            analyse(
                factors,
                opts.output,
                opts.method,
                samples,
                opts.replicates,
                opts.overrides,
                opts.workers,
            )
        ]
    from copsim.runs.plotting import save

    with out.writing() as folder:
        for result in results:
            tail = f"_{result.output}" if opts.effects else ""
            atomic_write(
                folder / f"indices{tail}.csv",
                lambda p, r=result: r.indices.to_csv(p, index=False),
            )
            atomic_write(
                folder / f"samples{tail}.csv",
                lambda p, r=result: r.samples.to_csv(p, index=False),
            )
            fig = plot(result)
            atomic_write(folder / f"indices{tail}.png", lambda p, f=fig: save(f, str(p)))
    for result in results:
        if opts.effects:
            print(f"{result.output}:")
        print(result.indices.to_string(index=False))
    print(f"copsim: sensitivity written to {near(out.folder)}")


def experiment_command(args: list[str]) -> None:
    """``copsim experiment``: run the programme's lessons, or a user's own experiment file."""
    from copsim.analysis.experiment import (
        Experiment,
        available,
        falsified,
        overturned_checks,
        run_experiment,
    )

    names = available()
    parser = ArgumentParser(
        prog="copsim experiment",
        description="Run experiments from experiments/*.yaml, or your own YAML files (a "
        "path); each writes its tables and figures under results/experiments/<name>/ and "
        "checks the pattern it predicts.",
    )
    parser.add_argument(
        "names", nargs="*", help=f"'all', a path to a .yaml file, or any of: {', '.join(names)}"
    )
    parser.add_argument("--replicates", type=at_least(2), help="override the file's replicates")
    parser.add_argument("--workers", type=at_least(1), help="processes (default: every core)")
    parser.add_argument("--out", help="parent folder (default: results/experiments)")
    parser.add_argument("--list", action="store_true", help="list the experiments")
    opts = parser.parse_intermixed_args(args)
    if opts.list or not opts.names:
        print("\n".join(names))
        return
    if "all" in opts.names and len(opts.names) > 1:
        raise UsageError(
            f"'all' runs every experiment, so it comes alone: {' '.join(opts.names)!r} "
            "(allowed: all, or names and .yaml paths)"
        )
    chosen = names if opts.names == ["all"] else opts.names
    folders = {}
    for name in chosen:  # every file is read and checked before any experiment runs
        own_file = name.endswith((".yaml", ".yml")) or "/" in name
        if not own_file and name not in names:
            raise UsageError(
                f"unknown experiment {name!r} (allowed: all, a path to a .yaml file, "
                f"{', '.join(names)})"
            )
        if own_file and not Path(name).exists():  # a pipe or a folder: Experiment.load says
            raise UsageError(f"no experiment file {name} (allowed: a path to a .yaml file)")
        stem = Experiment.load(name).name
        parent = Path("results") / "experiments" if opts.out is None else Path(opts.out)
        folders[name] = claim(parent / stem, "experiment", "--out")
    for name in chosen:
        with folders[name].writing() as out:
            _, checks, folder = run_experiment(name, out, opts.replicates, opts.workers)
        print(f"copsim: {name} written to {near(folder)}")
        _print_checks(checks)
        experiment = Experiment.load(name)
        if experiment.falsified_if:
            print(f"  falsified if: {experiment.falsified_if}")
        over = overturned_checks(folder)
        if experiment.overturned_by and over is not None:
            met = "MET" if falsified(experiment, over) else "not met"
            print(f"  Under the overturning setting {' '.join(experiment.overturned_by)}:")
            _print_checks(over, indent="    ")
            print(f"    falsified if: {met} there")


def _print_checks(checks, indent: str = "  ") -> None:
    """One line per expectation: whether it holds, its mean and 95% interval."""
    for row in checks.itertuples(index=False):
        verdict = "holds" if row.holds else "DOES NOT HOLD"
        print(
            f"{indent}{verdict}: {row.config}: {row.output} - {row.against} "
            f"{row.sign} ({row.mean:.4g}, 95% interval {row.low:.4g} to {row.high:.4g})"
        )


def calibrate_command(args: list[str]) -> None:
    """``copsim calibrate``: fit the no-CoP site to reference figures.

    With ``waves=N`` it runs history matching (:mod:`copsim.analysis.history_matching`);
    without, Optuna's search of two inputs (:mod:`copsim.analysis.calibration`), each
    batch of trials a sweep (:mod:`copsim.analysis.study`).
    """
    if any(a.startswith("waves=") for a in args):
        _history_matching(args)
        return
    from copsim.analysis import calibration

    parser = ArgumentParser(
        prog="copsim calibrate",
        description="Calibrate the no-CoP site: Optuna's TPE sampler searches the inputs "
        "of conf/calibration.yaml for the least loss on the fitted targets (turnover and "
        "vacancies), trials=N trials (default 40) of replicates=R seeds each (default 24), "
        "asked batch=B at a time (default 4), each batch one resumable sweep (rerun with the "
        "same --out). Other NAME=VALUE items set the site; hydra.* items choose the "
        "launcher. With waves=N: history matching instead (see docs/calibration.md).",
    )
    parser.add_argument("items", nargs="*", help="trials=N replicates=R batch=B [overrides]")
    parser.add_argument("--out", help="output folder (default: results/calibration/<time>)")
    opts = parser.parse_intermixed_args(args)
    counts, model, hydra = calibration.split_args(opts.items)
    claimed = _out_folder("calibration", opts.out)  # calibration.run checks the rest first
    result = calibration.run(claimed.folder, counts, model, hydra)
    print(f"copsim: calibration written to {near(claimed.folder)}")
    print(calibration.summary_line(result))


def _history_matching(args: list[str]) -> None:
    """``copsim calibrate waves=N points=M [replicates=R] [OVERRIDES] [--out DIR]``."""
    from copsim.analysis import history_matching as hm

    parser = ArgumentParser(
        prog="copsim calibrate",
        description="History matching of the no-CoP site: waves=N waves of points=M "
        "parameter sets, each over replicates=R seeds (default 2), through the sweep "
        "machinery (resumable: rerun with the same --out). Other NAME=VALUE items set the "
        "site (a varied input set here is held); hydra.* items choose the launcher.",
    )
    parser.add_argument("items", nargs="*", help="waves=N points=M replicates=R [overrides]")
    parser.add_argument("--out", help="output folder (default: results/calibration/<time>)")
    opts = parser.parse_intermixed_args(args)
    counts, model, hydra = hm.split_args(opts.items)
    claimed = _out_folder("calibration", opts.out)  # hm.run checks the rest before writing
    result = hm.run(
        claimed.folder, counts["waves"], counts["points"], counts["replicates"], model, hydra
    )
    print(f"copsim: history matching written to {near(claimed.folder)}")
    print(hm.write_summary_line(result))


def psa_command(args: list[str]) -> None:
    """``copsim psa``: probabilistic sensitivity analysis of value for money."""
    import shlex
    import sys

    from copsim.analysis import psa

    extra, shared, varied = (
        psa.extra_points(),
        psa.shared_points(),
        len(psa.varied((), psa.POSTERIOR)),
    )
    parser = ArgumentParser(
        prog="copsim psa",
        description="Probabilistic sensitivity analysis: draws=N parameter sets, each over "
        "replicates=R seeds with its no-CoP twin, through the sweep machinery (resumable: "
        "rerun with the same --out). By default each draw takes one set of the shipped "
        f"posterior (conf/posterior/{psa.POSTERIOR}.parquet) for the inputs history "
        "matching calibrated, the retention strengths among them, and draws the other "
        "uncertain parameters from their priors; --prior draws every one from its prior. "
        "Other NAME=VALUE items set the base case (a set parameter is not drawn); hydra.* "
        "items choose the launcher, e.g. hydra/launcher=joblib. Besides the N draws it "
        f"runs {extra} points: the base case, each of the {varied} varied parameters at "
        f"both ends of its 95% range (the tornado) and {extra - 1 - 2 * varied} break-even "
        f"grid values; {shared} of these points are the base case itself (the grid's "
        "default value, and an end of a whole-number parameter that rounds to its "
        "default), so draws=N replicates=R makes "
        f"(N + {extra - shared}) x R model runs (each with its no-CoP twin), e.g. "
        f"{psa.runs_needed(200, 4)} for draws=200 replicates=4. A parameter set on the "
        "command line is held: two one-way points fewer (and no grid, for "
        f"{', '.join(psa.BREAK_EVEN_GRID)}).",
    )
    parser.add_argument("items", nargs="*", help="draws=N replicates=R [overrides]")
    parser.add_argument("--out", help="output folder (default: results/psa/<time>)")
    parser.add_argument(
        "--seed", type=at_least(0), default=psa.PSA_SEED, help="Latin hypercube seed (0 or more)"
    )
    parser.add_argument(
        "--prior",
        action="store_true",
        help="draw every parameter from its prior, the calibrated inputs independently "
        "(default: the calibrated inputs from the shipped posterior)",
    )
    opts = parser.parse_intermixed_args(args)
    draws, replicates, model, hydra = psa.split_args(opts.items)
    folder = _out_folder("psa", opts.out).folder
    source = psa.PRIOR if opts.prior else psa.POSTERIOR
    runs = psa.run(folder, draws, replicates, model, hydra, seed=opts.seed, source=source)
    points = psa.read_points(folder)
    table = psa.draws_table(runs, points)
    from copsim.analysis import psa_report  # Matplotlib: only once there is a report

    command = "copsim psa " + shlex.join(args)
    res = psa_report.write(
        folder, table, runs, points, replicates, command, psa.describe_source(source)
    )
    if res["evppi_warning"]:
        print(f"copsim: warning: {res['evppi_warning']}", file=sys.stderr)
    print(
        f"copsim: psa written to {near(folder)}: P(net benefit > 0) = "
        f"{res['prob_net_benefit_positive']:.2f} over {count(res['draws'], 'draw')}"
    )


def plan_command(args: list[str]) -> None:
    """``copsim plan``: the cheapest programme that gives a CoP a good chance in an area."""
    import shlex

    from copsim.analysis import plan
    from copsim.analysis.psa import refuse_own_hydra_keys, sweep_args
    from copsim.config import check_command, compose, values_from_config

    parser = ArgumentParser(
        prog="copsim plan",
        description="Search the programme's levers (broker hours a week, funded weeks, "
        "protected time, managers' support; LEVER=LOW:HIGH narrows a range, LEVER=VALUE "
        "fixes it) for the cheapest plan that meets the targets: survival=P (the chance "
        "the CoP still meets a year after its funding ends; default 0.8), pays=P (the "
        "chance discounted net benefit is above 0; default 0.5), budget=GBP (discounted "
        "programme cost; default none). Each candidate runs over replicates=R futures "
        "(posterior set r on seed r, each against its no-CoP twin; default 8); trials=N "
        "candidates (default 24) are asked batch=B at a time (default 8), each batch one "
        "resumable sweep (rerun with the same --out). Other KEY=VALUE items set the site "
        "(site=NAME, site.file=AREA, weeks=N ...); hydra.* items choose the launcher.",
    )
    parser.add_argument("items", nargs="*", help="[LEVER=LOW:HIGH] [targets] [overrides]")
    parser.add_argument("--out", help="output folder (default: results/plan/<time>)")
    opts = parser.parse_intermixed_args(args)
    req = plan.split_args(opts.items)
    refuse_own_hydra_keys("copsim plan", req.hydra)
    base = values_from_config(compose(req.base))
    plan.check_run_length(req, int(base["weeks"]))
    futures = plan.futures(req)
    claimed = _out_folder("plan", opts.out)
    probe = [f"{k}={v!r}" for k, v in futures[0].items()]  # the first future, checked whole
    levers = [f"{n}={lv.low!r}" for n, lv in req.ranges.items()]
    check_command(
        "copsim plan",
        "config",
        sweep_args(claimed.folder, 1, [*req.base, *levers, *probe], req.hydra),
    )
    table = plan.run(claimed.folder, req, base)
    from copsim.analysis import plan_report  # Matplotlib: only once there is a report

    command = "copsim plan " + shlex.join(
        [*args, *([] if opts.out else ["--out", str(near(claimed.folder))])]
    )
    site = _site_name(req.base)
    result = plan_report.write(claimed.folder, table, req, command, site, int(base["weeks"]))
    verdict = "meets the targets" if result["meets_targets"] else "closest to the targets"
    print(f"copsim: plan written to {near(claimed.folder)}")
    print(
        f"  {verdict}: {plan_report.describe_plan(result['plan'])}; "
        f"{plan_report.money(result['cost_pv']['mean'])}, lasts a year after funding in "
        f"{result['p_survive']['mean']:.0%} of {result['futures']} futures, pays in "
        f"{result['p_pays']['mean']:.0%}"
    )


def _site_name(overrides: list[str]) -> str:
    """The site as a reader names it: the area file's name, the preset, or typical."""
    given = {o.partition("=")[0].lstrip("+~"): o.partition("=")[2] for o in overrides}
    if given.get("site.file"):
        return Path(given["site.file"]).stem
    return given.get("site", "typical")
