"""Checks on the built documentation site (``make site`` runs this after mkdocs).

The site must work with no internet, when built and when read: no page may load a script,
stylesheet, font or image from another host. And its API reference must document the
public API, so a rename that drops a page section fails loudly.

Usage: ``python tests/site_check.py SITE_DIR`` (exit status 1 with one line per problem).
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

ASSET_TAGS = {"script", "link", "img", "source", "iframe", "video", "audio", "embed"}
"""Tags whose src/href the browser fetches by itself (an <a href> only when followed)."""

REMOTE = re.compile(r"^(https?:)?//", re.IGNORECASE)
CSS_REMOTE = re.compile(r"""(@import\s+["']|url\(\s*["']?)(https?:)?//""", re.IGNORECASE)

API_PAGE = "api.html"
API_IDS = (
    "copsim.run",
    "copsim.RunResult",
    "copsim.CopModel",
    "copsim.analysis.replicates.run_configurations",
    "copsim.analysis.replicates.load_sweep",
    "copsim.analysis.paired.describe",
    "copsim.analysis.paired.compare",
    "copsim.analysis.paired.paired_difference",
    "copsim.analysis.sensitivity.analyse",
    "copsim.ema.copsim_model",
)
"""Objects the API reference must document (anchors mkdocstrings gives them)."""


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.remote: list[str] = []
        self.ids: set[str] = set()
        self.mermaid = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        # Material loads Mermaid from a CDN when a page has a diagram.
        if "mermaid" in (values.get("class") or "").split():
            self.mermaid = True
        if tag not in ASSET_TAGS:
            return
        for name in ("src", "href", "srcset", "data"):
            value = (values.get(name) or "").strip()
            if REMOTE.match(value):
                self.remote.append(f"<{tag} {name}={value!r}>")
        if CSS_REMOTE.search(values.get("style") or ""):
            self.remote.append(f"<{tag} style=...> loads a remote url()")

    def handle_data(self, data: str) -> None:
        if self.lasttag == "style" and CSS_REMOTE.search(data):
            self.remote.append("<style> loads a remote url() or @import")


def parse(page: Path) -> _Assets:
    """The remote assets and element ids of one HTML page."""
    parser = _Assets()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def external_assets(site: Path) -> list[str]:
    """Every asset a page of ``site`` would fetch from another host, as ``file: what``."""
    problems = []
    for page in sorted(site.rglob("*.html")):
        found = parse(page)
        problems += [f"{page.relative_to(site)}: {what}" for what in found.remote]
        if found.mermaid:
            problems.append(f"{page.relative_to(site)}: a Mermaid diagram (loaded from a CDN)")
    for sheet in sorted(site.rglob("*.css")):
        if CSS_REMOTE.search(sheet.read_text(encoding="utf-8")):
            problems.append(f"{sheet.relative_to(site)}: loads a remote url() or @import")
    return problems


def missing_api(site: Path) -> list[str]:
    """Objects of :data:`API_IDS` that the API reference page does not document."""
    page = site / API_PAGE
    if not page.exists():
        return [f"{API_PAGE}: missing"]
    ids = parse(page).ids
    return [f"{API_PAGE}: no entry for {name}" for name in API_IDS if name not in ids]


def main(argv: list[str]) -> int:
    """Check the site folder ``argv[0]``; print one line per problem."""
    site = Path(argv[0] if argv else "site")
    if not (site / "index.html").exists():
        print(f"site check: {site}/index.html not found (run mkdocs build first)")
        return 1
    problems = external_assets(site) + missing_api(site)
    for problem in problems:
        print(f"site check: {problem}")
    if not problems:
        print(f"site check: {site} loads nothing from the internet; API reference complete")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
