"""The ``copsim compare`` and ``copsim sensitivity`` commands."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from copsim.errors import UsageError


def _out_folder(kind: str, given: str | None) -> Path:
    if given:
        return Path(given)
    return Path("results") / kind / datetime.now().strftime("%Y-%m-%d_%H-%M-%S")


def compare_command(args: list[str]) -> None:
    """``copsim compare``: compare configurations over replicates, paired by seed."""
    import yaml

    from copsim.analysis.replicates import load_sweep, run_configurations
    from copsim.analysis.report import DEFAULT_OUTPUTS, write_comparison
    from copsim.config import REPLICATES

    parser = argparse.ArgumentParser(
        prog="copsim compare",
        description="Compare configurations over replicates (paired by seed) against a "
        "baseline. Give a collected sweep folder, or overrides whose comma lists make the "
        "configurations, e.g. scenario=cop_nurtured,cop_unnurtured replicates=40.",
    )
    parser.add_argument("items", nargs="*", help="SWEEP_DIR, or Hydra overrides")
    parser.add_argument("--baseline", help="baseline configuration (default: the first)")
    parser.add_argument("--outputs", help="comma-separated summary outputs to compare")
    parser.add_argument("--out", help="output folder (default: results/compare/<time>)")
    parser.add_argument("--workers", type=int, help="processes (default: every core)")
    opts = parser.parse_args(args)
    items = [i for i in opts.items if not i.startswith("replicates=")]
    replicates = 20
    for item in set(opts.items) - set(items):
        replicates = REPLICATES.check(yaml.safe_load(item.partition("=")[2]))
    if items and Path(items[0]).is_dir():
        runs = load_sweep(items[0])
    else:
        runs = run_configurations(items, replicates=replicates, workers=opts.workers)
    outputs = opts.outputs.split(",") if opts.outputs else DEFAULT_OUTPUTS
    unknown = [o for o in outputs if o not in runs.outputs]
    if unknown:
        raise UsageError(f"unknown output {unknown[0]!r} (allowed: {', '.join(runs.outputs)})")
    report = write_comparison(runs, _out_folder("compare", opts.out), opts.baseline, outputs)
    print(f"copsim: comparison written to {report}")


def sensitivity_command(args: list[str]) -> None:
    """``copsim sensitivity``: Morris screening or Sobol indices through SALib."""
    from copsim.analysis.sensitivity import DEFAULT_FACTORS, analyse, factors_from, plot
    from copsim.files import atomic_write
    from copsim.runs.plotting import save

    parser = argparse.ArgumentParser(
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
        default=10,
        help="Morris trajectories, or Sobol base samples (a power of 2)",
    )
    parser.add_argument("--replicates", type=int, default=4, help="seeds per sample")
    parser.add_argument("--workers", type=int, help="processes (default: every core)")
    parser.add_argument("--out", help="output folder (default: results/sensitivity/<time>)")
    opts = parser.parse_args(args)
    names = opts.params.split(",") if opts.params else list(DEFAULT_FACTORS)
    factors = factors_from(names, opts.range)
    result = analyse(
        factors,
        opts.output,
        opts.method,
        opts.samples,
        opts.replicates,
        opts.overrides,
        opts.workers,
    )
    folder = _out_folder("sensitivity", opts.out)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / "indices.csv", lambda p: result.indices.to_csv(p, index=False))
    atomic_write(folder / "samples.csv", lambda p: result.samples.to_csv(p, index=False))
    fig = plot(result)
    atomic_write(folder / "indices.png", lambda p: save(fig, str(p)))
    print(result.indices.to_string(index=False))
    print(f"copsim: sensitivity written to {folder}")


def experiment_command(args: list[str]) -> None:
    """``copsim experiment``: run the programme's lessons as experiments."""
    from copsim.analysis.experiment import available, run_experiment

    names = available()
    parser = argparse.ArgumentParser(
        prog="copsim experiment",
        description="Run experiments from experiments/*.yaml; each writes its tables and "
        "figures under results/experiments/<name>/ and checks the pattern it predicts.",
    )
    parser.add_argument("names", nargs="*", help=f"'all' or any of: {', '.join(names)}")
    parser.add_argument("--replicates", type=int, help="override the file's replicates")
    parser.add_argument("--workers", type=int, help="processes (default: every core)")
    parser.add_argument("--out", help="parent folder (default: results/experiments)")
    parser.add_argument("--list", action="store_true", help="list the experiments")
    opts = parser.parse_args(args)
    if opts.list or not opts.names:
        print("\n".join(names))
        return
    chosen = names if opts.names == ["all"] else opts.names
    for name in chosen:
        if name not in names:
            raise UsageError(f"unknown experiment {name!r} (allowed: all, {', '.join(names)})")
    if opts.replicates is not None and opts.replicates < 2:
        raise UsageError(f"invalid value for --replicates: {opts.replicates} (allowed: 2 or more)")
    for name in chosen:
        folder = Path(opts.out) / name if opts.out else None
        _, checks, folder = run_experiment(name, folder, opts.replicates, opts.workers)
        print(f"copsim: {name} written to {folder}")
        for row in checks.itertuples(index=False):
            verdict = "holds" if row.holds else "DOES NOT HOLD"
            print(
                f"  {verdict}: {row.config}: {row.output} - {row.against} "
                f"{row.sign} ({row.mean:.4g}, 95% interval {row.low:.4g} to {row.high:.4g})"
            )


def calibrate_command(args: list[str]) -> None:
    """``copsim calibrate``: fit the no-CoP site to reference figures with Optuna."""
    from copsim.analysis.calibration import trial
    from copsim.config import check_overrides, run_hydra

    overrides = [a for a in args if not a.startswith("-") and "=" in a]
    check_overrides([o for o in overrides if not o.startswith("hydra")], multirun=True)
    run_hydra("calibration", trial, args)
