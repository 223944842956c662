"""The trainer demo without a browser: its model, controls, drawings and page."""

from __future__ import annotations

import inspect
import re
import socket

import numpy as np
import pytest

from copsim.config import group_options
from copsim.model.schema import SCHEMA
from copsim.viz import app, charts, controls, network
from copsim.viz.presets import MAX_PEOPLE, MAX_PRACTITIONERS, MAX_WEEKS, enforce_caps, preset_values
from copsim.viz.session import DemoModel
from copsim.viz.shocks import SHOCKS
from tests.conftest import run_cli

SMALL = {"people": 60, "practitioners_per_agency": 4, "weeks": 30}


def small(**kwargs) -> DemoModel:
    return DemoModel(**{**SMALL, **kwargs})


# --- the demo's model ----------------------------------------------------------------------


def test_default_demo_steps_with_its_twin():
    demo = DemoModel()
    assert [r.title for r in demo.runs] == ["A: cop @ typical"]
    assert demo.notices == [] and demo.error is None and demo.running
    for _ in range(3):
        demo.step()
    run = demo.runs[0]
    assert demo.week == run.twin.steps == 3
    assert len(run.series("staff_in_post")) == len(run.savings()) == 4
    assert run.twin.p.brokerage.hours_per_week == 0


@pytest.mark.slow
def test_side_by_side_runs_share_the_seed():
    same = small(scenario_a="cop", scenario_b="cop", seed=5)
    same.advance(20)
    a, b = same.runs
    assert a.title == "A: cop @ typical" and b.title == "B: cop @ typical"
    for name in ("staff_in_post", "cross_agency_ties", "people_in_crisis", "programme_cost"):
        assert a.series(name) == b.series(name)

    differ = small(scenario_a="cop_nurtured", scenario_b="cop_unnurtured", site_b="poor_history")
    assert differ.runs[1].site == "poor_history"
    differ.advance(20)
    a, b = differ.runs
    assert a.series("commissioner_insight") != b.series("commissioner_insight")


def test_no_cop_run_saves_nothing_against_its_twin():
    demo = small(scenario_a="no_cop")
    demo.advance(15)
    assert demo.runs[0].savings() == [0.0] * 16
    assert demo.runs[0].latest("programme_cost") == 0


def test_sizes_are_capped_with_a_notice():
    demo = DemoModel(people=5000, weeks=2000, seed="3")
    values = demo.runs[0].model.p
    assert values.weeks == MAX_WEEKS and values.site.people == MAX_PEOPLE
    texts = " ".join(n.text for n in demo.notices)
    assert "site.people capped at 1000" in texts and "weeks capped at 520" in texts
    assert demo.seed == 3

    big = preset_values("cop", "typical")
    big.update({"site.agencies_per_type": 20, "site.practitioners_per_agency": 50})
    big["events"] = [{"week": 100, "set": {"trust.gain": 0.2}, "label": ""}]
    big["weeks"] = 52
    notices = enforce_caps(big, "Run A")
    posts = 6 * big["site.agencies_per_type"] * big["site.practitioners_per_agency"]
    assert posts <= MAX_PRACTITIONERS
    assert big["events"] == [] and len(notices) == 2


@pytest.mark.parametrize(
    ("kwargs", "shown"),
    [
        ({"seed": "abc"}, "Seed 'abc' is not a whole number"),
        ({"seed": "-4"}, "Seed '-4' is not"),
        ({"weeks": 0}, "weeks 0 is not a whole number from 1"),
        ({"scenario_a": "nope"}, "invalid value for scenario: 'nope'"),
    ],
)
def test_bad_choices_are_shown_and_the_demo_still_runs(kwargs, shown):
    demo = small(**kwargs)
    assert any(shown in n.text for n in demo.notices), demo.notices
    assert demo.runs and demo.running
    demo.step()
    assert demo.week == 1


def test_a_lever_changes_the_run_from_next_week_and_is_marked():
    demo = small(scenario_a="cop", scenario_b="cop")
    assert demo.set_lever("A", "nurture.protected_time", 0.9)  # week 0: set-up, no marker
    assert demo.run("A").value("nurture.protected_time") == 0.9
    assert demo.markers() == []
    demo.advance(5)
    for value in (0.4, 0.2, 0.0):  # a slider dragged within one week is one event
        assert demo.set_lever("A", "nurture.protected_time", value)
    a, b = demo.runs
    assert a.model.p.nurture.protected_time == a.twin.p.nurture.protected_time == 0.0
    assert b.model.p.nurture.protected_time == 0.5
    assert a.changed() == {"nurture.protected_time": (0.5, 0.0)} and b.changed() == {}
    (marker,) = demo.markers()
    assert (marker.week, marker.runs) == (6, ("A",))
    assert marker.label == "nurture protected time = 0"

    assert demo.set_lever("B", "brokerage.hours_per_week", 12)
    assert b.model.p.brokerage.hours_per_week == 12.0
    assert b.twin.p.brokerage.hours_per_week == 0.0  # the twin never has a broker


def test_bad_lever_changes_are_refused_with_a_notice():
    demo = small()
    assert not demo.set_lever("A", "site.people", 10)  # fixed at the start
    assert not demo.set_lever("A", "funding.agency_budget", 5.0)  # out of range
    assert not demo.set_lever("B", "trust.gain", 0.2)  # no run B
    assert len([n for n in demo.notices if n.level == "error"]) == 3
    assert demo.run("A").value("funding.agency_budget") == 1.0
    demo.dismiss()
    assert demo.notices == []


def test_policy_events_hit_every_run_and_are_marked_once():
    demo = small(scenario_a="cop_nurtured", scenario_b="cop_unnurtured")
    demo.advance(4)
    for shock in SHOCKS:
        assert demo.fire(shock.key)
    demo.step()
    for run in demo.runs:
        p = run.model.p
        assert p.funding.agency_budget == pytest.approx(0.8)
        assert p.brokerage.hours_per_week == 0.0
        assert p.nurture.protected_time == 0.0
        assert [e.week for e in run.model.event_log] == [5, 5, 5]
    markers = demo.markers()
    assert [m.runs for m in markers] == [("A", "B")] * 3
    assert [m.number for m in markers] == [1, 2, 3]
    demo.step()
    assert demo.runs[0].latest("funded_posts") == round(0.8 * 4 * 6)  # the site total


def test_an_error_in_a_step_is_shown_not_raised(monkeypatch):
    demo = small()

    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(demo.runs[0].model, "step", broken)
    demo.step()
    assert demo.error and "boom" in demo.error and "Reset" in demo.error
    assert not demo.running
    demo.step()  # nothing more happens, nothing is raised
    assert demo.week == 0


def test_the_demo_stops_at_its_last_week():
    demo = small(weeks=3)
    demo.advance(10)
    assert demo.week == 3 and demo.finished and not demo.running
    assert not demo.fire("cut_funding")
    assert "finished" in demo.notices[-1].text


# --- controls from the schema --------------------------------------------------------------


def test_levers_come_from_the_schema():
    groups = dict(controls.lever_controls())
    assert {"Brokerage", "Nurture", "Funding", "Trust"} <= set(groups)
    for group in groups.values():
        for c in group:
            p = SCHEMA[c.name]
            assert p.mutable
            assert (c.low, c.high, c.default) == (p.low, p.high, p.default)
            assert c.integer == (p.kind is int)
            assert p.description in c.tooltip and p.source in c.tooltip
            assert c.low <= c.default <= c.high and c.step > 0


def test_model_params_match_the_presets_and_the_model():
    params = controls.model_params()
    accepted = set(inspect.signature(DemoModel).parameters)
    assert set(params) <= accepted
    assert "scenario" not in params  # Mesa's SolaraViz gives that keyword its own meaning
    assert params["scenario_a"]["values"] == group_options("scenario")
    assert params["site_a"]["values"] == group_options("site")
    assert params["weeks"]["max"] == MAX_WEEKS and params["people"]["max"] == MAX_PEOPLE
    for name in ("weeks", "people", "practitioners_per_agency"):
        assert params[name]["min"] <= params[name]["value"] <= params[name]["max"]


def test_nice_steps():
    assert controls.nice_step(0, 1, False) == 0.01
    assert controls.nice_step(0, 40, False) == 0.5
    assert controls.nice_step(0.2, 2.0, False) == 0.02
    assert controls.nice_step(0, 104, True) == 1


# --- drawings ------------------------------------------------------------------------------


@pytest.mark.parametrize(("lo", "hi"), [(0, 1), (0, 63), (-1234, 56789), (0, 0), (0.001, 0.003)])
def test_nice_ticks_cover_the_range(lo, hi):
    ticks = charts.nice_ticks(lo, hi)
    assert ticks[0] <= lo and ticks[-1] >= hi and 2 <= len(ticks) <= 7
    assert np.allclose(np.diff(ticks), ticks[1] - ticks[0])


def test_line_chart_draws_lines_and_markers():
    lines = [
        charts.Line("in post", [60, 59, 58, 60], "#111"),
        charts.Line("in post", [60, 60, 57, 55], "#111", dashed=True),
    ]
    svg = charts.line_chart("staff", "Staff", lines, 52, [(1, 2), (2, 3)])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 2 and svg.count('stroke-dasharray="5 3"') == 1
    assert re.findall(r'data-marker="(\d)"', svg) == ["1", "2"]
    assert 'data-week="3"' in svg and svg.count(">in post<") == 1
    assert charts.compact(25300) == "25.3k" and charts.compact(-2e6) == "-2M"


def test_weeks_without_the_broker_are_shaded():
    lines = [charts.Line("in post", [60, 59, 58, 60], "#111")]
    svg = charts.line_chart("staff", "Staff", lines, 156, funding_end=104)
    (shade,) = re.findall(r'<g class="copsim-unfunded" data-week="(\d+)"><rect x="([\d.]+)"', svg)
    assert shade[0] == "104" and float(shade[1]) == pytest.approx(44 + 286 * 104 / 156, abs=0.1)
    assert "copsim-unfunded" not in charts.line_chart("staff", "Staff", lines, 104, funding_end=104)
    demo = DemoModel(seed=2)
    assert 'class="copsim-unfunded" data-week="104"' in app.charts_html(demo)


def test_network_shows_staff_vacancies_and_leavers():
    demo = DemoModel(seed=2)
    run = demo.runs[0]
    demo.advance(20)
    while demo.running and not (run.model.steps - run.left_week < network.LEFT_WEEKS).any():
        demo.step()  # until someone has left lately
    svg = network.network_svg(run)
    assert f'data-in-post="{run.latest("staff_in_post")}"' in svg
    assert f'data-vacancies="{run.latest("vacancies")}"' in svg
    assert f'data-ties="{run.latest("cross_agency_ties")}"' in svg
    assert svg.count("<line") == run.latest("cross_agency_ties")
    recent = int((run.model.steps - run.left_week < network.LEFT_WEEKS).sum())
    assert svg.count('class="leaver"') == recent > 0
    assert svg.count('class="vacancy"') == run.latest("vacancies")
    pos = network.post_positions(6, run.model.agencies.n_posts, 400)
    assert len(np.unique(pos.round(3), axis=0)) == len(pos)  # no two posts on one spot


# --- the page, rendered without a browser (Mesa's example idiom) ------------------------------


@pytest.mark.slow
def test_page_presets_steps_levers_and_events():
    solara = pytest.importorskip("solara")
    v = pytest.importorskip("ipyvuetify")
    from copsim.viz import app

    @solara.component
    def Served():  # what `solara run` wraps around a page
        with solara.AppLayout():
            app.Page()

    box, rc = solara.render(Served(), handle_error=False)

    def html(css: str) -> str:
        (widget,) = [
            w for w in rc.find(solara.widgets.HTML).widgets if w.attributes.get("class") == css
        ]
        return widget.unsafe_innerHTML

    def click(label: str) -> None:
        rc.find(v.Btn, children=[label]).widget.click()

    rc.find(v.Select, label="Scenario (A)").widget.v_model = "cop_nurtured"
    rc.find(v.Select, label="Compare with scenario (B)").widget.v_model = "cop_unnurtured"
    click("Reset")
    assert "B: cop_unnurtured @ typical" in html("copsim-counters-box")
    click("Step")
    click("Step")
    counters = html("copsim-counters-box")
    assert 'data-week="2"' in counters and "2 of 156" in counters
    assert html("copsim-charts-box").count("<polyline") == 2 * 13  # 13 series, 2 runs

    click("Cut funding 20%")
    (slider,) = [
        w
        for w in rc.find(v.Slider).widgets
        if w.v_model == 1.0 and w.max == 1.0  # A's protected time (cop_nurtured: 1)
    ]
    slider.v_model = 0.25
    click("Advance a quarter (13 weeks)")
    assert "15 of 156" in html("copsim-counters-box")
    events = html("copsim-events-box")
    assert "week 3: funding cut (budget 0.8)" in events
    assert "week 3: nurture protected time = 0.25 (A)" in events
    assert html("copsim-charts-box").count("data-marker=") == 2 * len(app.CHARTS)
    assert any("Protected time: 0.25" in str(w.children) for w in rc.find(v.Html).widgets), (
        "the lever does not show its new value"
    )
    rc.close()


# --- the command ---------------------------------------------------------------------------


def test_demo_command_checks_its_port(tmp_path):
    proc = run_cli("demo", "--port", "70000", "--no-open", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        "copsim: error: invalid value for --port: 70000 (allowed: a whole number from 0 to 65535)"
    )
    help_ = run_cli("demo", "--help", cwd=tmp_path)
    assert help_.returncode == 0 and "--port" in help_.stdout


def test_demo_command_says_when_its_port_is_taken(tmp_path):
    pytest.importorskip("solara")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        proc = run_cli("demo", "--port", str(port), "--no-open", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"copsim: error: cannot listen on 127.0.0.1:{port} (Address already in use); "
        "choose another --port"
    )
