"""Unbounded and ambiguous input (issue 23): what copsim reads is bounded, what it accepts
is meant one way only, and its error lines are short.

The bad-input table (tests/test_bad_input.py) holds the one-line cases; this module checks
the helpers behind them, and that what is good still passes.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
import yaml

from copsim.errors import MAX_LINE, CopsimError, clip
from copsim.model.area import AreaError, load_area
from copsim.model.events import parse_events
from copsim.model.schema import ConfigError
from copsim.user_files import MAX_BYTES, FileProblem, check_file, load_yaml, read_bytes
from tests.conftest import run_cli_forked

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def deadline():
    """Fail, rather than hang, if the test blocks (reading a pipe would wait forever)."""

    def expired(*_):
        raise TimeoutError("blocked: a pipe was opened or read")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_pipe_is_refused_without_being_opened(tmp_path, deadline):
    pipe = tmp_path / "area.yaml"
    os.mkfifo(pipe)
    with pytest.raises(FileProblem, match="a named pipe"):
        read_bytes(pipe)
    with pytest.raises(AreaError, match=r"area.yaml: file: a named pipe \(allowed: a regular"):
        load_area(str(pipe))


@pytest.mark.parametrize(
    ("path", "kind"), [("/dev/zero", "a device"), ("/dev/null", "a device"), ("/", "a folder")]
)
def test_devices_and_folders_are_refused(path, kind, deadline):
    with pytest.raises(FileProblem, match=kind):
        check_file(path)


def test_size_is_checked_before_reading(tmp_path):
    at_cap, over = tmp_path / "at.yaml", tmp_path / "over.yaml"
    for path, size in ((at_cap, MAX_BYTES), (over, MAX_BYTES + 1)):
        with open(path, "wb") as handle:
            handle.truncate(size)
    assert len(read_bytes(at_cap)) == MAX_BYTES
    with pytest.raises(FileProblem, match="at most 1 MB"):
        read_bytes(over)
    with pytest.raises(FileProblem, match="a x of at most"):
        read_bytes(at_cap, limit=10, what="x")


def test_a_missing_file_names_what_is_allowed(tmp_path):
    with pytest.raises(FileProblem, match=r"no such file \(allowed: an existing area file\)"):
        read_bytes(tmp_path / "nope.yaml", what="area file")


def test_yaml_keys_given_twice_are_refused_at_any_depth():
    assert load_yaml("a: 1\nb: {c: 2, d: 3}\nlist: [{c: 1}, {c: 2}]\n")["b"]["d"] == 3
    for text in ("a: 1\na: 2\n", "b: {c: 2, c: 3}\n", "list:\n  - {c: 1, c: 2}\n"):
        with pytest.raises(yaml.YAMLError, match="given twice"):
            load_yaml(text)


def test_yaml_merge_keys_still_work():
    tree = load_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")
    assert tree["other"] == {"x": 1, "y": 2}


def test_every_shipped_experiment_and_area_reads_with_the_strict_loader():
    from copsim.analysis.experiment import Experiment, available

    for name in available():
        assert Experiment.load(name).configurations
    for path in sorted((REPO / "conf" / "areas").glob("*")):
        assert load_area(str(path)).agencies


def test_agency_names_differing_in_case_or_spaces_are_one_name(tmp_path):
    path = tmp_path / "area.yaml"
    path.write_text(
        "agencies:\n  - {name: Riverside, type: housing, posts: 3}\n"
        "  - {name: 'riverside ', type: housing, posts: 4}\n"
    )
    with pytest.raises(AreaError, match=r"agencies\[1\]\.name: 'riverside'.*agencies\[0\]"):
        load_area(str(path))
    path.write_text(
        "agencies:\n  - {name: ' Riverside ', type: housing, posts: 3}\n"
        "  - {name: Riverside Two, type: housing, posts: 4}\n"
    )
    assert [a.name for a in load_area(str(path)).agencies] == ["Riverside", "Riverside Two"]


def test_clip_keeps_the_start_and_the_end_on_one_line():
    assert clip("short") == "short"
    text = "invalid value for x: " + "y" * 10_000 + "\n (allowed: a number)"
    cut = clip(text)
    assert len(cut) == MAX_LINE and "\n" not in cut
    assert cut.startswith("invalid value for x: ") and cut.endswith("(allowed: a number)")


def test_a_400_kb_value_is_never_shown_whole(tmp_path):
    error = ConfigError("trust.gain", "x" * 400_000, "a number from 0 to 1")
    assert len(str(error)) <= MAX_LINE and str(error).endswith("(allowed: a number from 0 to 1)")
    proc = run_cli_forked("run", "trust.gain=" + "x" * 400_000, cwd=tmp_path)
    assert proc.returncode == 2
    assert len(proc.stderr) <= 201 and "trust.gain" in proc.stderr, proc.stderr[:300]
    assert list(tmp_path.iterdir()) == []


def test_failures_that_name_folders_are_not_clipped():
    from copsim.errors import Interrupted

    long = "interrupted; rerun with hydra.sweep.dir=" + "/deep" * 100
    assert str(Interrupted(long)) == long


def test_events_may_set_one_key_in_different_weeks_and_keys_in_one_week():
    events = parse_events(
        [
            {"week": 5, "set": {"trust.gain": 0.1}},
            {"week": 6, "set": {"trust.gain": 0.2}},
            {"week": 5, "set": {"trust.loss": 0.1}, "label": "cuts"},
        ],
        10,
    )
    assert [(e.week, e.label) for e in events] == [
        (5, "trust.gain=0.1"),
        (5, "cuts"),
        (6, "trust.gain=0.2"),
    ]


def test_distinct_comma_values_still_make_configurations():
    from copsim.analysis.replicates import expand

    labels = [label for label, _ in expand(["scenario=cop,no_cop", "weeks=5,6"])]
    assert len(labels) == 4 and len(set(labels)) == 4


def test_the_same_errors_from_the_api_as_from_the_cli(tmp_path):
    from copsim import run

    with pytest.raises(CopsimError) as api:
        run(["replicates=3"])
    proc = run_cli_forked("run", "replicates=3", cwd=tmp_path)
    assert proc.returncode == 2 and str(api.value) in proc.stderr
