"""The documentation site's configuration and its offline check (``make site`` builds it)."""

from __future__ import annotations

import yaml

from tests.conftest import REPO
from tests.site_check import API_IDS, external_assets, main, missing_api


def _site(tmp_path, body: str, css: str = ""):
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text(f"<html><head></head><body>{body}</body></html>")
    (site / "assets" / "main.css").write_text(css)
    return site


def test_local_assets_and_outbound_links_pass(tmp_path):
    site = _site(
        tmp_path,
        '<script src="assets/bundle.js"></script><link rel="stylesheet" href="assets/main.css">'
        '<img src="img/demo.png"><a href="https://hydra.cc/docs/">Hydra</a>',
        css="a{background:url(\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>\")}",
    )
    assert external_assets(site) == []


def test_remote_scripts_styles_fonts_and_images_fail(tmp_path):
    site = _site(
        tmp_path,
        '<script src="https://unpkg.com/iframe-worker/shim"></script>'
        '<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Roboto">'
        '<img src="http://example.org/logo.png"><pre class="mermaid">graph LR</pre>',
        css='@import "https://fonts.googleapis.com/css2?family=Roboto";',
    )
    problems = "\n".join(external_assets(site))
    for what in ("unpkg.com", "fonts.googleapis.com/css?", "example.org", "Mermaid", "main.css"):
        assert what in problems, what


def test_api_reference_entries_are_required(tmp_path):
    site = _site(tmp_path, "")
    (site / "api.html").write_text("".join(f'<h2 id="{name}">x</h2>' for name in API_IDS[:-1]))
    assert missing_api(site) == [f"api.html: no entry for {API_IDS[-1]}"]
    assert main([str(site)]) == 1


def test_site_config_is_offline_and_strict():
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text())
    assert config["theme"]["name"] == "material" and config["theme"]["font"] is False
    assert (config["docs_dir"], config["site_dir"]) == ("docs", "site")
    plugins = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
    assert "offline" not in plugins  # it loads a web-worker shim from a CDN
    for key in ("extra_javascript", "extra_css"):
        assert not any("//" in str(item) for item in config.get(key, []))
    assert all(level == "warn" for level in config["validation"].values())
    # Anchored: a bare site/ would also drop conf/site/ from the sdist.
    assert "/site/" in (REPO / ".gitignore").read_text().split()
    assert "mkdocs build --strict" in (REPO / "Makefile").read_text()
