"""What a reader's first visit downloads, read back from the built site: the palette cut
to the colours the site uses, the stylesheet and script minified, the icon inside the
page, and the search index held back until a reader opens search (the browser test in
tests/browser/test_reader.py watches the requests themselves)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.utils import get_theme_dir

from explainer.plugin.palette import colours_used, palette_file, palette_subset
from explainer.plugin.theme import ASSETS_DIR

from .conftest import copy_project, run_cli

MATERIAL = Path(get_theme_dir("material"))
PALETTE = palette_file(MATERIAL)
USED = {("scheme", "default"), ("scheme", "slate"), ("primary", "indigo"),
        ("accent", "indigo")}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("first-visit") / "project")
    run = run_cli(root, "build")
    assert run.returncode == 0, run.stderr
    return root / "site"


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_the_palette_keeps_the_colours_in_use_and_drops_the_rest() -> None:
    assert PALETTE is not None, f"no palette stylesheet in {MATERIAL}"
    whole = PALETTE.read_text(encoding="utf-8")
    kept = palette_subset(whole, USED)
    assert "[data-md-color-scheme=slate]{" in kept
    assert "[data-md-color-primary=indigo]" in kept
    assert "[data-md-color-accent=indigo]" in kept
    for other in ("primary=red", "primary=black", "accent=pink", "primary=white"):
        assert other not in kept
        assert other in whole  # the test reads the real file
    assert len(kept) < len(whole) / 3
    assert kept.count("{") == kept.count("}")


def test_rules_in_at_rules_and_selector_lists_are_cut_too() -> None:
    css = ("/* note */@media screen{[data-md-color-primary=red],[data-md-color-primary=indigo]"
           "{--x:1}[data-md-color-primary=red]{--y:2}}:root{--z:3}"
           "[data-md-color-scheme=slate][data-md-color-primary=teal]{--w:4}")
    assert palette_subset(css, USED) == \
        "@media screen{[data-md-color-primary=indigo]{--x:1}}:root{--z:3}"


def test_the_colours_in_use_come_from_every_palette_entry() -> None:
    palette = [{"media": "(prefers-color-scheme: light)", "scheme": "default",
                "primary": "teal"},
               {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
                "accent": "red"}]
    assert colours_used(palette) == {("scheme", "default"), ("scheme", "slate"),
                                     ("primary", "teal"), ("primary", "indigo"),
                                     ("accent", "indigo"), ("accent", "red")}
    assert colours_used({"scheme": "slate"}) == {("scheme", "slate"), ("primary", "indigo"),
                                                 ("accent", "indigo")}


def test_no_page_links_the_whole_palette(site: Path) -> None:
    stylesheet = (site / "assets" / "explainer.css").read_text(encoding="utf-8")
    assert "[data-md-color-scheme=slate]{" in stylesheet
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert 'rel="stylesheet"' in text, page
        assert not re.search(r'href="[^"]*palette\.[0-9a-f]+\.min\.css"', text), page


def test_the_stylesheet_and_script_are_minified(site: Path) -> None:
    css = (site / "assets" / "explainer.css").read_text(encoding="utf-8")
    js = (site / "assets" / "new-since-visit.js").read_text(encoding="utf-8")
    source_css = sum(len(p.read_text(encoding="utf-8")) for p in (ASSETS_DIR / "css").glob("*"))
    source_js = sum(len(p.read_text(encoding="utf-8")) for p in (ASSETS_DIR / "js").glob("*"))
    assert "/*" not in css and len(css) < source_css * 0.9
    assert "\n  " not in js and len(js) < source_js * 0.7
    assert ".ex-standfirst" in css and "localStorage" in js  # what they are for is there


def test_the_icon_is_the_explainers_mark_inside_the_page(site: Path) -> None:
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        icons = re.findall(r'<link rel="icon" href="([^"]*)"', text)
        assert len(icons) == 1, page
        assert icons[0].startswith("data:image/svg+xml,%3Csvg"), page
    assert not (site / "assets" / "favicon.svg").exists()


def test_every_page_with_search_holds_its_index_back(site: Path) -> None:
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        if 'name="search"' in text:
            assert "exSearchOnDemand" in text, page
