"""The bundled site built by ProperDocs, the maintained fork of MkDocs 1.x, is the site
our own build makes; and no generator can publish half a site through our build."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from explainer.localsite import editor_env
from explainer.site_config import load_mkdocs_config
from explainer.verify import (
    SectionOutput,
    expected_outputs,
    section_outputs,
    verify_site,
)

from .conftest import REPO, copy_project, run_cli

GENERATOR = re.compile(r'\s*<meta name="generator" content="[^"]*">\n?')
MARKER = ".explainer-site"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("generators") / "project")


@pytest.fixture(scope="module")
def ours(project: Path) -> Path:
    out = project.parent / "ours"
    run = run_cli(project, "build", "--site-dir", str(out))
    assert run.returncode == 0, run.stderr
    return out


@pytest.fixture(scope="module")
def properdocs(project: Path, ours: Path) -> Path:
    out = project.parent / "properdocs"
    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "-f", "mkdocs.yml", "-d", str(out)],
        capture_output=True, text=True, timeout=300, cwd=project,
        env={"PATH": "/usr/bin:/bin", "HOME": str(project)})
    assert result.returncode == 0, result.stderr
    return out


def files(site: Path, pattern: str = "*") -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob(pattern)
            if p.is_file() and p.name != MARKER}


class _ArticleText(HTMLParser):
    """The text of a page's <article>: what the page says, without the theme around it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.depth += tag == "article"

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == "article" and self.depth > 0

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.chunks.append(data)


def article_text(path: Path) -> str:
    parser = _ArticleText()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join("".join(parser.chunks).split())


def test_properdocs_builds_with_material_and_the_explainer_plugin(properdocs: Path) -> None:
    page = (properdocs / "actors" / "putin" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'name="generator" content="mkdocs-ProperDocs [\d.]+, mkdocs-material-',
                     page)
    assert 'class="md-content__inner md-typeset"' in page  # Material's templates
    assert (properdocs / "data" / "all.json").is_file()  # the plugin's open data


def test_the_same_pages(ours: Path, properdocs: Path) -> None:
    assert files(properdocs, "*.html") == files(ours, "*.html")


def test_the_same_main_content_on_every_page(ours: Path, properdocs: Path) -> None:
    differ = [page for page in sorted(files(ours, "*.html"))
              if article_text(ours / page) != article_text(properdocs / page)]
    assert not differ
    assert "Vladimir Putin" in article_text(ours / "actors" / "putin" / "index.html")


def test_only_the_generator_tag_differs(ours: Path, properdocs: Path) -> None:
    """Pages, search index, sitemap, feed, cards and open data: byte for byte the same,
    once each page's <meta name="generator"> is left out."""
    assert files(properdocs) == files(ours)
    differ = []
    for name in sorted(files(ours)):
        mine, theirs = (ours / name).read_bytes(), (properdocs / name).read_bytes()
        if name.endswith(".html"):
            mine, theirs = (GENERATOR.sub("", side.decode("utf-8")) for side in (mine, theirs))
        if mine != theirs:
            differ.append(name)
    assert not differ


def test_our_check_of_the_output_passes_on_both(project: Path, ours: Path,
                                                properdocs: Path) -> None:
    config, problems = load_mkdocs_config(project)
    assert not problems
    expected, sections = expected_outputs(config), section_outputs(config)
    assert "actors/putin/index.html" in expected and "data/all.json" in expected
    assert {s.page for s in sections} >= {"index.html", "setting-the-stage/index.html"}
    assert verify_site(ours, expected, sections) is None
    assert verify_site(properdocs, expected, sections) is None


# -- a half site is never published ----------------------------------------------------


@pytest.fixture
def site_copy(ours: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(ours, tmp_path / "site"))


@pytest.fixture(scope="module")
def expectations(project: Path) -> tuple[list[str], list[SectionOutput]]:
    config, _ = load_mkdocs_config(project)
    return expected_outputs(config), section_outputs(config)


def test_a_missing_generated_page_is_found(site_copy: Path, expectations) -> None:
    (site_copy / "actors" / "trump" / "index.html").unlink()
    assert verify_site(site_copy, *expectations) == (
        "error: the build wrote no actors/trump/index.html; is the explainer plugin "
        "enabled in mkdocs.yml?")
    shutil.rmtree(site_copy / "issues")
    (site_copy / "data" / "all.json").unlink()
    assert verify_site(site_copy, *expectations).startswith(
        "error: the build wrote no issues/index.html and 9 more generated files; ")


def add_to_article(page: Path, html: str) -> None:
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</article>", f"{html}</article>", 1), encoding="utf-8")


def test_a_raw_reference_is_found(site_copy: Path, expectations) -> None:
    add_to_article(site_copy / "setting-the-stage" / "index.html",
                   "<p>Then [[actor:trump]] spoke.</p>")
    assert verify_site(site_copy, *expectations) == (
        "error: setting-the-stage/index.html shows the reference '[[actor:trump]]' as typed "
        "in content/setting-the-stage.md; the explainer plugin did not expand it")


@pytest.mark.parametrize("html", [
    "<p><code>[[actor:trump]]</code></p>",
    "<pre><code>[[quote:x]]\n</code></pre>",
    "<!-- [[actor:trump]] -->",
    '<p><span title="[[actor:trump]]">note</span></p>',
    "<p>[actor:trump] and [[not a reference]]</p>",
], ids=["code span", "code block", "comment", "attribute", "no reference"])
def test_references_shown_as_code_or_hidden_are_fine(site_copy: Path, expectations,
                                                     html: str) -> None:
    add_to_article(site_copy / "setting-the-stage" / "index.html", html)
    assert verify_site(site_copy, *expectations) is None


def test_an_escaped_reference_may_show_as_text(site_copy: Path) -> None:
    add_to_article(site_copy / "index.html", "<p>Write [[actor:putin]] for a link.</p>")
    escaped = [SectionOutput("index.html", "content/index.md", escaped=1)]
    assert verify_site(site_copy, [], escaped) is None
    add_to_article(site_copy / "index.html", "<p>[[actor:trump]]</p>")
    assert verify_site(site_copy, [], escaped) is not None


def test_escaped_references_are_counted_in_the_source(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    page = root / "content" / "index.md"
    page.write_text(page.read_text(encoding="utf-8")
                    + "\nWrite \\[\\[actor:putin]], \\[[actor:putin]] or [\\[actor:putin]].\n",
                    encoding="utf-8")
    config, _ = load_mkdocs_config(root)
    [home] = [s for s in section_outputs(config) if s.page == "index.html"]
    assert (home.source, home.escaped) == ("content/index.md", 3)


def test_a_build_with_references_as_text_passes(tmp_path: Path) -> None:
    """What the Markdown shows as typed on purpose: escaped, in code, in a comment."""
    root = copy_project(tmp_path / "project")
    page = root / "content" / "index.md"
    page.write_text(page.read_text(encoding="utf-8")
                    + "\nWrite \\[\\[actor:putin]] for a link; `[[actor:putin]]` is code.\n"
                      "<!-- [[actor:trump]] -->\n", encoding="utf-8")
    run = run_cli(root, "build")
    assert run.returncode == 0, run.stderr
    shown = article_text(root / "site" / "index.html")
    assert "Write [[actor:putin]] for a link; [[actor:putin]] is code." in shown


UNEXPANDED = """
import sys
from explainer import plugin
from explainer.cli import main

plugin.ExplainerPlugin.on_page_markdown = lambda self, markdown, **context: markdown
sys.exit(main(sys.argv[1:]))
"""


def test_a_build_that_leaves_references_raw_changes_nothing(project: Path, ours: Path,
                                                             tmp_path: Path) -> None:
    site = Path(shutil.copytree(ours, tmp_path / "site"))
    before = {name: (site / name).read_bytes() for name in files(site)}
    result = subprocess.run(
        [sys.executable, "-c", UNEXPANDED, "--root", str(project), "build",
         "--site-dir", str(site)],
        capture_output=True, text=True, timeout=300, cwd=project, env=editor_env(project))
    assert result.returncode == 1
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert re.fullmatch(r"error: \S+/index\.html shows the reference '\[\[[a-z]+:[^']+' as "
                        r"typed in content/\S+\.md; the explainer plugin did not expand it; "
                        r"\S+/ left unchanged", line), line
    assert {name: (site / name).read_bytes() for name in files(site)} == before


# -- Material's end of life ------------------------------------------------------------


def load_build_py():
    spec = importlib.util.spec_from_file_location("build_py", REPO / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("args", "noted"), [
    ([], True), (["build"], True), (["--root", "x", "build", "--site-dir", "y"], True),
    (["--root=x"], True), (["check"], False), (["serve"], False), (["test"], False),
    (["build", "--help"], False), (["--root", "build", "check"], False),
])
def test_the_end_of_life_note_follows_builds_only(monkeypatch, args: list[str],
                                                   noted: bool) -> None:
    monkeypatch.delenv("NO_MKDOCS_2_WARNING", raising=False)
    assert load_build_py()._notes_end_of_life(args) is noted


def test_upstreams_switch_hides_the_note(monkeypatch) -> None:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    assert load_build_py()._notes_end_of_life(["build"]) is False


@pytest.mark.skipif(Path(sys.prefix).resolve() != (REPO / ".venv").resolve(),
                    reason="build.py runs in place only from the project's .venv")
def test_a_successful_build_ends_with_the_note(project: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--root", str(project), "build",
         "--site-dir", str(tmp_path / "site")],
        capture_output=True, text=True, timeout=300, cwd=project,
        env={"PATH": "/usr/bin:/bin", "HOME": str(project)})
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[-3].startswith("built ")
    assert lines[-2:] == load_build_py().END_OF_LIFE_NOTE.splitlines()
    assert lines[-2].startswith("note: Material for MkDocs reaches end of life on May 5, 2027")
