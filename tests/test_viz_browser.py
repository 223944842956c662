"""The trainer demo end to end: ``copsim demo`` in Debian's headless Chromium, offline.

The server runs as the real command in a subprocess; Playwright drives Debian's chromium
(never a browser of its own) with every request that is not for this machine aborted, so
a page that needed the internet would show it. The screenshots of docs/trainer-guide.md
are taken here. Without chromium or playwright the tests skip, unless CI=true (or
COPSIM_REQUIRE_BROWSER=1), where they fail: CI must run them.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import REPO

# A real browser and server: seconds per test, so the full tier (`make test`) only.
pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The screenshots of docs/trainer-guide.md: refreshed in docs/img/ when asked
# (COPSIM_UPDATE_SCREENSHOTS=1), otherwise saved outside the checkout so a test run leaves
# the working tree as it was.
IMG = (
    REPO / "docs" / "img"
    if os.environ.get("COPSIM_UPDATE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "copsim-screenshots"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
REQUIRED = os.environ.get("CI", "").lower() == "true" or os.environ.get(
    "COPSIM_REQUIRE_BROWSER", ""
) in ("1", "true")


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason}; CI=true, so the browser test must run, not skip")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = os.environ.get("COPSIM_CHROMIUM") or shutil.which("chromium")
    if not path:
        unavailable("Debian's chromium is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[test]')")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo_url(chromium, tmp_path_factory) -> Iterator[str]:
    """``copsim demo`` on a free port, for the whole module; stopped afterwards."""
    port = free_port()
    folder = tmp_path_factory.mktemp("demo")
    log = folder / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "copsim", "demo", "--port", str(port), "--no-open"],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"copsim demo exited ({proc.returncode}):\n{log.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"copsim demo did not answer on {url}:\n{log.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert "Traceback" not in log.read_text(), log.read_text()


@dataclass
class Session:
    """One browser tab on the demo, and what it asked of the network."""

    page: object
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def week(self) -> int:
        return int(self.page.locator("table.copsim-counters").get_attribute("data-week"))

    def wait_week(self, week: int) -> None:
        self.page.wait_for_selector(f'table.copsim-counters[data-week="{week}"]')

    def choose(self, label: str, option: str) -> None:
        """Pick ``option`` in the SolaraViz select labelled ``label``."""
        page = self.page
        page.locator(".v-select").filter(has=page.locator("label", has_text=label)).click()
        page.locator(".menuable__content__active .v-list-item").filter(
            has_text=re.compile(f"^{re.escape(option)}$")
        ).click()

    def reset(self, **choices: str) -> None:
        """Choose presets (label=option) and press Reset."""
        labels = {
            "scenario_a": "Scenario (A)",
            "site_a": "Site (A)",
            "scenario_b": "Compare with scenario (B)",
            "site_b": "Site (B)",
        }
        for key, option in choices.items():
            self.choose(labels[key], option)
        self.page.get_by_role("button", name="Reset").click()
        title = f"A: {choices.get('scenario_a', 'cop')} @ {choices.get('site_a', 'typical')}"
        self.page.wait_for_selector(f'table.copsim-counters[data-week="0"] >> text="{title}"')
        # The sidebar follows the main pane by a render: wait for it too.
        self.page.wait_for_selector(f".copsim-levers >> text=Changes apply to {title} from")
        if "scenario_b" in choices:
            self.page.wait_for_selector(".copsim-levers .v-btn-toggle")

    def step(self, times: int = 1) -> None:
        for _ in range(times):
            week = self.week()
            self.page.get_by_role("button", name="Step", exact=True).click()
            self.wait_week(week + 1)

    def quarters(self, n: int) -> None:
        for _ in range(n):
            week = self.week()
            self.page.locator(".copsim-quarter").click()
            self.wait_week(week + 13)

    def lever(self, run: str, name: str, key: str, times: int = 1) -> None:
        """Press ``key`` (Home, End, ArrowRight...) on run ``run``'s lever ``name``."""
        page = self.page
        toggle = page.locator(".copsim-levers .v-btn-toggle .v-btn")
        if toggle.count():
            toggle.filter(has_text=re.compile(f"^{run}$")).click()
            page.wait_for_selector(f".copsim-levers >> text=Changes apply to {run}:")
        slug = name.replace(".", "-").replace("_", "-")
        page.locator(f".copsim-lever-{slug} [role=slider]").focus()
        for _ in range(times):
            page.keyboard.press(key)

    def counter(self, key: str, run: str = "A") -> str:
        return self.page.inner_text(f"#counter-{key}-{run}")

    def chart_points(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "svg.copsim-chart polyline", "els => els.map(e => e.getAttribute('points'))"
        )

    def shot(self, name: str, selector: str = ".copsim-dashboard") -> None:
        """Save a screenshot for docs/trainer-guide.md (into IMG, see above)."""
        IMG.mkdir(parents=True, exist_ok=True)
        page = self.page
        if selector != "body":
            # The page scrolls inside Solara's main pane: make the window tall enough for
            # the whole dashboard to be drawn, then give it its size back.
            size = page.viewport_size
            page.set_viewport_size({"width": size["width"], "height": 2000})
        page.wait_for_timeout(300)  # let the last update paint
        page.locator(selector).screenshot(path=IMG / f"{name}.png")
        if selector != "body":
            page.set_viewport_size(size)


@pytest.fixture
def session(chromium, demo_url) -> Iterator[Session]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(30_000)
        s = Session(page)

        def only_this_machine(route) -> None:
            # The network is "disconnected" for the page: nothing leaves this machine.
            if urlparse(route.request.url).hostname in LOCAL_HOSTS:
                route.continue_()
            else:
                s.outside.append(route.request.url)
                route.abort("internetdisconnected")

        context.route("**/*", only_this_machine)
        page.on(
            "response",
            lambda r: s.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on("pageerror", lambda err: s.errors.append(str(err)))
        page.goto(demo_url)
        page.wait_for_selector("table.copsim-counters")
        page.get_by_role("button", name="Step", exact=True).wait_for()
        try:
            yield s
        finally:
            browser.close()
    assert s.outside == [], f"the page reached outside this machine: {s.outside}"
    assert s.failed == [], f"requests that failed: {s.failed}"
    assert s.errors == [], f"errors in the page: {s.errors}"


def test_page_renders_fully_offline(session):
    page = session.page
    # Wait for the fonts the page asked for (evaluate awaits the promise): under load they
    # may still be loading when the test gets here; from this machine they then load.
    assert page.evaluate("document.fonts.ready.then(() => document.fonts.status)") == "loaded"
    cards = page.locator(".v-card__title").all_inner_texts()
    for title in ("Controls", "Model Parameters", "Timeline", "Levers (live)"):
        assert title in cards
    assert page.locator("svg.copsim-chart").count() == 8
    assert page.locator("svg.copsim-network").count() == 1
    # Solara's front end (Vue, Vuetify, fonts, icons) came from this machine.
    loaded = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert any("/_solara/cdn/" in url or "/static/" in url for url in loaded)
    assert all(urlparse(url).hostname in LOCAL_HOSTS for url in loaded)


def test_trainer_walkthrough(session):
    page = session.page
    session.reset(scenario_a="cop_nurtured", scenario_b="cop_unnurtured")
    assert page.inner_text("#counter-week-B") == "0 of 156"
    session.shot("demo-start", "body")

    points = session.chart_points()
    crises = session.counter("crises")
    session.step(3)
    assert session.counter("week") == "3 of 156"
    assert session.counter("crises") != crises
    assert session.chart_points() != points
    assert page.locator('svg.copsim-network[data-week="3"]').count() == 2

    page.locator(".copsim-shock-cut_funding").click()
    page.wait_for_selector(".copsim-marker")
    session.lever("A", "nurture.protected_time", "Home")
    page.wait_for_selector(".copsim-events >> text=nurture protected time = 0 (A)")
    events = page.inner_text(".copsim-events")
    assert "week 4: funding cut (budget 0.8)" in events
    assert page.locator('.copsim-marker[data-week="4"]').count() == 2 * 8
    assert "Protected time: 0" in page.inner_text(".copsim-lever-nurture-protected-time")

    session.quarters(1)
    assert session.counter("staff", "A").endswith("/ 48")  # 60 posts, budget cut to 0.8
    session.shot("demo-event")

    page.get_by_role("button", name="▶").click()
    page.wait_for_function(
        "Number(document.querySelector('table.copsim-counters').dataset.week) >= 22"
    )
    page.get_by_role("button", name="❚❚").click()
    page.get_by_role("button", name="▶").wait_for()
    page.wait_for_timeout(400)  # a step already under way when pause was pressed may land
    paused = session.week()
    page.wait_for_timeout(600)
    assert session.week() == paused  # paused means paused

    # A mistake in the page is shown there, and the demo carries on.
    page.get_by_label("Seed (both runs)").fill("abc")
    page.get_by_label("Seed (both runs)").press("Enter")
    page.get_by_role("button", name="Reset").click()
    page.wait_for_selector(".copsim-notice-error >> text=Seed 'abc' is not a whole number")
    session.step()
    assert session.counter("week") == "1 of 156"


LESSONS = {
    "lesson1-nurture": ({"scenario_a": "cop_nurtured", "scenario_b": "cop_unnurtured"}, [], 8),
    "lesson2-poor-history": (
        {
            "scenario_a": "cop",
            "site_a": "poor_history",
            "site_b": "good_history",
            "scenario_b": "cop",
        },
        [],
        4,
    ),
    "lesson2-more-brokerage": (
        {"scenario_a": "cop", "site_a": "poor_history", "scenario_b": "cop"},
        [("A", "brokerage.hours_per_week", "ArrowRight", 30)],  # 5 -> 20 hours
        6,
    ),
    "lesson3-maintenance": ({"scenario_a": "cop_nurtured", "scenario_b": "no_cop"}, [], 12),
    "lesson4-intelligence": (
        {"scenario_a": "cop_nurtured", "scenario_b": "cop_nurtured"},
        [("B", "nurture.commissioner_engagement", "Home", 1)],
        8,
    ),
}


@pytest.mark.parametrize("lesson", list(LESSONS))
def test_lesson_screenshots(session, lesson):
    choices, levers, quarters = LESSONS[lesson]
    session.reset(**choices)
    for run, name, key, times in levers:
        session.lever(run, name, key, times)
    expected = {"lesson2-more-brokerage": "Hours per week: 20"}.get(lesson)
    if expected:
        session.page.wait_for_selector(f".copsim-levers >> text={expected}")
    session.quarters(quarters)
    assert session.week() == 13 * quarters
    session.shot(lesson)
