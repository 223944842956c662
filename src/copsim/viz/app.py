"""The trainer demo page: Mesa's SolaraViz for running the model, copsim's views around it.

SolaraViz provides the app bar, the run controls (Reset, play/pause, Step, play interval)
and the "Model Parameters" card, whose inputs (presets, comparison, seed, size) are applied
on Reset. It is given no components of its own: its draggable grid gives every component
the same fixed-height cell, which crops a network and eight charts, so the page lays out
the main pane itself (:func:`Dashboard`) and adds its own cards to the sidebar
(:func:`TrainerControls`): a quarter's jump, policy events and the live levers.

Every view re-renders when Mesa's ``update_counter`` changes, which is what SolaraViz's
controller bumps after each step; the page's own actions bump it the same way.

Run it with ``copsim demo`` (see :mod:`copsim.viz.server`), or
``solara run copsim.viz.app``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

from copsim.runs.plotting import STATE_COLOURS
from copsim.viz.charts import Line, line_chart
from copsim.viz.controls import lever_controls, model_params
from copsim.viz.network import legend_html, network_svg
from copsim.viz.session import DemoModel, Run, describe_markers, short_name
from copsim.viz.shocks import SHOCKS
from copsim.words import count

TITLE = "copsim: communities of practice, trainer demo"
QUARTER = 13
"""Weeks the "advance a quarter" button runs."""

SAVINGS = "savings"
"""Pseudo-output: crisis and turnover costs avoided against the no-CoP twin."""


@dataclass(frozen=True)
class ChartSpec:
    """One live chart: which weekly outputs it draws, with what label and colour."""

    key: str
    title: str
    series: tuple[tuple[str, str, str], ...]
    y_max: float | None = None


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "staff",
        "Staff in post and vacancies",
        (("staff_in_post", "in post", "#1f77b4"), ("vacancies", "vacancies", "#ff7f0e")),
    ),
    ChartSpec("burnout", "Mean burnout (0-1)", (("burnout_mean", "", "#d62728"),), 1.0),
    ChartSpec("ties", "Cross-agency ties", (("cross_agency_ties", "", "#2b3a55"),)),
    ChartSpec(
        "trust", "Mean cross-agency trust (0-1)", (("cross_agency_trust", "", "#17becf"),), 1.0
    ),
    ChartSpec(
        "people",
        "People in crisis, stable, recovered",
        (
            ("people_in_crisis", "in crisis", STATE_COLOURS["people_in_crisis"]),
            ("people_stable", "stable", STATE_COLOURS["people_stable"]),
            ("people_recovered", "recovered", STATE_COLOURS["people_recovered"]),
        ),
    ),
    ChartSpec(
        "cop",
        "Community of practice",
        (("cop_members", "members", "#8e44ad"), ("cop_attendance", "at last meeting", "#c39bd3")),
    ),
    ChartSpec(
        "insight", "Commissioner insight (0-1)", (("commissioner_insight", "", "#7f7f7f"),), 1.0
    ),
    ChartSpec(
        "cost",
        "Cost against savings (GBP, cumulative)",
        (("programme_cost", "programme cost", "#e377c2"), (SAVINGS, "savings", "#2ca02c")),
    ),
)
"""The live charts, in page order."""


def series(run: Run, name: str) -> list[float]:
    """Weekly values of an output, or of the savings against the twin."""
    return run.savings() if name == SAVINGS else run.series(name)


def charts_html(demo: DemoModel) -> str:
    """All live charts as one block of HTML (one widget update per step, not eight)."""
    markers = [(m.number, m.week) for m in demo.markers()]
    # The first run's funding: the one a trainer compares the other against.
    funded = demo.runs[0].model.p.brokerage.funded_weeks if demo.runs else None
    svgs = []
    for spec in CHARTS:
        lines = [
            Line(label, series(run, name), colour, dashed=i > 0)
            for i, run in enumerate(demo.runs)
            for name, label, colour in spec.series
        ]
        svgs.append(
            '<div class="copsim-chart-cell">'
            + line_chart(
                spec.key,
                spec.title,
                lines,
                demo.weeks,
                markers,
                funding_end=funded,
                y_max=spec.y_max,
            )
            + "</div>"
        )
    return (
        '<div class="copsim-charts" style="display:grid;'
        'grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:8px">'
        + "".join(svgs)
        + "</div>"
    )


def _money(value: float) -> str:
    return f"£{value:,.0f}" if value >= 0 else f"−£{-value:,.0f}"


def counters_rows(run: Run) -> list[tuple[str, str, str]]:
    """(key, label, text) of each counter of one run this week."""
    est = run.model.cop
    if est.established.any():
        cop = f"established (since week {est.first_week})"
    elif run.value("brokerage.hours_per_week") <= 0 and not est.total_meetings:
        cop = "none (no broker)"
    else:
        cop = f"not established ({count(est.total_meetings, 'meeting')})"
    savings = run.savings()[-1]
    cost = run.latest("programme_cost")
    return [
        ("week", "Week", f"{run.week} of {run.model.p.weeks}"),
        ("cop", "Community of practice", cop),
        (
            "staff",
            "Staff in post / funded",
            f"{run.latest('staff_in_post')} / {run.latest('funded_posts')}",
        ),
        ("vacancies", "Vacancies", f"{run.latest('vacancies')}"),
        ("leavers", "Leavers so far", f"{run.latest('leavers')}"),
        ("burnout", "Mean burnout", f"{run.latest('burnout_mean'):.2f}"),
        (
            "ties",
            "Cross-agency ties (mean trust)",
            f"{run.latest('cross_agency_ties')} ({run.latest('cross_agency_trust'):.2f})",
        ),
        (
            "people",
            "People in crisis / stable / recovered",
            f"{run.latest('people_in_crisis')} / {run.latest('people_stable')} / "
            f"{run.latest('people_recovered')}",
        ),
        ("crises", "Crisis events so far", f"{run.latest('crisis_events')}"),
        ("insight", "Commissioner insight", f"{run.latest('commissioner_insight'):.2f}"),
        ("cost", "Programme cost", _money(cost)),
        ("savings", "Savings against no CoP", _money(savings)),
        ("net", "Net benefit", _money(savings - cost)),
    ]


def counters_html(demo: DemoModel) -> str:
    """The counters of every run, as a table (one column per run)."""
    per_run = [counters_rows(run) for run in demo.runs]
    head = "".join(f"<th>{escape(run.title)}</th>" for run in demo.runs)
    body = []
    for i, (key, label, _) in enumerate(per_run[0]):
        cells = "".join(
            f'<td id="counter-{key}-{run.key}">{escape(rows[i][2])}</td>'
            for run, rows in zip(demo.runs, per_run, strict=True)
        )
        body.append(f"<tr><th>{escape(label)}</th>{cells}</tr>")
    style = (
        "<style>.copsim-counters{border-collapse:collapse;font-size:12px}"
        ".copsim-counters th,.copsim-counters td{padding:2px 6px;text-align:left;"
        "border-bottom:1px solid #eee;vertical-align:top}"
        ".copsim-counters thead th{font-size:12px}</style>"
    )
    return (
        f'{style}<table class="copsim-counters" data-week="{demo.week}">'
        f"<thead><tr><th></th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def networks_html(demo: DemoModel) -> str:
    """The network of every run, side by side, with the key to the symbols."""
    cells = "".join(
        f'<div style="flex:1 1 0;min-width:0;max-width:460px">{network_svg(run)}</div>'
        for run in demo.runs
    )
    return f'<div class="copsim-networks" style="display:flex;gap:8px">{cells}</div>{legend_html()}'


def events_html(demo: DemoModel) -> str:
    """The numbered list of policy events under the charts."""
    lines = describe_markers(demo.markers(), len(demo.runs))
    if not lines:
        return (
            '<div class="copsim-events" style="font-size:12px;color:#666">No policy events yet: '
            "use the Timeline card to fire one, or move a lever mid-run.</div>"
        )
    items = "".join(f"<div>{escape(line)}</div>" for line in lines)
    return (
        '<div class="copsim-events" style="font-size:12px"><b>Policy events</b> '
        f"(numbered on the charts){items}</div>"
    )


def runs_legend_html(demo: DemoModel) -> str:
    """Which line style is which run, and the shared seed and size."""
    styles = ["solid line", "dashed line"]
    parts = []
    for i, run in enumerate(demo.runs):
        # What a trainer changed (levers, events), so a screenshot says what it shows.
        changed = "".join(
            f"; {short_name(name)} {was:g} → {now:g}" for name, (was, now) in run.changed().items()
        )
        parts.append(f"<b>{escape(run.title)}</b> ({styles[i]}{escape(changed)})")
    runs = " · ".join(parts)
    v, agencies = demo.runs[0].values, demo.runs[0].model.agencies
    # Agencies differ in size (site.agency_size_spread): say the site's total, not a product.
    size = (
        f"seed {demo.seed} · {count(v['weeks'], 'week')} · {count(v['site.people'], 'person')} · "
        f"{count(len(agencies), 'agency')} · {count(int(agencies.funded.sum()), 'funded post')}"
    )
    return f'<div class="copsim-runs" style="font-size:13px">{runs}<br>{size}</div>'


@solara.component
def Notices(demo: DemoModel) -> None:
    """Errors and warnings for the trainer, in the page (never a dead server)."""
    update_counter.get()
    if demo.error:
        solara.Error(demo.error, classes=["copsim-error"])
    for notice in demo.notices:
        show = {"error": solara.Error, "warning": solara.Warning}.get(notice.level, solara.Info)
        show(notice.text, classes=[f"copsim-notice-{notice.level}"])
    if demo.notices:

        def dismiss() -> None:
            demo.dismiss()
            force_update()

        solara.Button("Dismiss messages", on_click=dismiss, text=True, classes=["copsim-dismiss"])


@solara.component
def Dashboard(model: solara.Reactive[DemoModel]) -> None:
    """The main pane: runs, counters, networks, charts and the list of events."""
    update_counter.get()
    demo = model.value
    start = time.perf_counter()
    try:
        with demo.lock:  # a consistent week, even while a play thread steps
            parts = (
                runs_legend_html(demo),
                counters_html(demo),
                networks_html(demo),
                charts_html(demo),
                events_html(demo),
            )
    except Exception as err:  # a drawing bug must not take the page down
        parts = None
        message = f"Could not draw week {demo.week}: {type(err).__name__}: {err}"
    build_ms = (time.perf_counter() - start) * 1000
    with solara.Column(classes=["copsim-dashboard"], style={"padding": "8px"}):
        Notices(demo)
        if parts is None:
            solara.Error(message, classes=["copsim-error"])
            return
        runs, counters, networks, charts, events = parts
        solara.HTML(unsafe_innerHTML=runs)
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            solara.HTML(unsafe_innerHTML=counters, classes=["copsim-counters-box"])
            solara.HTML(
                unsafe_innerHTML=networks,
                classes=["copsim-networks-box"],
                style="flex: 1 1 560px",
            )
        solara.HTML(unsafe_innerHTML=charts, classes=["copsim-charts-box"])
        solara.HTML(unsafe_innerHTML=events, classes=["copsim-events-box"])
    # Outside the dashboard's box, so that screenshots of it do not change from run to run.
    solara.HTML(
        unsafe_innerHTML=(
            f'<span class="copsim-timing" data-step-ms="{demo.last_step_ms:.2f}" '
            f'data-build-ms="{build_ms:.2f}">last step {demo.last_step_ms:.1f} ms, '
            f"page built in {build_ms:.1f} ms</span>"
        ),
        style="font-size: 11px; color: #888; padding: 0 8px",
    )


def _action(demo: DemoModel, act: Callable[[], object]) -> Callable[[], None]:
    """An event handler that acts on the model, then redraws every view."""

    def handler() -> None:
        act()
        force_update()

    return handler


@solara.component
def Lever(demo: DemoModel, key: str, control) -> None:
    """One live lever: its value in words, with the schema's tooltip, over a slider."""
    update_counter.get()  # redraw when the model changes, not only when the props do
    value = demo.run(key).value(control.name)
    slug = control.name.replace(".", "-").replace("_", "-")

    def change(new: float) -> None:
        if demo.set_lever(key, control.name, new):
            force_update()

    with solara.Column(gap="0px", classes=["copsim-lever", f"copsim-lever-{slug}"]):
        with solara.Tooltip(control.tooltip):
            solara.Text(f"{control.label}: {value:g}", style={"font-size": "13px"})
        slider = solara.SliderInt if control.integer else solara.SliderFloat
        slider(
            "",
            value=int(value) if control.integer else float(value),
            min=control.low,
            max=control.high,
            step=control.step,
            on_value=change,
            thumb_label=False,
        )


@solara.component
def TrainerControls(model: solara.Reactive[DemoModel]) -> None:
    """Sidebar cards: a quarter's jump, policy events, and the live levers.

    Solara orders sidebar content by how deep in the component tree it was declared, so
    these cards are declared one level below SolaraViz's own (:func:`SidebarCards`) to
    come after its run controls.
    """
    SidebarCards(model)


@solara.component
def SidebarCards(model: solara.Reactive[DemoModel]) -> None:
    """The cards of :func:`TrainerControls`."""
    update_counter.get()
    demo = model.value
    target = solara.use_reactive("A")
    keys = [run.key for run in demo.runs]
    key = target.value if target.value in keys else keys[0]
    with solara.Sidebar():
        with solara.Card("Timeline", classes=["copsim-timeline"]):
            solara.Button(
                f"Advance a quarter ({QUARTER} weeks)",
                on_click=_action(demo, lambda: demo.advance(QUARTER)),
                disabled=not demo.running,
                color="primary",
                outlined=True,
                classes=["copsim-quarter"],
            )
            solara.HTML(
                unsafe_innerHTML="Policy events hit every run on screen, from next week:",
                style="font-size: 13px; margin: 8px 0 4px",
            )
            for shock in SHOCKS:
                with solara.Tooltip(shock.help):
                    solara.Button(
                        shock.label,
                        on_click=_action(demo, lambda shock=shock: demo.fire(shock.key)),
                        disabled=demo.finished,
                        classes=["copsim-shock", f"copsim-shock-{shock.key}"],
                        style={"margin": "2px"},
                    )
        with solara.Card("Levers (live)", classes=["copsim-levers"]):
            if len(keys) > 1:
                solara.ToggleButtonsSingle(value=target, values=keys, dense=True)
            solara.HTML(
                unsafe_innerHTML=(
                    f"Changes apply to {escape(demo.run(key).title)} from next week; hover a "
                    "name for its meaning."
                ),
                style="font-size: 12px; color: #666",
            )
            for group, controls in lever_controls():
                solara.HTML(unsafe_innerHTML=group, style="font-weight: 600; margin-top: 6px")
                for control in controls:
                    Lever(demo, key, control)


@solara.component
def Page() -> None:
    """The whole app; one model per browser tab."""
    solara.Title(TITLE)
    # A model per page instance, not per module: each browser tab has its own runs.
    initial = solara.use_memo(DemoModel, [])
    model = solara.use_reactive(initial)
    params = solara.use_memo(model_params, [])
    SolaraViz(model, components=[], model_params=params, name=TITLE, play_interval=150)
    TrainerControls(model)
    Dashboard(model)
