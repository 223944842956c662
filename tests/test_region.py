"""Your own area (``site.file``) and a region of localities (``region.*``)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from copsim.errors import MAX_LINE, MAX_PATH, shown_path
from copsim.model.area import AreaError, load_area, resolve
from copsim.model.cop_model import CopModel
from copsim.model.schema import ConfigError, validate
from copsim.runs.outputs import locality_summaries, summarise, twin_outcome
from copsim.runs.runner import run_values
from tests.conftest import REPO, run_cli, run_cli_forked

SIZES = {"housing": 30, "substance_use": 3, "mental_health": 12, "offending": 6}


def _area(tmp_path, text: str, name: str = "area.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.fixture
def uneven(tmp_path):
    rows = "\n".join(
        f"  - {{name: {t.title()} Team, type: {t}, posts: {n}}}" for t, n in SIZES.items()
    )
    return _area(tmp_path, f"joint_working_history: 0.4\npeople: 250\nagencies:\n{rows}\n")


def test_area_file_with_uneven_agencies_runs_with_its_posts(uneven):
    model = CopModel({"site.file": uneven, "weeks": 8})
    agencies = model.agencies
    assert list(agencies.size) == list(SIZES.values())
    # Its budgets are held through burn-in: the funded posts at week 0 are the file's.
    w0 = model.weekly_table().iloc[0]
    assert list(agencies.funded) == list(SIZES.values())
    in_post = agencies.in_post(model.posts)
    assert (in_post <= agencies.funded).all()
    # Staff in post are the posts less the site's usual (steady-state) vacancies.
    vacancy = 1 - w0["staff_in_post"] / w0["funded_posts"]
    assert 0.0 < vacancy < 0.2
    assert model.p.site.joint_working_history == 0.4 and len(model.people) == 250
    assert agencies.names == [f"{t.title()} Team" for t in SIZES]
    model.run_to_end()


def test_minimal_form_and_csv_agree(tmp_path):
    minimal = _area(
        tmp_path,
        "joint_working_history: 0.3\npeople: 400\nagencies:\n"
        "  - {name: Riverside Housing, type: housing, posts: 24}\n"
        "  - {name: Change Grow Live, type: substance_use, posts: 9}\n",
    )
    area = load_area(minimal)
    assert [(a.domain, a.posts) for a in area.agencies] == [(0, 24), (1, 9)]
    csv = _area(
        tmp_path,
        "name,type,posts\nRiverside Housing,housing,24\nChange Grow Live,substance_use,9\n",
        "agencies.csv",
    )
    assert load_area(csv).agencies == area.agencies
    assert resolve(validate({"site.file": minimal}))["site.people"] == 400
    # Domains with no agency in the area: those needs go unmet, nobody is referred there.
    model = CopModel({"site.file": minimal, "weeks": 4}).run_to_end()
    assert (model.people.home_agency[:, 2:] == -1).all()
    assert (model.people.home_agency[:, :2] >= 0).all()


def test_example_area_and_its_csv_describe_the_same_agencies():
    yaml_area = load_area(str(REPO / "conf" / "areas" / "riverside.yaml"))
    csv_area = load_area(str(REPO / "conf" / "areas" / "riverside_agencies.csv"))
    assert yaml_area.agencies == csv_area.agencies
    assert len({a.posts for a in yaml_area.agencies}) == len(yaml_area.agencies)


BAD = {
    "missing key": ("agencies:\n  - {name: A, posts: 3}\n", "agencies[0].type: missing"),
    "unknown type": ("agencies:\n  - {name: A, type: housin, posts: 3}\n", "'housin'"),
    "negative posts": ("agencies:\n  - {name: A, type: housing, posts: -3}\n", "posts: -3"),
    "no agencies": ("people: 400\n", "agencies: missing"),
    "unknown key": ("agencies: []\ncolour: red\n", "colour"),
    "bad yaml": ("agencies: [\n", "valid YAML"),
    "bad people": ("people: lots\nagencies:\n  - {name: A, type: housing, posts: 3}\n", "people"),
    "bad history": (
        "joint_working_history: 2\nagencies:\n  - {name: A, type: housing, posts: 3}\n",
        "joint_working_history: 2",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_malformed_area_files_name_the_problem(tmp_path, case):
    text, expected = BAD[case]
    path = _area(tmp_path, text)
    with pytest.raises(AreaError) as err:
        resolve(validate({"site.file": path}))
    message = str(err.value)
    assert expected in message and shown_path(path) in message and "allowed:" in message
    assert "\n" not in message and isinstance(err.value, ConfigError)


def test_an_area_file_deep_in_folders_still_says_what_is_wrong_in_it(tmp_path):
    # A long path is cut at its start, never the problem: the message keeps where in the
    # file, the bad value and what is allowed, and the file's own name.
    deep = tmp_path / ("north_east_region_" * 5) / "2026" / "area_files"
    deep.mkdir(parents=True)
    path = _area(deep, "agencies:\n  - {name: A, type: housin, posts: 3}\n")
    assert len(path) > MAX_PATH
    with pytest.raises(AreaError) as err:
        resolve(validate({"site.file": path}))
    message = str(err.value)
    assert "agencies[0].type: 'housin'" in message and "allowed:" in message
    assert "/area_files/area.yaml:" in message and " ... " not in message
    assert len(message) <= MAX_LINE


def test_csv_with_a_bad_row_names_the_row(tmp_path):
    path = _area(tmp_path, "name,type,posts\nA,housing,3\nB,offending,x\n", "bad.csv")
    with pytest.raises(AreaError, match=r"row 3 column posts: 'x'"):
        load_area(path)
    short = _area(tmp_path, "name,type,posts\nA,housing,3\nB,offending\n", "short.csv")
    with pytest.raises(AreaError, match=r"row 3: 'B,offending' \(allowed: 3 columns\)"):
        load_area(short)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.csv", "name,type,posts\nA,housing,-2\n", "row 2 column posts: -2"),
        ("bad.yaml", "agencies:\n  - {name: A, type: pub, posts: 3}\n", "'pub'"),
        ("absent.yaml", None, "an existing YAML or CSV area file"),
    ],
)
def test_cli_refuses_a_bad_area_file_with_exit_2_and_nothing_written(
    tmp_path, name, text, expected
):
    if text is not None:
        (tmp_path / name).write_text(text)
    proc = run_cli_forked("run", f"site.file={name}", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and name in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ([name] if text else [])


def test_run_folder_keeps_the_area_file_and_its_hash(tmp_path, uneven):
    proc = run_cli_forked(
        "run", f"site.file={uneven}", "weeks=4", "hydra.run.dir=out", cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out"
    assert (out / "area" / "area.yaml").read_bytes() == (tmp_path / "area.yaml").read_bytes()
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["site_file"]["sha256"] == load_area(uneven).digest
    assert len(json.loads((out / "localities.json").read_text())) == 1


def _region(**extra):
    values = {"region.localities": 3, "region.move_rate": 0.5, "weeks": 104, **extra}
    return run_values(values)


def test_three_locality_region_accounts_for_every_leaver():
    result = _region()
    s, w = result.summary, result.weekly
    assert s["leavers_to_region"] > 0 and s["leavers_from_sector"] > 0
    total = int(w["leavers"].iloc[-1])
    assert s["leavers_to_region"] + s["leavers_from_sector"] == total
    assert (w["leavers_to_region"] + w["leavers_from_sector"] == w["leavers"]).all()
    local = pd.DataFrame(result.localities)
    assert list(local["locality"]) == [0, 1, 2]
    assert (local["leavers_to_region"] + local["leavers_from_sector"] == local["leavers"]).all()
    assert local["leavers"].sum() == total
    # Moves keep staff in the sector: region turnover below agency turnover, retention
    # in the region at least retention in the same post.
    assert s["region_turnover_rate"] < s["locality_turnover_rate"] <= s["turnover_rate"]
    assert s["retention"] <= s["locality_retention"] <= s["region_retention"]
    assert (local["cop_meetings"] > 0).all()


def test_region_keeps_people_ties_and_meetings_within_localities():
    model = CopModel({"region.localities": 3, "weeks": 60}).run_to_end()
    posts, people = model.posts, model.people
    home = people.home_agency
    assert (model.agencies.locality[home] == people.locality[:, None]).all()
    kw = people.key_worker[people.key_worker >= 0]
    assert (posts.locality[kw] == people.locality[people.key_worker >= 0]).all()
    a, b, _, _ = model.ties.view()
    assert (posts.locality[a] == posts.locality[b]).all()  # no moves: no tie crosses
    assert (model.cop.meetings > 0).all()


def test_movers_take_funded_vacancies_and_their_ties():
    model = CopModel({"region.localities": 2, "region.move_rate": 1.0, "weeks": 52})
    for _ in range(52):
        before = model.agencies.in_post(model.posts)
        model.step()
        after = model.agencies.in_post(model.posts)
        # Nobody is placed above an agency's funded posts (a cut only freezes posts).
        grew = after > before
        assert (after[grew] <= model.agencies.funded[grew]).all()
    assert 0 < model.totals.moved_in_region <= model.totals.leavers
    a, b, _, _ = model.ties.view()
    assert (model.posts.occupied[a] & model.posts.occupied[b]).all()
    assert (model.posts.agency[a] != model.posts.agency[b]).all()


def test_a_locality_nothing_couples_is_the_site_alone_exactly():
    """Common random numbers across sizes: with no moves and a commissioner who moves no
    budget, the first locality of a region is the site alone, element by element (its
    agencies, posts and places have the site's numbers, so the same draws)."""
    values = {"burn_in_weeks": 20, "weeks": 20, "nurture.commissioner_engagement": 0.0}
    region = CopModel({**values, "region.localities": 3}, agents=False).run_to_end()
    alone = CopModel(values, agents=False).run_to_end()
    for kind in ("people", "posts", "agencies"):
        mine, site = getattr(region, kind), getattr(alone, kind)
        n = len(site.locality) if kind != "agencies" else len(site.domain)
        for name, value in vars(site).items():
            if isinstance(value, np.ndarray) and len(value) == n and name != "names":
                np.testing.assert_array_equal(getattr(mine, name)[:n], value, err_msg=name)


@pytest.mark.slow
def test_localities_without_moves_behave_as_the_site_alone():
    """Each locality of a region with move rate 0 is the site alone, up to seed noise and
    the one commissioner pooling budgets across localities."""
    keys = ("turnover_rate", "burnout_mean", "crises_per_person_year", "vacancy_rate")
    region, alone = {k: [] for k in keys}, {k: [] for k in keys}
    for seed in range(5):
        m = CopModel({"region.localities": 3, "seed": seed}).run_to_end()
        w = m.weekly_table()
        for row in locality_summaries(m, w, summarise(m, w, twin_outcome(m, w))):
            for k in keys:
                region[k].append(row[k])
        m = CopModel({"seed": seed}).run_to_end()
        w = m.weekly_table()
        s = summarise(m, w, twin_outcome(m, w))
        for k in keys:
            alone[k].append(s[k])
    for k in keys:
        a, b = np.array(region[k]), np.array(alone[k])
        se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        assert abs(a.mean() - b.mean()) < 3 * se, (k, a.mean(), b.mean(), se)


def test_single_locality_defaults_draw_no_move(monkeypatch):
    from copsim.model.mechanisms import workforce

    def never(*args):
        raise AssertionError("a move drawn with region.move_rate 0")

    monkeypatch.setattr(workforce, "choose_moves", never)
    one = CopModel({"weeks": 30, "region.move_rate": 0.0}).run_to_end()
    assert one.totals.moved_in_region == 0


@pytest.mark.slow
def test_region_sweep_tables_carry_every_locality_and_compare_one(tmp_path):
    proc = run_cli(
        "run",
        "-m",
        "region.localities=2",
        "region.move_rate=0,0.5",
        "weeks=20",
        "replicates=2",
        "hydra.sweep.dir=sweep",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    local = pd.read_parquet(tmp_path / "sweep" / "localities.parquet")
    assert len(local) == 2 * 2 * 2
    assert set(local["locality"]) == {0, 1}
    assert {"region.move_rate", "seed", "point", "turnover_rate"} <= set(local.columns)
    proc = run_cli(
        "compare", "sweep", "--locality", "1", "--out", "cmp", "--workers", "1", cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("compare", "sweep", "--locality", "5", "--out", "cmp2", cwd=tmp_path)
    assert proc.returncode == 2 and "no locality 5" in proc.stderr


def test_turnover_and_retention_per_agency_add_up_to_the_region():
    values = validate({"region.localities": 2, "region.move_rate": 0.5, "weeks": 52})
    result = run_values(values)
    rows = result.agencies
    assert len(rows) == 12 and {r["locality"] for r in rows} == {0, 1}
    assert (
        sum(r["leavers"] for r in rows)
        == result.summary["leavers_to_region"] + result.summary["leavers_from_sector"]
    )
    assert sum(r["leavers_to_region"] for r in rows) == result.summary["leavers_to_region"]
    for row in rows:
        assert 0.0 <= row["retention"] <= 1.0 and row["turnover_rate"] >= 0.0
        assert row["name"].endswith(f"(locality {row['locality'] + 1})")
    by_locality = {}
    for row in rows:
        by_locality[row["locality"]] = by_locality.get(row["locality"], 0) + row["leavers"]
    assert [by_locality[i] for i in (0, 1)] == [loc["leavers"] for loc in result.localities]


def test_agencies_of_an_area_file_are_reported_by_name(uneven):
    # No commissioning review moves a budget: the funded posts are the file's.
    result = run_values(
        validate({"site.file": str(uneven), "weeks": 26, "nurture.commissioner_engagement": 0.0})
    )
    names = [a.name for a in load_area(str(uneven)).agencies]
    assert [r["name"] for r in result.agencies] == names
    assert [r["funded_posts"] for r in result.agencies] == [
        a.posts for a in load_area(str(uneven)).agencies
    ]
