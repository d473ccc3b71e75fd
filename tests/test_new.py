"""`build.py new`: a new project that passes `check --strict` and builds at once, and the
folders and titles it refuses."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from explainer import localsite
from explainer.kinds import KINDS
from explainer.render.text import plain_heading
from explainer.scaffold import ScaffoldError, create_project, default_title, heading_text
from explainer.schemas import schema_texts
from explainer.site_config import load_mkdocs_config
from explainer.store import Dataset

from .conftest import REPO, run_cli
from .sitehtml import parse_page

# Quotes, a colon, '&' and '#' each mean something to YAML, Markdown or HTML.
TITLE = 'Example: "quotes" & #hash'
GENERATED = ("actors", "actors/example-person", "issues", "issues/example-issue",
             "questions", "timeline", "sources", "changes", "data")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A project created by `new`, and what `new` printed."""
    workspace = tmp_path_factory.mktemp("new")
    target = workspace / "first-story"
    result = run_cli(workspace, "new", str(target), "--title", TITLE)
    assert result.returncode == 0, result.stderr
    return target, result.stderr


@pytest.fixture(scope="module")
def built(made: tuple[Path, str]) -> Path:
    """The site built from the new project."""
    project, _ = made
    result = run_cli(project, "build")
    assert result.returncode == 0, result.stderr
    # A folder without git history gets its dates from as_of, and says so.
    assert [line for line in result.lines if line.startswith("note:")] == [
        line for line in result.lines if line.startswith("note: dates fall back to as_of:")]
    return project / "site"


def files_under(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_new_says_what_it_made_and_what_to_run_next(made: tuple[Path, str]) -> None:
    project, printed = made
    assert f"created {project}" in printed
    assert f"cd {project}" in printed
    assert f"python3 {REPO / 'build.py'} --root {project} serve" in printed


def test_new_writes_the_layout_of_a_project(made: tuple[Path, str]) -> None:
    project, _ = made
    for kind in KINDS:
        text = (project / "data" / f"{kind}.yaml").read_text(encoding="utf-8")
        assert text.splitlines()[0] == (
            f"# yaml-language-server: $schema=../schemas/{kind}.schema.json")
    assert files_under(project / "schemas") == {
        name: text.encode() for name, text in schema_texts(root=project).items()}
    assert files_under(project / "overrides") == files_under(REPO / "overrides")
    # The plugin brings its templates, stylesheet and script: nothing to copy.
    assert not (project / "content" / "assets").exists()
    assert {"site/", ".cache/"} <= set((project / ".gitignore").read_text().splitlines())
    updates = (project / "data" / "updates.yaml").read_text(encoding="utf-8")
    assert "First publication" in updates


def test_mkdocs_yml_holds_the_title_as_text_and_the_bundled_settings(
        made: tuple[Path, str]) -> None:
    project, _ = made
    config, problems = load_mkdocs_config(project)
    assert problems == []
    bundled, _ = load_mkdocs_config(REPO)
    assert config.site_name == TITLE
    assert config.site_url == "https://example.org/first-story/"
    assert config.theme.name == bundled.theme.name
    assert config.markdown_extensions == bundled.markdown_extensions
    assert config.validation == bundled.validation
    explainer = config.plugins["explainer"].config
    assert (explainer.author, explainer.publisher, explainer.about) == (
        "The editors", "The editors", {})
    nav = [next(iter(entry.values())) for entry in config.nav]
    assert nav == ["index.md", *(f"{page}/index.md" for page in GENERATED if "/" not in page)]


def test_new_project_passes_check_strict(made: tuple[Path, str]) -> None:
    project, _ = made
    result = run_cli(project, "check", "--strict")
    assert result.returncode == 0, result.stderr
    assert result.lines[-1].startswith("0 errors, 0 warnings"), result.stderr


def test_new_project_builds_with_every_reference_on_its_home_page(built: Path) -> None:
    source = (built / "index.html").read_text(encoding="utf-8")
    heading = re.search(r"<h1[^>]*>(.*?)<a class=\"headerlink\"", source, re.S)
    assert heading is not None and html.unescape(heading.group(1)).strip() == TITLE
    assert html.unescape(re.search(r"<title>(.*?)</title>", source).group(1)) == TITLE
    page = parse_page(built, built / "index.html")
    classes = {cls for _, attributes in page.tags
               for cls in (attributes.get("class") or "").split()}
    assert {"ex-quote", "ex-stances", "ex-block--questions", "ex-block--events"} <= classes
    assert {"actors/example-person/", "issues/example-issue/",
            "questions/#question-example-question", "timeline/#event-example-event",
            "sources/#source-example-source"} <= set(page.links)
    for folder in GENERATED:
        assert (built / folder / "index.html").is_file(), folder


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.md").write_text("mine\n")
    before = files_under(target)
    result = run_cli(tmp_path, "new", str(target), "--title", "Another")
    assert result.returncode == 1
    assert result.lines == [f"error: {target} is not empty; choose a new or empty folder "
                            "(nothing was written)"]
    assert files_under(target) == before
    assert sorted(p.name for p in target.iterdir()) == ["notes.md"]


def test_new_refuses_a_folder_inside_a_project(made: tuple[Path, str]) -> None:
    project, _ = made
    target = project / "content" / "nested"
    result = run_cli(project.parent, "new", str(target))
    assert result.returncode == 1
    assert len(result.lines) == 1 and "lies inside content/" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("title", ["Two\nlines", "Carriage\rreturn", "Line\u2028separator",
                                   "Escape\x1b[31m"])
def test_new_refuses_a_title_that_is_not_one_line_of_text(tmp_path: Path, title: str) -> None:
    target = tmp_path / "story"
    result = run_cli(tmp_path, "new", str(target), "--title", title)
    assert result.returncode == 1
    assert len(result.lines) == 1 and "line break or control character" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("title", [
    "It's a 'test'", 'back\\slash \\" end', "- a list?", "[flow, seq]", "{a: b}",
    "!ENV [SITE_URL, x]", "*alias &anchor", "% @ ` |", "yes", "null", "---", "a # b: c",
    "[[actor:nobody]] *not em* <b>bold</b> &amp;", "1. Numbered ## { #id }",
])
def test_a_title_stays_text_in_yaml_and_markdown(tmp_path: Path, title: str) -> None:
    target, _ = create_project(tmp_path / "story", title)
    config, problems = load_mkdocs_config(target)
    assert problems == [] and config.site_name == title
    assert plain_heading(heading_text(title), Dataset()) == title


def test_new_without_a_title_names_the_site_after_the_folder(tmp_path: Path) -> None:
    assert default_title("my-first_story") == "My First Story"
    target = tmp_path / "my-first-story"
    assert run_cli(tmp_path, "new", str(target)).returncode == 0
    config, _ = load_mkdocs_config(target)
    assert config.site_name == "My First Story"


def test_new_leaves_nothing_behind_when_it_fails(tmp_path: Path) -> None:
    tool = localsite.copy_project(REPO, tmp_path / "tool",
                                  parts=("mkdocs.yml", "overrides", "content"))
    # A stylesheet the bundled site names but does not have: found once writing began.
    config = tool / "mkdocs.yml"
    config.write_text(config.read_text() + "\nextra_css:\n  - assets/missing.css\n")
    target = tmp_path / "parent" / "story"
    with pytest.raises(ScaffoldError, match="missing.css"):
        create_project(target, "A story", tool_root=tool)
    assert not (tmp_path / "parent").exists()


def test_new_says_where_the_bundled_project_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError, match="bundled project is not beside"):
        create_project(tmp_path / "story", "A story", tool_root=tmp_path / "elsewhere")
    assert not (tmp_path / "story").exists()
