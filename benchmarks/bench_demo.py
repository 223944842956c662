"""How long a step takes in the trainer demo, from the click to the redrawn page.

Starts ``copsim demo`` on a free port, opens it in Debian's headless chromium (Playwright,
never a downloaded browser, every non-local request blocked) and presses Step through a
whole default run (156 weeks), once with run A alone (the default page) and once with A and
B side by side. Each step is timed inside the page: from the click to the moment the
counters, all eight charts and the networks show the new week (``DOM``), and to the next
animation frame after that (``painted``). The server's own share (model step and building
the page's HTML) is read from the page's timing line.

Also times the parts in-process, without a browser: the demo model's step and the page's
HTML for one week, at the end of a run (the longest series).

    python benchmarks/bench_demo.py [--weeks 156] [--chromium /usr/bin/chromium]

The budget is 200 ms per step in the app at default size.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from urllib.parse import urlparse

from copsim.viz import app
from copsim.viz.session import DemoModel

STEP_JS = """
async (n) => {
  const step = [...document.querySelectorAll('button')]
    .find(b => b.textContent.trim() === 'Step');
  const week = () => Number(document.querySelector('table.copsim-counters').dataset.week);
  const done = (w) => week() === w
    && [...document.querySelectorAll('svg.copsim-chart, svg.copsim-network')]
         .every(s => Number(s.dataset.week) === w);
  const out = [];
  for (let i = 0; i < n; i++) {
    const target = week() + 1;
    const t0 = performance.now();
    let tDom;
    await new Promise((resolve) => {
      const obs = new MutationObserver(() => {
        if (done(target)) { tDom = performance.now(); obs.disconnect(); resolve(); }
      });
      obs.observe(document.body, {subtree: true, childList: true, attributes: true,
                                  characterData: true});
      step.click();
    });
    await new Promise((r) => requestAnimationFrame(() => r()));
    const timing = document.querySelector('.copsim-timing');
    out.push({dom: tDom - t0, painted: performance.now() - t0,
              step: Number(timing.dataset.stepMs), build: Number(timing.dataset.buildMs)});
  }
  return out;
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def summary(name: str, values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    return (
        f"  {name:<28} median {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms   "
        f"max {values[-1]:7.1f} ms"
    )


def in_process(weeks: int) -> None:
    print("in-process (no browser):")
    for label, kwargs in (
        ("A alone", {}),
        ("A and B", {"scenario_a": "cop_nurtured", "scenario_b": "cop_unnurtured"}),
    ):
        demo = DemoModel(**kwargs)
        steps, builds = [], []
        for _ in range(weeks):
            t0 = time.perf_counter()
            demo.step()
            steps.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            app.counters_html(demo), app.networks_html(demo), app.charts_html(demo)
            builds.append((time.perf_counter() - t0) * 1000)
        print(summary(f"{label}: model step", steps))
        print(summary(f"{label}: page HTML", builds))


def in_browser(chromium: str, weeks: int) -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen(
            [sys.executable, "-m", "copsim", "demo", "--port", str(port), "--no-open"],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(url, timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("copsim demo did not start") from None
                    time.sleep(0.3)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=chromium,
                    args=[
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                    ],
                )
                for label, compare in (("A alone", None), ("A and B", "cop_unnurtured")):
                    page = browser.new_page(viewport={"width": 1600, "height": 1000})
                    page.route(
                        "**/*",
                        lambda r: (
                            r.continue_()
                            if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost")
                            else r.abort()
                        ),
                    )
                    page.goto(url)
                    page.wait_for_selector("table.copsim-counters")
                    if compare:
                        page.locator(".v-select").filter(
                            has=page.locator("label", has_text="Compare with scenario (B)")
                        ).click()
                        page.locator(".menuable__content__active .v-list-item").filter(
                            has_text=compare
                        ).click()
                        page.get_by_role("button", name="Reset").click()
                        page.wait_for_selector("#counter-week-B")
                    page.wait_for_timeout(500)
                    rows = page.evaluate(STEP_JS, weeks)
                    print(f"in the app, Chromium, {label}, {len(rows)} steps (weeks 1-{weeks}):")
                    print(summary("click to DOM updated", [r["dom"] for r in rows]))
                    print(summary("click to painted", [r["painted"] for r in rows]))
                    print(summary("server: model step", [r["step"] for r in rows]))
                    print(summary("server: page HTML", [r["build"] for r in rows]))
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    opts = parser.parse_args()
    in_process(opts.weeks)
    in_browser(opts.chromium, opts.weeks)


if __name__ == "__main__":
    main()
