"""What a reader's first visit downloads, read back from the built site: the palette cut
to the colours the site uses, the stylesheet and script minified, the icon inside the
page, and the search index held back until a reader opens search (the browser test in
tests/browser/test_reader.py watches the requests themselves)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

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


def test_colour_names_and_negations_are_read_as_material_writes_them() -> None:
    """"deep purple" is data-md-color-primary="deep-purple" on the page; a rule that only
    rules the dark scheme out applies to a site with the light scheme alone."""
    assert PALETTE is not None
    whole = PALETTE.read_text(encoding="utf-8")
    purple = palette_subset(whole, colours_used({"primary": "deep purple"}))
    assert "[data-md-color-primary=deep-purple]{" in purple
    amber = palette_subset(whole, colours_used({"scheme": "default", "primary": "amber"}))
    assert "[data-md-color-primary=amber]:not([data-md-color-scheme=slate])" in amber
    assert "[data-md-color-scheme=slate]{" not in amber


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
    mark = (ASSETS_DIR / "favicon.svg").read_text(encoding="utf-8").strip()
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        icons = re.findall(r'<link rel="icon" href="([^"]*)"', text)
        assert len(icons) == 1, page
        address = urlsplit(html.unescape(icons[0]))
        assert (address.scheme, address.fragment) == ("data", ""), page  # all of it
        media, _, svg = unquote(address.path).partition(",")
        assert media == "image/svg+xml" and svg == mark, page
    ElementTree.fromstring(mark)  # well-formed


def test_every_page_with_search_holds_its_index_and_the_sitemap_back(site: Path) -> None:
    with_search = [page for page in html_pages(site)
                   if 'name="search"' in page.read_text(encoding="utf-8")]
    assert len(with_search) > 30  # every page of the bundled site
    for page in with_search:
        text = page.read_text(encoding="utf-8")
        assert "exOnDemand" in text and "sitemap" in text, page


def test_the_explainers_stylesheet_comes_before_the_sites_own(tmp_path: Path) -> None:
    """Where Material linked its palette: a site's rule wins at the same specificity."""
    root = copy_project(tmp_path / "project")
    (root / "content" / "assets").mkdir(parents=True, exist_ok=True)
    (root / "content" / "assets" / "site.css").write_text(
        "[data-md-color-scheme=slate]{--md-default-bg-color:#000}\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8")
                      + "\nextra_css:\n  - assets/site.css\n", encoding="utf-8")
    run = run_cli(root, "build")
    assert run.returncode == 0, run.stderr
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', home)
    assert [link for link in links if "assets/" in link and "stylesheets" not in link] == \
        ["assets/explainer.css", "assets/site.css"]


def test_pages_carry_no_blank_lines_or_indentation_between_tags(site: Path) -> None:
    kept = re.compile(r"<(pre|textarea|code|kbd|script|style)\b.*?</\1>", re.S | re.I)
    for page in html_pages(site):
        text = kept.sub("<kept/>", page.read_text(encoding="utf-8"))
        loose = re.search(r">[ \t]*\n[ \t]*\n|\n[ \t]+<|>\n[ \t]+", text)
        assert loose is None, (page, text[max(loose.start() - 80, 0):loose.end() + 80])


def test_the_inline_search_script_is_minified(site: Path) -> None:
    page = (site / "index.html").read_text(encoding="utf-8")
    script = next(s for s in re.findall(r"<script>(.*?)</script>", page, re.S)
                  if "exOnDemand" in s)
    assert script.startswith("(function(){")
    assert not re.search(r"\n[ \t]", script)  # no indentation
    assert "once per document" not in script  # nor comments


def test_white_space_is_compacted_only_where_it_does_not_show() -> None:
    from explainer.render.compact_html import compact_html

    page = ('<div>\n\n    <p class="a  b" title="x >\n\n  y">Two  words\n      here</p>\n'
            '  </div>\n<pre>  keep\n\n   this<!-- </pre> -->\n\n b</pre>\n   <code> x\n\n y </code>'
            '\n<script>\n  var a = "\n\n";\n</script>\n  <TEXTAREA>\n\n a</TEXTAREA>\n\n'
            '<kbd>\n k</kbd><style>\n  p { }\n</style>\n<!-- a\n\n  note -->\n  text\n')
    assert compact_html(page) == (
        '<div>\n<p class="a  b" title="x >\n\n  y">Two  words\nhere</p>\n'
        '</div>\n<pre>  keep\n\n   this<!-- </pre> -->\n\n b</pre>\n<code> x\n\n y </code>'
        '\n<script>\n  var a = "\n\n";\n</script>\n<TEXTAREA>\n\n a</TEXTAREA>\n'
        '<kbd>\n k</kbd><style>\n  p { }\n</style>\n<!-- a\n\n  note -->\ntext\n')
