"""Generated pages' bodies skip Markdown: the site is byte for byte what converting them
would give, with the same anchors for MkDocs' link checks, on the bundled data and on data
full of Markdown and HTML; where Markdown would have turned a data text's fence lines
into code, the text stays text. Overridden templates, other Markdown extensions and
plugins that change a page keep the Markdown path."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from explainer.render import html_body
from explainer.render.templates import PACKAGE_TEMPLATES
from explainer.yaml_source import load_yaml_bytes

from .conftest import copy_project, replace_in, run_cli
from .hardening.support import hash_tree

# Text that would be block Markdown, or break a block, were it outside an element. (Fence
# lines and tabs are left out: Markdown changes them even inside HTML; see below.)
BLOCK_PAYLOADS = [
    "\n\nAfter a blank line\n\n    indented four spaces\n# Not a heading\n- not a list\n",
    "<div>an unclosed div", "</p></figure></article></div>", "`code` *em* __strong__",
    "&amp; &lt; & ]]>", "<!-- an unclosed comment", "\n\n<div markdown=\"1\">*x*</div>\n\n",
    "a line\\\nbreak", "{: .injected }", "!!! note\n    an admonition", "<pre>", "<p>",
    "</div>\n\nloose text", "<script>alert(1)</script>", '"><svg onload=alert(1)>',
]
# Fields that are ids, references, closed sets, dates or URLs.
NOT_TEXT = {"id", "actor", "issue", "affiliation", "source", "event", "kind", "stance",
            "status", "url", "start", "end", "date", "as_of", "review_by", "published",
            "sources", "quotes", "actors", "issues", "touches"}


def with_block_payloads(root: Path) -> None:
    """One payload appended to each text field of the data, in turn."""
    payloads = itertools.cycle(BLOCK_PAYLOADS)
    for path in sorted((root / "data").glob("*.yaml")):
        entries = load_yaml_bytes(path.read_bytes(), path.name).value or []
        for entry in entries:
            for key, value in list(entry.items()):
                if key in NOT_TEXT:
                    continue
                if isinstance(value, str):
                    entry[key] = f"{value} {next(payloads)}"
                elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                    entry[key] = [f"{item} {next(payloads)}" for item in value]
        path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False,
                                       width=1_000_000), encoding="utf-8")


def build_in_process(root: Path, site: Path) -> dict[str, set[str]]:
    """Build the project; the anchors MkDocs knows of each page, by its URL."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site))
    build(config)
    files = config.plugins["explainer"].build.files  # type: ignore[attr-defined]
    return {file.page.url: set(file.page.present_anchor_ids or ())
            for file in files.documentation_pages() if file.page is not None}


def markdown_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_body, "writes_html_as_is", lambda templates, extensions: False)


@pytest.mark.parametrize("data", ["bundled", "block payloads"])
def test_the_site_is_what_markdown_would_make(data: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764403911")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = copy_project(tmp_path / "project")
    if data == "block payloads":
        with_block_payloads(root)
    joined: list[str] = []
    with_body = html_body.with_body
    monkeypatch.setattr(html_body, "with_body",
                        lambda heading, body: joined.append(body) or with_body(heading, body))
    direct = build_in_process(root, tmp_path / "direct")
    assert len(joined) >= 31  # every generated page took the direct path
    with monkeypatch.context() as patch:
        markdown_path(patch)
        converted = build_in_process(root, tmp_path / "converted")
    direct_files, converted_files = hash_tree(tmp_path / "direct"), hash_tree(tmp_path /
                                                                               "converted")
    assert sorted(direct_files) == sorted(converted_files)
    assert [name for name in direct_files if direct_files[name] != converted_files[name]] == []
    assert direct == converted
    assert {"quotes", "positions"} <= direct["actors/putin/"]
    if data == "block payloads":  # the payloads reached the pages, escaped
        page = (tmp_path / "direct" / "actors" / "putin" / "index.html").read_text()
        assert "indented four spaces" in page


def test_links_to_anchors_of_generated_pages_are_checked(project: Path) -> None:
    replace_in(project / "content" / "press-conference.md", "\n\n",
               "\n\n[Putin's quotes](actors/putin/index.md#quotes) and "
               "[nothing](actors/putin/index.md#no-such-anchor).\n\n")
    result = run_cli(project, "build", "--strict", NO_MKDOCS_2_WARNING="1")
    assert result.returncode == 1
    problems = [line for line in result.lines if "anchor" in line]
    assert len(problems) == 1, result.stderr
    assert "#no-such-anchor" in problems[0]


def test_overridden_templates_still_go_through_markdown(project: Path) -> None:
    override = project / "overrides" / "explainer" / "actor.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text((PACKAGE_TEMPLATES / "actor.html").read_text("utf-8")
                        + "\nRead **on** below.\n", "utf-8")
    result = run_cli(project, "build", NO_MKDOCS_2_WARNING="1")
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "actors" / "putin" / "index.html").read_text("utf-8")
    assert "<p>Read <strong>on</strong> below.</p>" in page


def test_anchor_ids_are_read_as_mkdocs_reads_them() -> None:
    from mkdocs.structure.pages import _HTMLHandler

    body = ('<div id="a">x</div>\n<p class="q" id=\'b&amp;c\'>y</p>\n'
            '<a name="d" href="#a">z</a><span name="not-an-anchor">w</span>'
            '<h2 data-id="no" id="e">v</h2><div ID="f"></div><div id=g></div>'
            '<p title="a>b" id="h"></p><!-- <p id="comment"> --><a href="#"name="i"></a>'
            '<script>var s = \'<b id="script">\';</script>')
    parser = _HTMLHandler()
    parser.feed(body)
    parser.close()
    assert html_body.anchor_ids(body) == parser.present_anchor_ids == set("abcdefghi") - {
        "b", "c"} | {"b&c"}


def test_a_body_is_kept_only_as_the_explainer_wrote_it() -> None:
    heading = "# Putin { #putin }\n\n"
    source = '---\ntitle: "Putin"\n---\n\n' + heading + "<p>x</p>\n"
    assert html_body.body_of(heading + "<p>x</p>\n", heading, source) == "<p>x</p>\n"
    assert html_body.body_of("Changed by a plugin\n" + heading, heading, source) is None
    assert html_body.body_of(heading + "<p>x</p>\n*Added*\n", heading, source) is None
    assert html_body.with_body("<h1>P</h1>", "<p>x</p>\n") == "<h1>P</h1>\n<p>x</p>"
    assert html_body.with_body("<h1>P</h1>", "\n \n") == "<h1>P</h1>"


def test_only_extensions_that_leave_raw_html_alone_allow_it(tmp_path: Path) -> None:
    assert html_body.writes_html_as_is(tmp_path, ["toc", "tables", "fenced_code",
                                                  "markdown.extensions.smarty"])
    assert not html_body.writes_html_as_is(tmp_path, ["toc", "pymdownx.critic"])
    assert not html_body.writes_html_as_is(tmp_path, ["toc", object()])


def edit(root: Path, kind: str, changes: dict[str, dict[str, str]]) -> None:
    path = root / "data" / f"{kind}.yaml"
    entries = load_yaml_bytes(path.read_bytes(), path.name).value
    for entry in entries:
        entry.update(changes.get(entry["id"], {}))
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), "utf-8")


def test_fence_lines_in_data_stay_text(project: Path) -> None:
    """Markdown would make code of the lines between two fences, page HTML included."""
    edit(project, "actors", {"putin": {"summary": "Met Trump.\n~~~\nHe *hoped*\n~~~\nfor more."}})
    quotes = [q["id"] for q in load_yaml_bytes(
        (project / "data" / "quotes.yaml").read_bytes(), "quotes.yaml").value
        if q["actor"] == "trump"][:2]
    edit(project, "quotes", {q: {"context": "Opening a fence\n```\nand text"} for q in quotes})
    result = run_cli(project, "build", "--strict", NO_MKDOCS_2_WARNING="1")
    assert result.returncode == 0, result.stderr
    for name in ("putin", "trump"):
        page = (project / "site" / "actors" / name / "index.html").read_text("utf-8")
        assert "<pre" not in page, name
    trump = (project / "site" / "actors" / "trump" / "index.html").read_text("utf-8")
    assert all(f'<figure class="ex-quote" id="quote-{q}"' in trump for q in quotes)
    putin = (project / "site" / "actors" / "putin" / "index.html").read_text("utf-8")
    assert "~~~\nHe <em>hoped</em>\n~~~" in putin


def test_fence_lines_in_data_stay_text_in_a_section(project: Path) -> None:
    """A section is always Markdown: a block its reference brings in is raw HTML there,
    which Markdown reads only after it has found the code fences."""
    edit(project, "quotes", {"peskov-very-positive": {"text": "a\n```\nb\n  ~~~~ c\n```\nd"}})
    edit(project, "events", {"press-conference": {"summary": "Spoke.\n~~~\nTook *no*\n~~~"}})
    result = run_cli(project, "build", "--strict", NO_MKDOCS_2_WARNING="1")
    assert result.returncode == 0, result.stderr
    for section in ("kremlin-reaction", "press-conference"):
        page = (project / "site" / section / "index.html").read_text("utf-8")
        assert "<pre" not in page and "<code" not in page, section
    kremlin = (project / "site" / "kremlin-reaction" / "index.html").read_text("utf-8")
    assert ("<p>“a\n&#96;&#96;&#96;\nb\n&#126;&#126;&#126;&#126; c\n&#96;&#96;&#96;\nd”</p>"
            in kremlin)
    # The text after the quote is still the section's own paragraph.
    assert kremlin.index('id="quote-putin-starting-point"') > kremlin.index("&#96;")
    press = (project / "site" / "press-conference" / "index.html").read_text("utf-8")
    assert "Spoke.\n&#126;&#126;&#126;\nTook <em>no</em>\n&#126;&#126;&#126;" in press


def test_a_plugin_that_changes_a_page_keeps_the_markdown_path(project: Path) -> None:
    (project / "hooks.py").write_text(
        "def on_page_markdown(markdown, page, config, files):\n"
        "    return markdown + '\\n\\n*Reviewed by the desk.*\\n'\n", "utf-8")
    replace_in(project / "mkdocs.yml", "docs_dir: content\n",
               "docs_dir: content\nhooks: [hooks.py]\n")
    result = run_cli(project, "build", NO_MKDOCS_2_WARNING="1")
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "actors" / "putin" / "index.html").read_text("utf-8")
    assert page.index("<p><em>Reviewed by the desk.</em></p>") > page.index('id="quotes"')
