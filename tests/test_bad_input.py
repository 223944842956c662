"""Bad input, one table: one line naming what is wrong and what is allowed, exit 2, nothing
written, through the real CLI (a subprocess per case) and through the Python API.

Every case is data: a command line (or an API call) and a piece of text its one line must
contain. Each runs in a folder holding the user files of :func:`_user_files` (own presets,
own configs and experiments, a plain file, an empty folder), and afterwards that folder
must hold exactly what it held before. A handful of CLI cases run in the fast tier; the
rest are marked slow (each is a Python process start, about 1-2 s here).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from copsim.errors import CopsimError
from tests.conftest import run_cli, run_cli_forked

RO = "/proc/copsim-read-only"  # not writable, even for root (permission bits are not)

FAST = {"misspelt key", "weeks=52.5", "interp event label", "stray positional", "~weeks"}


@dataclass(frozen=True)
class Bad:
    """One bad command line and text its one-line error must contain."""

    name: str
    args: tuple[str, ...]
    expect: str


def B(name: str, *args: str, expect: str) -> Bad:  # noqa: N802 - reads as a table row
    return Bad(name, args, expect)


def ev(body: str) -> str:
    return f"events=[{body}]"


CLI: list[Bad] = [
    # --- keys -----------------------------------------------------------------------------
    B("misspelt key", "run", "brokerage.hours_per_wek=3", expect="brokerage.hours_per_week"),
    B("unknown key", "run", "foo=1", expect="unknown key 'foo'"),
    B("unknown group key", "run", "site.foo=1", expect="unknown key 'site.foo'"),
    B("group as value", "run", "brokerage=3", expect="unknown key 'brokerage'"),
    B("unknown hydra key", "run", "hydra.foo=1", expect="hydra.foo"),
    B("unknown launcher", "run", "-m", "hydra/launcher=nope", "seed=1,2", expect="nope"),
    B("~weeks", "run", "~weeks", expect="cannot be added or deleted"),
    B("~site", "run", "~site", expect="cannot be added or deleted"),
    B("~trust.gain", "run", "~trust.gain", expect="cannot be added or deleted"),
    B("+weeks", "run", "+weeks=3", expect="cannot be added or deleted"),
    B("++weeks", "run", "++weeks=3", expect="cannot be added or deleted"),
    B("+extra", "run", "+extra=1", expect="cannot be added"),
    # --- whole numbers (weeks, seed, counts) ----------------------------------------------
    B("weeks=abc", "run", "weeks=abc", expect="whole number from 1 to 1040"),
    B("weeks=52.5", "run", "weeks=52.5", expect="whole number from 1 to 1040"),
    B("weeks=true", "run", "weeks=true", expect="whole number"),
    B("weeks=0", "run", "weeks=0", expect="from 1 to 1040"),
    B("weeks=-5", "run", "weeks=-5", expect="from 1 to 1040"),
    B("weeks=1041", "run", "weeks=1041", expect="from 1 to 1040"),
    B("weeks=1e9", "run", "weeks=1e9", expect="from 1 to 1040"),
    B("weeks=nan", "run", "weeks=nan", expect="from 1 to 1040"),
    B("weeks=inf", "run", "weeks=inf", expect="from 1 to 1040"),
    B("weeks=list", "run", "weeks=[1,2]", expect="whole number"),
    B("weeks=dict", "run", "weeks={a:1}", expect="whole number"),
    B("weeks=null", "run", "weeks=null", expect="whole number"),
    B("weeks=empty", "run", "weeks=", expect="whole number"),
    B("seed=-1", "run", "seed=-1", expect="from 0 to 2147483647"),
    B("seed=2**31", "run", "seed=2147483648", expect="from 0 to 2147483647"),
    B("seed=2.7", "run", "seed=2.7", expect="seed"),
    B("seed=abc", "run", "seed=abc", expect="seed"),
    B("people=-1", "run", "site.people=-1", expect="site.people"),
    B("people=50001", "run", "site.people=50001", expect="from 0 to 50000"),
    B("people=30.5", "run", "site.people=30.5", expect="whole number"),
    B("agencies=0", "run", "site.agencies_per_type=0", expect="from 1 to 20"),
    B("practitioners=201", "run", "site.practitioners_per_agency=201", expect="from 1 to 200"),
    B("episode_weeks=0", "run", "casework.episode_weeks=0", expect="from 1 to 156"),
    B("min_attendees=1", "run", "cop.min_attendees=1", expect="from 2 to 500"),
    B("min_attendees=2.5", "run", "cop.min_attendees=2.5", expect="whole number"),
    B("setup_weeks=-1", "run", "brokerage.setup_weeks=-1", expect="from 0 to 104"),
    B("review_weeks=abc", "run", "commissioner.review_weeks=abc", expect="whole number"),
    B("forget_weeks=1e9", "run", "trust.forget_weeks=1e9", expect="from 1 to 1040"),
    # --- numbers --------------------------------------------------------------------------
    B("gain=nan", "run", "trust.gain=nan", expect="a number from 0 to 1"),
    B("gain=inf", "run", "trust.gain=inf", expect="a number from 0 to 1"),
    B("gain=-inf", "run", "trust.gain=-inf", expect="a number from 0 to 1"),
    B("gain=1.5", "run", "trust.gain=1.5", expect="a number from 0 to 1"),
    B("gain=-0.1", "run", "trust.gain=-0.1", expect="a number from 0 to 1"),
    B("gain=true", "run", "trust.gain=true", expect="a number from 0 to 1"),
    B("gain=abc", "run", "trust.gain=abc", expect="a number from 0 to 1"),
    B("gain=list", "run", "trust.gain=[0.1]", expect="a number from 0 to 1"),
    B("gain=null", "run", "trust.gain=null", expect="a number from 0 to 1"),
    B("hours=41", "run", "brokerage.hours_per_week=41", expect="from 0 to 40"),
    B("hours=-1", "run", "brokerage.hours_per_week=-1", expect="from 0 to 40"),
    B("budget=0.1", "run", "funding.agency_budget=0.1", expect="from 0.2 to 2"),
    B("history=2", "run", "site.joint_working_history=2", expect="from 0 to 1"),
    B("initial_level=0.1", "run", "needs.initial_level=0.1", expect="from 0.35 to 1"),
    B("protected=high", "run", "nurture.protected_time=high", expect="a number from 0 to 1"),
    B("cost=1e9", "run", "crises.ed_attendance_cost=1e9", expect="from 0 to 10000"),
    B("ratio=0.5", "run", "workforce.burnout_leave_ratio=0.5", expect="from 1 to 10"),
    # --- config groups --------------------------------------------------------------------
    B("site=nowhere", "run", "site=nowhere", expect="poor_history"),
    B("scenario=nope", "run", "scenario=nope", expect="cop_nurtured"),
    B("site=list", "run", "site=[typical]", expect="site"),
    B("scenario=empty", "run", "scenario=", expect="scenario"),
    B("site sweep without -m", "run", "site=typical,poor_history", expect="-m"),
    # --- interpolation --------------------------------------------------------------------
    B("interp unset env", "run", "weeks=${oc.env:UNSET_COPSIM}", expect="interpolation"),
    B("interp PATH", "run", "trust.gain=${oc.env:PATH}", expect="interpolation"),
    B("interp key ref", "run", "weeks=${seed}", expect="interpolation"),
    B("interp decode", "run", "trust.gain=${oc.decode:'0.2'}", expect="interpolation"),
    B("interp now", "run", "seed=${now:%S}", expect="interpolation"),
    B("interp site", "run", "site=${oc.env:HOME}", expect="interpolation"),
    B(
        "interp event label",
        "run",
        ev("{week:5,set:{trust.gain:0.1},label:'${oc.env:PATH}'}"),
        expect="interpolation",
    ),
    B("interp event value", "run", ev("{week:5,set:{trust.gain:'${x}'}}"), expect="interpolation"),
    B("interp event week", "run", ev("{week:'${weeks}',set:{trust.gain:0.1}}"), expect="interp"),
    # --- sweeps without -m, and bad sweeps ------------------------------------------------
    B("seed sweep without -m", "run", "seed=1,2", expect="-m"),
    B("range without -m", "run", "weeks=range(1,3)", expect="-m"),
    B("choice without -m", "run", "trust.gain=choice(0.1,0.2)", expect="-m"),
    B("interval without -m", "run", "trust.gain=interval(0,1)", expect="-m"),
    B("sweep wrong type", "run", "-m", "weeks=abc,def", expect="weeks"),
    B("sweep one wrong type", "run", "-m", "weeks=10,abc", expect="weeks"),
    B("sweep all out of range", "run", "-m", "trust.gain=2,3", expect="trust.gain"),
    B("sweep bad site", "run", "-m", "site=nowhere,typical", expect="poor_history"),
    B("replicates=0", "run", "-m", "replicates=0", expect="replicates"),
    B("replicates=abc", "run", "-m", "replicates=abc", expect="replicates"),
    B("replicates=1.5", "run", "-m", "replicates=1.5", expect="replicates"),
    B("replicates without -m", "run", "replicates=3", expect="-m"),
    B("sweep into read-only", "run", "-m", f"hydra.sweep.dir={RO}/s", "seed=1,2", expect="cannot"),
    B("sweep into a file", "run", "-m", "hydra.sweep.dir=afile/s", "seed=1,2", expect="a file"),
    # --- events ---------------------------------------------------------------------------
    B("events=5", "run", "events=5", expect="events"),
    B("events=abc", "run", "events=abc", expect="a list of"),
    B("events=dict", "run", "events={week:5}", expect="a list of"),
    B("event not mapping", "run", ev("5"), expect="events[0]"),
    B("event week 0", "run", ev("{week:0,set:{trust.gain:0.1}}"), expect="events[0].week"),
    B("event week -1", "run", ev("{week:-1,set:{trust.gain:0.1}}"), expect="events[0].week"),
    B("event week abc", "run", ev("{week:abc,set:{trust.gain:0.1}}"), expect="events[0].week"),
    B("event week 1.5", "run", ev("{week:1.5,set:{trust.gain:0.1}}"), expect="events[0].week"),
    B("event week true", "run", ev("{week:true,set:{trust.gain:0.1}}"), expect="events[0].week"),
    B("event week beyond", "run", ev("{week:2000,set:{trust.gain:0.1}}"), expect="1 to 156"),
    B(
        "event after short run",
        "run",
        "weeks=10",
        ev("{week:20,set:{trust.gain:0.1}}"),
        expect="from 1 to 10",
    ),
    B("event no week", "run", ev("{set:{trust.gain:0.1}}"), expect="events[0].week"),
    B("event no set", "run", ev("{week:5}"), expect="events[0].set"),
    B("event empty set", "run", ev("{week:5,set:{}}"), expect="events[0].set"),
    B("event set number", "run", ev("{week:5,set:5}"), expect="events[0].set"),
    B("event set list", "run", ev("{week:5,set:[1]}"), expect="events[0].set"),
    B("event bad value", "run", ev("{week:5,set:{funding.agency_budget:9}}"), expect="0.2 to 2"),
    B("event nan value", "run", ev("{week:5,set:{trust.gain:nan}}"), expect="set.trust.gain"),
    B("event fixed key", "run", ev("{week:5,set:{site.people:10}}"), expect="fixed at the start"),
    B("event sets seed", "run", ev("{week:5,set:{seed:3}}"), expect="fixed at the start"),
    B("event sets weeks", "run", ev("{week:5,set:{weeks:3}}"), expect="fixed at the start"),
    B("event misspelt key", "run", ev("{week:5,set:{trust.gian:0.1}}"), expect="trust.gain"),
    B("event unknown key", "run", ev("{week:5,set:{foo:1}}"), expect="unknown key 'foo'"),
    B("event extra key", "run", ev("{week:5,sett:{trust.gain:0.1}}"), expect="events[0].sett"),
    B("second event bad", "run", ev("{week:5,set:{trust.gain:0.1}},{week:0}"), expect="events[1]"),
    # --- the command line -----------------------------------------------------------------
    B("stray positional", "run", "foo", expect="unexpected argument 'foo'"),
    B("stray number", "run", "3", expect="unexpected argument '3'"),
    B("stray after override", "run", "weeks=5", "bar", expect="unexpected argument 'bar'"),
    B("unknown flag", "run", "--bogus", expect="--bogus"),
    B("bad --cfg", "run", "--cfg", "bogus", expect="--cfg"),
    B("--config-path", "run", "--config-path", "x", expect="--config-dir"),
    B("override syntax", "run", "weeks=[1,", expect="syntax"),
    B("unknown command", "rnu", expect="unknown command 'rnu'"),
    B("unknown top flag", "--bogus", expect="unknown command '--bogus'"),
    # --- own config files -----------------------------------------------------------------
    B("missing --config-name", "run", "--config-name", "nope", expect="nope"),
    B("missing --config-dir", "run", "--config-dir", "nodir", "site=x", expect="nodir"),
    B("own preset, unknown key", "run", "--config-dir", "mydir", "site=badkey", expect="foo"),
    B("own preset, bad value", "run", "--config-dir", "mydir", "site=badval", expect="site.people"),
    B("own preset, interp", "run", "--config-dir", "mydir", "site=interp", expect="interpolation"),
    B("own preset, bad YAML", "run", "--config-dir", "mydir", "site=broken", expect="broken"),
    B("own preset, not there", "run", "--config-dir", "mydir", "site=nowhere", expect="mysite"),
    B("own scenario, bad", "run", "--config-dir", "mydir", "scenario=badscen", expect="trust.gain"),
    B(
        "own config, unknown key",
        "run",
        "--config-dir",
        "mydir",
        "--config-name",
        "ownkey",
        expect="bogus",
    ),
    B(
        "own config, bad value",
        "run",
        "--config-dir",
        "mydir",
        "--config-name",
        "ownval",
        expect="weeks",
    ),
    B(
        "own config, bad event",
        "run",
        "--config-dir",
        "mydir",
        "--config-name",
        "ownevent",
        expect="events[0].week",
    ),
    # --- folders that cannot be written ---------------------------------------------------
    B("run into read-only", "run", f"hydra.run.dir={RO}/r", expect="cannot write"),
    B("run into a file", "run", "hydra.run.dir=afile/r", expect="a file"),
    # --- collect --------------------------------------------------------------------------
    B("collect, no folder", "collect", expect="required: folder"),
    B("collect missing", "collect", "/typo/path", expect="no copsim sweep"),
    B("collect a file", "collect", "afile", expect="no copsim sweep"),
    B("collect empty", "collect", "empty", expect="no copsim sweep"),
    B("collect two", "collect", "empty", "afile", expect="unrecognized arguments"),
    B("collect flag", "collect", "--bogus", expect="copsim collect"),
    # --- compare --------------------------------------------------------------------------
    B("compare typo path", "compare", "/typo/path", expect="no sweep folder '/typo/path'"),
    B("compare empty folder", "compare", "empty", expect="no finished runs"),
    B("compare word", "compare", "foo", expect="no sweep folder 'foo'"),
    B("compare replicates=1", "compare", "scenario=cop,no_cop", "replicates=1", expect="from 2"),
    B("compare replicates=0", "compare", "scenario=cop,no_cop", "replicates=0", expect="repl"),
    B("compare replicates=abc", "compare", "scenario=cop,no_cop", "replicates=abc", expect="rep"),
    B("compare replicates=[", "compare", "scenario=cop", "replicates=[", expect="replicates"),
    B("compare bad baseline", "compare", "scenario=cop,no_cop", "--baseline", "nope", expect="0 c"),
    B("compare bad output", "compare", "scenario=cop,no_cop", "--outputs", "nope", expect="nope"),
    B("compare workers=0", "compare", "scenario=cop,no_cop", "--workers", "0", expect="from 1"),
    B("compare workers=abc", "compare", "scenario=cop", "--workers", "abc", expect="--workers"),
    B("compare bad site", "compare", "site=nowhere,typical", expect="poor_history"),
    B("compare bad value", "compare", "scenario=cop,no_cop", "weeks=abc", expect="weeks"),
    B("compare interp", "compare", "scenario=cop,no_cop", "weeks=${x}", expect="interpolation"),
    B("compare read-only out", "compare", "scenario=cop", "--out", f"{RO}/c", expect="cannot"),
    # --- sensitivity ----------------------------------------------------------------------
    B("sensitivity samples=0", "sensitivity", "--samples", "0", expect="--samples"),
    B("sensitivity samples=-1", "sensitivity", "--samples", "-1", expect="--samples"),
    B("sensitivity samples=abc", "sensitivity", "--samples", "abc", expect="--samples"),
    B("sobol samples=3", "sensitivity", "--method", "sobol", "--samples", "3", expect="power of 2"),
    B("sensitivity replicates=0", "sensitivity", "--replicates", "0", expect="--replicates"),
    B("sensitivity bad method", "sensitivity", "--method", "fast", expect="--method"),
    B("sensitivity bad output", "sensitivity", "--output", "nope", expect="nope"),
    B("sensitivity bad param", "sensitivity", "--params", "nope", expect="nope"),
    B("sensitivity seed", "sensitivity", "--params", "seed", expect="numeric model parameter"),
    B("sensitivity range out", "sensitivity", "--range", "trust.gain=0:5", expect="within 0:1"),
    B("sensitivity range text", "sensitivity", "--range", "trust.gain=abc", expect="LOW:HIGH"),
    B("sensitivity range back", "sensitivity", "--range", "trust.gain=0.5:0.1", expect="within"),
    B(
        "sensitivity range unlisted",
        "sensitivity",
        "--params",
        "trust.gain",
        "--range",
        "trust.loss=0:0.5",
        expect="--params",
    ),
    B("sensitivity workers=0", "sensitivity", "--workers", "0", expect="--workers"),
    B("sensitivity bad override", "sensitivity", "weeks=abc", expect="weeks"),
    B("sensitivity read-only", "sensitivity", "--out", f"{RO}/s", expect="cannot write"),
    # --- experiment -----------------------------------------------------------------------
    B("experiment unknown", "experiment", "nope", expect="unknown experiment 'nope'"),
    B("experiment all+unknown", "experiment", "pattern1_ties_and_trust", "nope", expect="nope"),
    B("experiment replicates=1", "experiment", "all", "--replicates", "1", expect="from 2"),
    B("experiment replicates=0", "experiment", "all", "--replicates", "0", expect="from 2"),
    B("experiment replicates=x", "experiment", "all", "--replicates", "x", expect="--replicates"),
    B("experiment workers=0", "experiment", "all", "--workers", "0", expect="--workers"),
    B("experiment missing file", "experiment", "mine/nope.yaml", expect="no experiment file"),
    B("experiment bad YAML", "experiment", "mine/broken.yaml", expect="valid YAML"),
    B("experiment a list", "experiment", "mine/alist.yaml", expect="a mapping"),
    B("experiment unknown key", "experiment", "mine/unknown.yaml", expect="colour"),
    B("experiment bad override", "experiment", "mine/badoverride.yaml", expect="trust.gain"),
    B("experiment bad baseline", "experiment", "mine/badbaseline.yaml", expect="baseline"),
    B("experiment bad sign", "experiment", "mine/badsign.yaml", expect="+ or -"),
    B("experiment bad replicates", "experiment", "mine/badreps.yaml", expect="replicates"),
    B("experiment no configs", "experiment", "mine/empty.yaml", expect="at least one"),
    B("experiment interp", "experiment", "mine/interp.yaml", expect="interpolation"),
    B("experiment read-only", "experiment", "mine/ok.yaml", "--out", RO, expect="cannot write"),
    # --- calibrate ------------------------------------------------------------------------
    B("calibrate trials=0", "calibrate", "trials=0", expect="trials: '0'"),
    B("calibrate trials=-1", "calibrate", "trials=-1", expect="from 1 up"),
    B("calibrate trials=abc", "calibrate", "trials=abc", expect="trials: 'abc'"),
    B("calibrate old n_trials", "calibrate", "hydra.sweeper.n_trials=2", expect="trials=N"),
    B("calibrate searched", "calibrate", "workforce.hiring_lag_weeks=3", expect="itself"),
    B("calibrate scenario", "calibrate", "scenario=cop", expect="no_cop itself"),
    B("calibrate sweeper", "calibrate", "hydra/sweeper=basic", expect="itself"),
    B("calibrate replicates=0", "calibrate", "replicates=0", expect="replicates"),
    B("calibrate bad value", "calibrate", "weeks=abc", expect="weeks"),
    B("calibrate unknown key", "calibrate", "foo=1", expect="unknown key 'foo'"),
    B("calibrate stray", "calibrate", "foo", expect="unexpected argument 'foo'"),
    B("hm waves=0", "calibrate", "waves=0", "points=8", expect="waves: '0'"),
    B("hm waves=abc", "calibrate", "waves=abc", "points=8", expect="from 1 up"),
    B("hm points=2", "calibrate", "waves=1", "points=2", expect="from 4 up"),
    B("hm no points", "calibrate", "waves=1", expect="missing points=N"),
    B("hm replicates=0", "calibrate", "waves=1", "points=8", "replicates=0", expect="replicates"),
    B("hm scenario", "calibrate", "waves=1", "points=8", "scenario=cop", expect="no_cop itself"),
    B("hm bad override", "calibrate", "waves=1", "points=8", "trust.gain=5", expect="trust.gain"),
    B("hm sweep value", "calibrate", "waves=1", "points=8", "weeks=5,6", expect="a single value"),
    B("hm stray", "calibrate", "waves=1", "points=8", "foo", expect="unexpected argument 'foo'"),
    B("hm launcher", "calibrate", "waves=1", "points=8", "hydra/launcher=nope", expect="nope"),
    B("hm sweeper", "calibrate", "waves=1", "points=8", "hydra/sweeper=basic", expect="itself"),
    B("hm into user files", "calibrate", "waves=1", "points=8", "--out", "mine", expect="did not"),
    # --- demo and docs --------------------------------------------------------------------
    B("demo bad host", "demo", "--host", "bad", "--no-open", expect="--host"),
    B("demo port 70000", "demo", "--port", "70000", "--no-open", expect="0 to 65535"),
    B("demo port -1", "demo", "--port", "-1", "--no-open", expect="0 to 65535"),
    B("demo port abc", "demo", "--port", "abc", "--no-open", expect="--port"),
    B("demo stray", "demo", "foo", expect="unrecognized arguments"),
    B("docs outside repo", "docs", expect="not a copsim checkout"),
    B("docs bad flag", "docs", "--bogus", expect="--bogus"),
    B("docs read-only", "docs", "--out", RO, expect="cannot write"),
    # --- credible dynamics (issue 10): every new parameter --------------------------------
    B("burn_in_weeks<0", "run", "burn_in_weeks=-1", expect="burn_in_weeks"),
    B("burn_in_weeks=1.5", "run", "burn_in_weeks=1.5", expect="whole number"),
    B("size spread", "run", "site.agency_size_spread=1", expect="from 0 to 0.9"),
    B("manager support", "run", "site.manager_support=2", expect="site.manager_support"),
    B(
        "manager spread",
        "run",
        "site.manager_support_spread=-0.1",
        expect="site.manager_support_spread",
    ),
    B("proneness", "run", "needs.crisis_proneness_cv=x", expect="needs.crisis_proneness_cv"),
    B("moved on", "run", "cohort.moved_on_rate=-1", expect="cohort.moved_on_rate"),
    B("discharge", "run", "cohort.discharge_rate=11", expect="cohort.discharge_rate"),
    B("prison", "run", "cohort.prison_rate=-0.5", expect="cohort.prison_rate"),
    B("death", "run", "cohort.death_rate=0.6", expect="cohort.death_rate"),
    B("buffering", "run", "cop.stress_buffering=6", expect="cop.stress_buffering"),
    B("cop embeddedness", "run", "cop.embeddedness=1", expect="cop.embeddedness"),
    B("resilience", "run", "workforce.resilience_spread=2", expect="workforce.resilience_spread"),
    B("sectors", "run", "workforce.sector_differences=1.5", expect="workforce.sector_differences"),
    B(
        "tie embeddedness",
        "run",
        "workforce.embeddedness_ties=-1",
        expect="workforce.embeddedness_ties",
    ),
    B(
        "perception",
        "run",
        "commissioner.perception_noise=4",
        expect="commissioner.perception_noise",
    ),
    B("psa sweep value", "psa", "draws=2", "trust.gain=0.1,0.2", expect="a PSA draws"),
    B("sensitivity sweep value", "sensitivity", "seed=1,2", expect="sensitivity varies"),
    B(
        "launcher setting of another launcher",
        "run",
        "-m",
        "seed=1,2",
        "hydra.launcher.n_jobs=2",
        expect="unknown key 'hydra.launcher.n_jobs'",
    ),
    # --- issue 23: folders copsim may write into ---------------------------------------------
    B("run dir empty", "run", "hydra.run.dir=", expect="hydra.run.dir is empty"),
    B("sweep dir empty", "run", "-m", "seed=1,2", "hydra.sweep.dir=", expect="sweep.dir is empty"),
    B("run into cwd", "run", "hydra.run.dir=.", expect="files copsim did not write"),
    B("run into own presets", "run", "hydra.run.dir=mydir", expect="files copsim did not write"),
    B("run into a run folder", "run", "hydra.run.dir=oldrun", expect="holds a copsim run"),
    B("sweep into cwd", "run", "-m", "seed=1,2", "hydra.sweep.dir=.", expect="did not write"),
    B("sweep into a run", "run", "-m", "seed=1,2", "hydra.sweep.dir=oldrun", expect="copsim run"),
    B("psa into user files", "psa", "draws=2", "--out", "mine", expect="did not write"),
    B("psa into a run folder", "psa", "draws=2", "--out", "oldrun", expect="holds a copsim run"),
    B("psa out empty", "psa", "draws=2", "--out", "", expect="--out is empty"),
    B("compare into cwd", "compare", "scenario=cop,no_cop", "--out", ".", expect="did not write"),
    B("sensitivity into user files", "sensitivity", "--out", "mydir", expect="did not write"),
    B("experiment into user files", "experiment", "mine/ok.yaml", "--out", "myexp", expect="did"),
    # --- issue 23: unbounded input, ambiguous input, API wrong types ----------------------
    B("site.file a pipe", "run", "site.file=pipe.yaml", expect="a named pipe"),
    B("site.file /dev/zero", "run", "site.file=/dev/zero", expect="a device"),
    B("site.file a folder", "run", "site.file=empty", expect="a folder"),
    B("site.file 2 MB", "run", "site.file=huge.yaml", expect="at most 1 MB"),
    B("site.file 300 kB text", "run", "site.file=long.txt", expect="file: text (allowed"),
    B("site.file passwd", "run", "site.file=/etc/passwd", expect="file: text (allowed"),
    B("site.file CSV a pipe", "run", "site.file=topipe.yaml", expect="a named pipe"),
    B("sweep site.file pipe", "run", "-m", "site.file=area.yaml,pipe.yaml", expect="named pipe"),
    B("area key twice", "run", "site.file=dupkey.yaml", expect="key 'people' given twice"),
    B("area names twice", "run", "site.file=dupname.yaml", expect="agencies[1].name"),
    B("area blank name", "run", "site.file=blank.yaml", expect="not blank"),
    B("area CSV names twice", "run", "site.file=dupname.csv", expect="row 3 column name"),
    B("area CSV column twice", "run", "site.file=dupcol.csv", expect="each column once"),
    B("run key twice", "run", "weeks=5", "weeks=6", expect="each key once"),
    B("run same override twice", "run", "weeks=5", "weeks=5", expect="each key once"),
    B("run hydra key twice", "run", "hydra.run.dir=a", "hydra.run.dir=b", expect="each key"),
    B("run group twice", "run", "site=typical", "site=poor_history", expect="each key once"),
    B("sweep key twice", "run", "-m", "seed=1,2", "seed=3", expect="each key once"),
    B(
        "sweep launcher twice",
        "run",
        "-m",
        "hydra/launcher=basic",
        "hydra/launcher=joblib",
        expect="each key once",
    ),
    B("psa draws twice", "psa", "draws=4", "draws=5", expect="each key once"),
    B("psa replicates twice", "psa", "draws=4", "replicates=2", "replicates=3", expect="each key"),
    B("psa key twice", "psa", "draws=4", "weeks=5", "weeks=6", expect="each key once"),
    B("compare cop,cop", "compare", "scenario=cop,cop", "replicates=2", expect="listed twice"),
    B("compare 5,5.0", "compare", "weeks=5,5.0", "replicates=2", expect="listed twice"),
    B(
        "compare replicates twice",
        "compare",
        "scenario=cop,no_cop",
        "replicates=2",
        "replicates=3",
        expect="each key once",
    ),
    B(
        "compare key twice",
        "compare",
        "scenario=cop,no_cop",
        "weeks=5",
        "weeks=6",
        expect="each key once",
    ),
    B("sensitivity key twice", "sensitivity", "weeks=5", "weeks=6", expect="each key once"),
    B("calibrate key twice", "calibrate", "weeks=5", "weeks=6", expect="each key once"),
    B(
        "event label list",
        "run",
        ev("{week:5,set:{trust.gain:0.1},label:[a,b]}"),
        expect="events[0].label",
    ),
    B("event label number", "run", ev("{week:5,set:{trust.gain:0.1},label:5}"), expect="text"),
    B(
        "events one key one week",
        "run",
        ev("{week:5,set:{trust.gain:0.1}},{week:5,set:{trust.gain:0.2}}"),
        expect="events[0] sets it too",
    ),
    B("event sets events", "run", ev("{week:5,set:{events:[]}}"), expect="a model parameter"),
    B("event sets replicates", "run", ev("{week:5,set:{replicates:2}}"), expect="a model para"),
    B(
        "event key dotted and nested",
        "run",
        ev("{week:5,set:{trust.gain:0.1,trust:{gain:0.2}}}"),
        expect="events[0].set.trust.gain",
    ),
    B("experiment key twice", "experiment", "mine/dupkey.yaml", expect="given twice"),
    B("experiment a pipe", "experiment", "mine/pipe.yaml", expect="a named pipe"),
    B("experiment 2 MB", "experiment", "mine/huge.yaml", expect="at most 1 MB"),
    B("experiment fixed twice", "experiment", "mine/fixedtwice.yaml", expect="each key once"),
    B("experiment grid twice", "experiment", "mine/gridtwice.yaml", expect="listed twice"),
    B("experiment replicates=", "experiment", "mine/repsover.yaml", expect="replicates"),
    B("experiment config a text", "experiment", "mine/cfgtext.yaml", expect="configurations.a"),
    B("experiment grid label clash", "experiment", "mine/clash.yaml", expect="labels other"),
    B("run 100 kB value", "run", "trust.gain=" + "x" * 100_000, expect="trust.gain"),
    B("run 100 kB key", "run", "k" * 100_000 + "=1", expect="unknown key"),
    B(
        "compare 100 kB value",
        "compare",
        "scenario=cop,no_cop",
        "trust.gain=" + "x" * 100_000,
        expect="trust.gain",
    ),
    # --- issue 23: commands checked whole before any job; defaults; smaller CLI items ------
    B("psa bad override", "psa", "draws=4", "trust.gain=5", expect="trust.gain: 5"),
    B("psa weeks=0", "psa", "draws=4", "weeks=0", expect="weeks: 0"),
    B("psa missing site.file", "psa", "draws=4", "site.file=nope.yaml", expect="site.file"),
    B("psa site.file a folder", "psa", "draws=4", "site.file=empty", expect="site.file"),
    B(
        "psa event past the end",
        "psa",
        "draws=4",
        "weeks=10",
        ev("{week:20,set:{funding.agency_budget:0.8}}"),
        expect="from 1 to 10",
    ),
    B("psa event bad key", "psa", "draws=4", ev("{week:5,set:{trust.gian:0.1}}"), expect="gain"),
    B("psa bad site preset", "psa", "draws=4", "site=nowhere", expect="poor_history"),
    B("psa interp", "psa", "draws=4", "weeks=${oc.env:HOME}", expect="interpolation"),
    B("psa seed=-1", "psa", "draws=4", "--seed", "-1", expect="--seed"),
    B("psa model seed=-1", "psa", "draws=4", "seed=-1", expect="from 0 to 2147483647"),
    B("psa replicates=0", "psa", "draws=4", "replicates=0", expect="replicates"),
    B("psa stray", "psa", "draws=4", "foo", expect="unexpected argument 'foo'"),
    B("psa seed=abc", "psa", "draws=4", "--seed", "abc", expect="from 0 up"),
    B("psa launcher", "psa", "draws=4", "hydra/launcher=nope", expect="joblib, submitit"),
    B("psa sweeper", "psa", "draws=4", "hydra/sweeper=basic", expect="sets hydra/sweeper"),
    B("psa sweep dir", "psa", "draws=4", "hydra.sweep.dir=x", expect="--out FOLDER"),
    B("psa sweeper setting", "psa", "draws=4", "hydra.sweeper.points=x", expect="itself"),
    B("run -m sweeper", "run", "-m", "hydra/sweeper=nope", "seed=1,2", expect="copsim_points"),
    B("compare launcher", "compare", "scenario=cop,no_cop", "hydra/launcher=nope", expect="no eff"),
    B("compare hydra key", "compare", "scenario=cop", "hydra.job.chdir=true", expect="no effect"),
    B("compare site.file", "compare", "scenario=cop,no_cop", "site.file=nope", expect="site.file"),
    B(
        "compare event past the end",
        "compare",
        "scenario=cop,no_cop",
        "weeks=10",
        ev("{week:20,set:{funding.agency_budget:0.8}}"),
        expect="from 1 to 10",
    ),
    B("compare one bad point", "compare", "trust.gain=0.1,5", expect="trust.gain: 5"),
    B("sensitivity launcher", "sensitivity", "hydra/launcher=joblib", expect="no effect"),
    B("sensitivity site.file", "sensitivity", "site.file=nope.yaml", expect="site.file"),
    B("sensitivity weeks=0", "sensitivity", "weeks=0", expect="weeks: 0"),
    B("sensitivity params empty", "sensitivity", "--params", "", expect="--params: ''"),
    B("sensitivity params blank", "sensitivity", "--params", "trust.gain,", expect="--params"),
    B(
        "sensitivity params twice",
        "sensitivity",
        "--params",
        "trust.gain,trust.decay,trust.gain",
        expect="trust.gain is given twice",
    ),
    B(
        "effects params twice",
        "sensitivity",
        "--effects",
        "--params",
        "trust.gain,trust.gain",
        expect="trust.gain is given twice",
    ),
    B(
        "sensitivity range twice",
        "sensitivity",
        "--params",
        "trust.gain",
        "--range",
        "trust.gain=0:0.5",
        "--range",
        "trust.gain=0.1:0.2",
        expect="--range",
    ),
    B("sensitivity range empty", "sensitivity", "--range", "trust.gain=0.2:0.2", expect="below"),
    B(
        "sensitivity varied and fixed",
        "sensitivity",
        "--params",
        "trust.gain",
        "trust.gain=0.3",
        expect="drop trust.gain=0.3",
    ),
    B("docs check a file", "docs", "--check", "--out", "afile", expect="'afile' is not a folder"),
    B("docs check no folder", "docs", "--check", "--out", "nodir", expect="is not a folder"),
    B("demo foreign host", "demo", "--host", "8.8.8.8", "--no-open", expect="not an address"),
    B(
        "compare option first",
        "compare",
        "--workers",
        "1",
        "scenario=cop",
        "replicates=1",
        expect="2",
    ),
    B("sensitivity option first", "sensitivity", "--workers", "1", "weeks=0", expect="weeks: 0"),
    B("experiment all and a name", "experiment", "all", "nope", expect="comes alone"),
]

EXPERIMENT_OK = "configurations: {a: [scenario=cop], b: [scenario=no_cop]}\nreplicates: 2\n"


def _user_files(root: Path) -> None:
    """What a user might have in their folder: own presets, configs and experiments."""
    files = {
        "afile": "not a folder\n",
        "mydir/site/mysite.yaml": "# @package site\njoint_working_history: 0.3\n",
        "mydir/site/badkey.yaml": "# @package site\nfoo: 1\n",
        "mydir/site/badval.yaml": "# @package site\npeople: -5\n",
        "mydir/site/interp.yaml": "# @package site\npeople: ${oc.env:UNSET_COPSIM}\n",
        "mydir/site/broken.yaml": "# @package site\npeople: [1,\n",
        "mydir/scenario/badscen.yaml": "# @package _global_\ntrust:\n  gain: 7\n",
        "mydir/ownkey.yaml": "defaults:\n  - copsim_schema\n  - _self_\nbogus: 1\n",
        "mydir/ownval.yaml": "defaults:\n  - copsim_schema\n  - _self_\nweeks: abc\n",
        "mydir/ownevent.yaml": (
            "defaults:\n  - copsim_schema\n  - _self_\n"
            "events:\n  - {week: 0, set: {trust.gain: 0.1}}\n"
        ),
        "mine/ok.yaml": EXPERIMENT_OK,
        "mine/broken.yaml": "configurations: {a: [scenario=cop]\n",
        "mine/alist.yaml": "- a\n- b\n",
        "mine/unknown.yaml": EXPERIMENT_OK + "colour: red\n",
        "mine/badoverride.yaml": "configurations: {a: [trust.gain=5]}\nreplicates: 2\n",
        "mine/badbaseline.yaml": EXPERIMENT_OK + "baseline: c\n",
        "mine/badsign.yaml": EXPERIMENT_OK + "expect: [{config: b, output: crises, sign: up}]\n",
        "mine/badreps.yaml": "configurations: {a: [scenario=cop]}\nreplicates: 1\n",
        "mine/empty.yaml": "title: nothing\n",
        "mine/interp.yaml": "configurations: {a: ['weeks=${oc.env:HOME}']}\nreplicates: 2\n",
        "oldrun/summary.json": "{}\n",
        "oldrun/provenance.json": "{}\n",
        "myexp/ok/notes.txt": "my notes on the experiment\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "empty").mkdir()
    _input_files(root)


def _input_files(root: Path) -> None:
    """Files of issue 23's cases: pipes, a huge file, keys and names given twice."""
    area = "agencies:\n  - {name: A, type: housing, posts: 3}\n"
    files = {
        "area.yaml": area,
        "long.txt": "a long line of text " * 15_000,  # 300 kB
        "topipe.yaml": "agencies: pipe.csv\n",
        "dupkey.yaml": "people: 400\n" + area + "people: 40\n",
        "dupname.yaml": area + "  - {name: ' a ', type: substance_use, posts: 4}\n",
        "blank.yaml": "agencies:\n  - {name: '  ', type: housing, posts: 3}\n",
        "dupname.csv": "name,type,posts\nA,housing,3\nA,housing,4\n",
        "dupcol.csv": "name,type,posts,name\nA,housing,3,B\n",
        "mine/dupkey.yaml": EXPERIMENT_OK + "replicates: 3\n",
        "mine/fixedtwice.yaml": (
            "fixed: [weeks=5]\nconfigurations: {a: [weeks=6], b: [scenario=cop]}\nreplicates: 2\n"
        ),
        "mine/gridtwice.yaml": "grid: {weeks: [5, 5]}\nreplicates: 2\n",
        "mine/repsover.yaml": "configurations: {a: [replicates=3]}\nreplicates: 2\n",
        "mine/cfgtext.yaml": "configurations: {a: scenario=cop}\nreplicates: 2\n",
        "mine/clash.yaml": (
            "configurations: {weeks=5: [weeks=5]}\ngrid: {weeks: [5, 6]}\nreplicates: 2\n"
        ),
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for name in ("pipe.yaml", "pipe.csv", "mine/pipe.yaml"):
        os.mkfifo(root / name)
    for name in ("huge.yaml", "mine/huge.yaml"):
        with open(root / name, "wb") as handle:
            handle.truncate(2_000_000)  # sparse: 2 MB that take no time to write


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c.name, marks=[] if c.name in FAST else [pytest.mark.slow]) for c in CLI],
)
def test_bad_command_line_gives_one_line_exit_2_and_writes_nothing(tmp_path, case):
    # The fast tier's cases run the real executable; the rest the same entry point in a
    # forked process (see run_cli_forked), so that the whole table costs seconds.
    _user_files(tmp_path)
    before = _tree(tmp_path)
    runner = run_cli if case.name in FAST else run_cli_forked
    proc = runner(*case.args, cwd=tmp_path, env={"COLUMNS": "80"})
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, proc.stderr + proc.stdout
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("copsim: error:"), lines[0]
    assert len(lines[0]) <= 200, lines[0]  # a huge value or a file's content is never shown
    assert case.expect in lines[0], lines[0]
    assert "Traceback" not in proc.stderr + proc.stdout
    assert _tree(tmp_path) == before


def _api():
    from copsim import CopModel, analysis, run
    from copsim.analysis.experiment import Experiment
    from copsim.analysis.sensitivity import analyse, factors_from
    from copsim.config import compose
    from copsim.model.area import load_area
    from copsim.model.events import parse_events
    from copsim.model.schema import validate
    from copsim.runs.runner import run_values

    return {
        "run(seed='abc')": (lambda: run(seed="abc"), "seed"),
        "run(seed=2.7)": (lambda: run(seed=2.7), "seed"),
        "run(seed=-1)": (lambda: run(seed=-1), "from 0 to 2147483647"),
        "run(seed=True)": (lambda: run(seed=True), "seed"),
        "run(seed=2**31)": (lambda: run(seed=2**31), "2147483647"),
        "run(seed=nan)": (lambda: run(seed=math.nan), "seed"),
        "run('weeks=3')": (lambda: run("weeks=3"), "a list of overrides"),
        "run(['weeks=abc'])": (lambda: run(["weeks=abc"]), "weeks"),
        "run(['~weeks'])": (lambda: run(["~weeks"]), "cannot be added or deleted"),
        "run(interp)": (lambda: run(["weeks=${oc.env:UNSET_COPSIM}"]), "interpolation"),
        "run(['foo=1'])": (lambda: run(["foo=1"]), "unknown key"),
        "run(['seed=1,2'])": (lambda: run(["seed=1,2"]), "-m"),
        "compose(['site=x'])": (lambda: compose(["site=x"]), "poor_history"),
        "validate(weeks='x')": (lambda: validate({"weeks": "x"}), "weeks"),
        "validate(gain=nan)": (lambda: validate({"trust.gain": math.nan}), "trust.gain"),
        "validate(gain=inf)": (lambda: validate({"trust.gain": math.inf}), "trust.gain"),
        "validate(np seed 2.5)": (lambda: validate({"seed": np.float64(2.5)}), "seed"),
        "validate(np bool)": (lambda: validate({"trust.gain": np.bool_(True)}), "trust.gain"),
        "validate(unknown)": (lambda: validate({"trust.gian": 0.1}), "trust.gain"),
        "CopModel(weeks=0)": (lambda: CopModel({"weeks": 0}), "weeks"),
        "parse_events(label interp)": (
            lambda: run([ev("{week:5,set:{trust.gain:0.1},label:'${oc.env:PATH}'}")]),
            "interpolation",
        ),
        "parse_events(week 0)": (lambda: parse_events([{"week": 0, "set": {}}], 10), "week"),
        "run_configurations(replicates=0)": (
            lambda: analysis.run_configurations(["scenario=cop"], replicates=0),
            "replicates",
        ),
        "run_configurations(str)": (
            lambda: analysis.run_configurations("scenario=cop", replicates=2),
            "a list",
        ),
        "factors_from(seed)": (lambda: factors_from(["seed"]), "numeric"),
        "factors_from(nope)": (lambda: factors_from(["nope"]), "nope"),
        "analyse(samples=0)": (
            lambda: analyse(factors_from(["trust.gain"]), "turnover_rate", samples=0),
            "--samples",
        ),
        "analyse(replicates=0)": (
            lambda: analyse(factors_from(["trust.gain"]), "turnover_rate", replicates=0),
            "--replicates",
        ),
        "analyse(output)": (lambda: analyse(factors_from(["trust.gain"]), "nope"), "nope"),
        "Experiment.load(nope)": (lambda: Experiment.load("nope"), "experiment"),
        # --- issue 23: unbounded input, ambiguous input, API wrong types ------------------
        "run([3])": (lambda: run([3]), "overrides[0]"),
        "run(None)": (lambda: run(None), "a list of overrides"),
        "run(overrides=5)": (lambda: run(overrides=5), "a list of overrides"),
        "run(['replicates=3'])": (lambda: run(["replicates=3"]), "without -m"),
        "run(key twice)": (lambda: run(["weeks=5", "weeks=6"]), "each key once"),
        "run(seed twice)": (lambda: run(["seed=1"], seed=2), "each key once"),
        "run(site.file=/dev/zero)": (lambda: run(["site.file=/dev/zero"]), "a device"),
        "run(label list)": (
            lambda: run([ev("{week:5,set:{trust.gain:0.1},label:[a,b]}")]),
            "events[0].label",
        ),
        "compose(None)": (lambda: compose(None), "a list of overrides"),
        "CopModel('weeks=3')": (lambda: CopModel("weeks=3"), "params"),
        "CopModel(weeks=[1])": (lambda: CopModel({"weeks": [1]}), "weeks"),
        "CopModel({3: 1})": (lambda: CopModel({3: 1}), "parameter name"),
        "CopModel(agents='yes')": (lambda: CopModel(agents="yes"), "agents"),
        "CopModel(columns=5)": (lambda: CopModel(columns=5), "columns"),
        "CopModel(columns=['nope'])": (lambda: CopModel(columns=["nope"]), "'nope'"),
        "CopModel(rng='x')": (lambda: CopModel(rng="x"), "seed"),
        "CopModel(key twice)": (
            lambda: CopModel({"trust.gain": 0.1}, **{"trust.gain": 0.2}),
            "given in params or by name",
        ),
        "CopModel(dotted and nested)": (
            lambda: CopModel({"trust.gain": 0.1, "trust": {"gain": 0.2}}),
            "trust",
        ),
        "CopModel(site.file=/dev/zero)": (lambda: CopModel({"site.file": "/dev/zero"}), "device"),
        "CopModel(site.file=/)": (lambda: CopModel({"site.file": "/"}), "a folder"),
        "CopModel(label list)": (
            lambda: CopModel(
                {"events": [{"week": 2, "set": {"trust.gain": 0.1}, "label": ["a", "b"]}]}
            ),
            "events[0].label",
        ),
        "parse_events(one key one week)": (
            lambda: parse_events(
                [{"week": 2, "set": {"trust.gain": 0.1}}, {"week": 2, "set": {"trust.gain": 0.2}}],
                10,
            ),
            "events[0] sets it too",
        ),
        "parse_events(set events)": (
            lambda: parse_events([{"week": 5, "set": {"events": []}}], 10),
            "a model parameter",
        ),
        "validate({3: 1})": (lambda: validate({3: 1}), "parameter name"),
        "run_values('x')": (lambda: run_values("weeks=3"), "a mapping"),
        "run_configurations([3])": (
            lambda: analysis.run_configurations([3], replicates=2),
            "overrides[0]",
        ),
        "run_configurations(None)": (
            lambda: analysis.run_configurations(None, replicates=2),
            "a list of overrides",
        ),
        "run_configurations(cop,cop)": (
            lambda: analysis.run_configurations(["scenario=cop,cop"], replicates=2),
            "scenario=cop is listed twice",
        ),
        "run_configurations(seed='x')": (
            lambda: analysis.run_configurations(["scenario=cop"], replicates=2, seed="x"),
            "seed",
        ),
        "run_configurations(workers=0)": (
            lambda: analysis.run_configurations(["scenario=cop"], replicates=2, workers=0),
            "workers",
        ),
        "run_configurations(replicates=)": (
            lambda: analysis.run_configurations(["replicates=3"], replicates=2),
            "the replicates argument",
        ),
        "run_configurations({a: str})": (
            lambda: analysis.run_configurations({"a": "weeks=5"}, replicates=2),
            "overrides['a']",
        ),
        "Experiment.load(5)": (lambda: Experiment.load(5), "experiment"),
        "load_area(/dev/zero)": (lambda: load_area("/dev/zero"), "a device"),
        # --- issue 23: commands checked whole before any job; defaults ----------------------
        "compose(launcher)": (lambda: compose(["hydra/launcher=nope"]), "joblib"),
        "factors_from(twice)": (lambda: factors_from(["trust.gain", "trust.gain"]), "twice"),
        "factors_from(range twice)": (
            lambda: factors_from(["trust.gain"], ["trust.gain=0:0.5", "trust.gain=0:0.2"]),
            "--range",
        ),
        "factors_from(low = high)": (
            lambda: factors_from(["trust.gain"], ["trust.gain=0.2:0.2"]),
            "LOW below HIGH",
        ),
        "analyse(varied and fixed)": (
            lambda: analyse(
                factors_from(["trust.gain"]), "turnover_rate", "morris", 2, 1, ["trust.gain=0.3"]
            ),
            "no override fixes",
        ),
        "analyse_effects(twice)": (
            lambda: analysis.sensitivity.analyse_effects(8, names=["trust.gain", "trust.gain"]),
            "twice",
        ),
        "split_params('')": (lambda: analysis.sensitivity.split_params(""), "--params"),
        "factors_from([])": (lambda: factors_from([]), "at least one parameter"),
        "psa.plan(seed=-1)": (lambda: _psa().plan(2, seed=-1), "from 0 up"),
        "psa.run(trust.gain=5)": (
            lambda: _psa().run(Path("out"), 2, 1, ["trust.gain=5"]),
            "trust.gain: 5",
        ),
        "psa.run(launcher)": (
            lambda: _psa().run(Path("out"), 2, 1, [], ["hydra/launcher=nope"]),
            "joblib",
        ),
    }


def _psa():  # issue 23: copsim.analysis.psa, imported when a case calls it
    from copsim.analysis import psa

    return psa


API_NAMES = list(_api())


@pytest.mark.parametrize("name", API_NAMES)
def test_bad_api_call_raises_one_line_copsim_error_and_writes_nothing(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    call, expect = _api()[name]
    with pytest.raises(CopsimError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message
    assert len(message) <= 185, message
    assert expect in message
    assert caught.value.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_the_table_holds_at_least_130_cases():
    assert len(CLI) + len(API_NAMES) >= 130
    assert len({c.name for c in CLI}) == len(CLI)


def test_traceback_only_when_asked(tmp_path):
    proc = run_cli("run", "--traceback", "weeks=abc", cwd=tmp_path)
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("value", ["weeks=5.0", "weeks=5e0"])
def test_integral_floats_are_accepted_as_the_schema_does(tmp_path, value):
    proc = run_cli("run", value, "site.people=30.0", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
