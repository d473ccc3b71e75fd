"""`check` validates exactly what the build reads, and both answer bad inputs (pipes,
loops, folders where files belong, broken mkdocs.yml or templates, an unsafe SITE_URL,
pages the explainer would overwrite, the serve address) with one line and no traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explainer.diagnostics import Diagnostic
from explainer.localsite import free_port
from explainer.render.templates import PACKAGE_TEMPLATES
from explainer.site_build import parse_dev_addr
from explainer.urls import site_url_problem

from ..conftest import copy_project, replace_in, run_cli
from .support import hash_tree


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("inputs") / "project")


@pytest.fixture
def root(template: Path, tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(template, tmp_path / "project", symlinks=True)
    return tmp_path / "project"


def _pipe(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "inside.txt").write_text("x")


def _loop(root: Path) -> None:
    (root / "content" / "loop").symlink_to("..")


def _dangling(root: Path) -> None:
    (root / "content" / "gone.md").symlink_to("nowhere.md")


def _set_site_url(root: Path, value: str) -> None:
    lines = (root / "mkdocs.yml").read_text().splitlines(keepends=True)
    lines[7] = f"site_url: {value}\n"  # line 8, where the tests expect it
    (root / "mkdocs.yml").write_text("".join(lines))


def _prepend(path: Path, text: str) -> None:
    path.write_text(text + path.read_text())


def _badly_named(root: Path) -> None:
    # A name that is not UTF-8 can only be made from bytes.
    with open(os.path.join(os.fsencode(root / "content"), b"bad-\xff.md"), "wb") as file:
        file.write(b"# Bad\n")


BREAKAGES = {
    "data file is a pipe": (lambda r: _pipe(r / "data" / "actors.yaml"),
                            "data/actors.yaml:1:1: error: data/actors.yaml is a named pipe, "
                            "not a regular file; replace it with a text file"),
    "data file is a folder": (lambda r: _folder(r / "data" / "actors.yaml"),
                              "data/actors.yaml:1:1: error: data/actors.yaml is a folder where "
                              "a file is expected; move the folder away and save a text file "
                              "here"),
    "section is a pipe": (lambda r: _pipe(r / "content" / "notes.md"),
                          "content/notes.md:1:1: error: a named pipe here would stop the "
                          "build; remove it"),
    "picture is a pipe": (lambda r: _pipe(r / "content" / "map.png"),
                          "content/map.png:1:1: error: a named pipe here would stop the "
                          "build; remove it"),
    "template is a pipe": (lambda r: _pipe(r / "overrides" / "extra.html"),
                           "overrides/extra.html:1:1: error: a named pipe here would stop the "
                           "build; remove it"),
    "symlink loop": (_loop, "content/loop:1:1: error: symbolic link loop (it points at a "
                            "folder that contains it); remove the link"),
    "dangling link": (_dangling, "content/gone.md:1:1: error: dangling symbolic link; remove "
                                 "it or point it at a real file"),
    "template syntax": (lambda r: (r / "overrides" / "main.html").write_text(
                            '{% extends "base.html" %}\n{% block content %}\n{% if %}\n'),
                        "overrides/main.html:3:1: error: template syntax: Expected an "
                        "expression, got 'end of statement block'"),
    "generated page name": (lambda r: (r / "content" / "timeline.md").write_text("# Mine\n"),
                            "content/timeline.md:1:1: error: this page's address /timeline/ "
                            "is taken by the generated events index, which would silently "
                            "replace it; rename the file"),
    "generated file name": (lambda r: ((r / "content" / "data").mkdir(),
                                       (r / "content" / "data" / "all.json").write_text("{}")),
                            "content/data/all.json:1:1: error: the explainer writes "
                            "/data/all.json itself, which would silently replace this file; "
                            "rename it"),
    "broken mkdocs.yml": (lambda r: (r / "mkdocs.yml").write_text(
                              (r / "mkdocs.yml").read_text() + "theme: [\n"),
                          "mkdocs.yml:"),
    "bad mkdocs.yml setting": (lambda r: (r / "mkdocs.yml").write_text(
                                   (r / "mkdocs.yml").read_text().replace(
                                       "docs_dir: content", "docs_dir: nowhere")),
                               "mkdocs.yml:10:1: error: docs_dir: The path "),
    "control character in a section": (
        lambda r: (r / "content" / "index.md").write_text("# Overview\n\nBell \x07 here\n"),
        "content/index.md:3:6: error: control character U+0007 in the text; remove it"),
    "site_url MkDocs cannot parse": (lambda r: _set_site_url(r, "http://[::1"),
                                     "mkdocs.yml:8:1: error: site_url: Invalid IPv6 URL"),
    "mkdocs.yml inherits itself": (lambda r: _prepend(r / "mkdocs.yml", "INHERIT: mkdocs.yml\n"),
                                   "mkdocs.yml:1:1: error: INHERIT: mkdocs.yml leads back to "
                                   "mkdocs.yml"),
    "file name not UTF-8": (_badly_named, "content/bad-\\xff.md:1:1: error: file name is not "
                                          "valid UTF-8; rename it"),
    "own page at a generated index": (
        lambda r: ((r / "content" / "actors").mkdir(),
                   (r / "content" / "actors" / "index.md").write_text("# Mine\n")),
        "content/actors/index.md:1:1: error: this page's address /actors/ is taken by the "
        "generated actors index"),
    "unknown reference after front matter": (
        lambda r: (r / "content" / "extra.md").write_text(
            "---\ntitle: Extra\n---\n\n[[actor:nobody]]\n"),
        "content/extra.md:5:1: error: unknown actor 'nobody'"),
    "unknown reference in .markdown": (
        lambda r: (r / "content" / "extra.markdown").write_text("# X\n\n[[actor:nobody]]\n"),
        "content/extra.markdown:3:1: error: unknown actor 'nobody'"),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_check_and_build_agree_with_one_line(root: Path, name: str) -> None:
    breakage, expected = BREAKAGES[name]
    breakage(root)
    _assert_one_line(root, expected)


def _assert_one_line(root: Path, expected: str) -> None:
    check = run_cli(root, "check", timeout=60)
    build = run_cli(root, "build", timeout=120)
    for run in (check, build):
        assert run.returncode == 1, run.stderr
        assert "Traceback" not in run.stderr, run.stderr[-2000:]
        assert run.lines[0].startswith(expected), run.stderr
        assert all(line.count(": error: ") <= 1 for line in run.lines), run.stderr
    assert check.lines[0] == build.lines[0]
    assert not (root / "site").exists()


def test_files_the_build_skips_are_not_checked(root: Path) -> None:
    # MkDocs leaves out dot-files, so a draft named like one is neither built nor checked.
    (root / "content" / ".draft.md").write_text("# Draft\n\n[[actor:nobody]]\n")
    check = run_cli(root, "check")
    assert check.returncode == 0, check.stderr
    build = run_cli(root, "build")
    assert build.returncode == 0, build.stderr


@pytest.mark.parametrize("value, message", [
    ("", "site_url is empty (is SITE_URL set to nothing?)"),
    ('https://example.org/"><script>alert(1)</script>',
     "contains a space, quote, angle bracket or control character"),
    ("https://example.org/a b/", "contains a space, quote, angle bracket or control character"),
    ("https://example.org/x/?utm=1", "must not have a ?query or #fragment"),
    ("https://example.org/x/#top", "must not have a ?query or #fragment"),
    ("ftp://example.org/", "must start with http:// or https:// and name a host"),
    ("example.org", "it should include the http:// (scheme)"),  # MkDocs' own check
    ("http://[::1/", "Invalid IPv6 URL"),  # raised, not reported, by MkDocs
])
def test_an_unsafe_site_url_stops_check_and_build(root: Path, value: str,
                                                  message: str) -> None:
    before = hash_tree(root)
    for command in ("check", "build"):
        result = run_cli(root, command, timeout=120, SITE_URL=value)
        assert result.returncode == 1, result.stderr
        first = result.stderr.splitlines()[0]
        assert first.startswith("mkdocs.yml:8:1: error: site_url"), result.stderr
        assert message in first, first
    assert hash_tree(root) == before


@pytest.mark.parametrize("text, expected", [
    ("127.0.0.1:8000", ("127.0.0.1", 8000)),
    ("localhost", ("localhost", 8000)),
    ("18733", ("127.0.0.1", 18733)),
    ("[::1]:8001", ("::1", 8001)),
    ("[::1]", ("::1", 8000)),
])
def test_dev_addr_forms(text: str, expected: tuple[str, int]) -> None:
    assert parse_dev_addr(text) == expected


@pytest.mark.parametrize("text, message", [
    ("localhost:99999", "port '99999' must be a number from 1 to 65535"),
    ("localhost:http", "port 'http' must be a number from 1 to 65535"),
    ("::1:8000", "looks like an IPv6 address; write it in brackets"),
    (":8000", "names no host"),
    ("\u00b9\u00b2\u00b3", "port '\u00b9\u00b2\u00b3' must be a number from 1 to 65535"),
])
def test_bad_dev_addr_is_one_line(root: Path, text: str, message: str) -> None:
    run = run_cli(root, "serve", "--dev-addr", text, timeout=60)
    assert run.returncode == 2, run.stderr
    assert run.lines == [run.lines[0]] and message in run.lines[0], run.stderr


def test_serve_on_a_taken_port_is_one_line(root: Path) -> None:
    import socket

    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        run = run_cli(root, "serve", "--dev-addr", f"127.0.0.1:{port}", timeout=120)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    assert f"error: cannot listen on 127.0.0.1:{port}" in run.stderr, run.stderr


# -- mkdocs.yml may not run code -------------------------------------------------------


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system",
    "!<tag:yaml.org,2002:python/object/apply:os.system>",
    "!py!object/apply:os.system",  # through a %TAG directive
])
def test_mkdocs_yml_may_not_construct_python_objects(root: Path, tag: str) -> None:
    marker = root.parent / "constructed"
    config = root / "mkdocs.yml"
    text = config.read_text()
    if tag.startswith("!py!"):
        text = "%TAG !py! tag:yaml.org,2002:python/\n---\n" + text
    config.write_text(text + f'extra:\n  x: {tag} ["touch {marker}"]\n')
    line = len(config.read_text().splitlines())
    _assert_one_line(root, f"mkdocs.yml:{line}:6: error: mkdocs.yml may not construct Python "
                           "objects; remove the !!python tag")
    assert not marker.exists()


def test_a_python_tag_nested_deep_is_refused(root: Path) -> None:
    marker = root.parent / "constructed"
    depth = 1_001  # deeper than libyaml would parse
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "extra:\n  x: " + "[" * depth
                      + f'!!python/object/apply:os.system ["touch {marker}"]' + "]" * depth
                      + "\n")
    line = len(config.read_text().splitlines())
    _assert_one_line(root, f"mkdocs.yml:{line}:{6 + depth}: error: mkdocs.yml may not "
                           "construct Python objects; remove the !!python tag")
    assert not marker.exists()


def test_a_python_tag_libyaml_would_read_as_text_is_refused(root: Path) -> None:
    # libyaml ends the tag `!!str,'` at the comma and reads on into a quoted scalar that
    # hides the next tag; MkDocs' parser reads the comma and quote as part of the tag.
    marker = root.parent / "constructed"
    config = root / "mkdocs.yml"
    hidden = ("extra: {a: !!str,' , <<: {y: !!python/object/apply:os.system "
              '["touch MARKER"]}, b: !!str,\' }\n').replace("MARKER", str(marker))
    config.write_text(config.read_text() + hidden)
    line = len(config.read_text().splitlines())
    _assert_one_line(root, f"mkdocs.yml:{line}:{hidden.index('!!python') + 1}: error: "
                           "mkdocs.yml may not construct Python objects")
    assert not marker.exists()


def test_an_inherit_libyaml_would_not_see_is_followed(root: Path) -> None:
    # libyaml splits the %TAG prefix at the comma of "tag:yaml.org,2002:", and so reads
    # no INHERIT key in this flow mapping, where MkDocs reads one.
    marker = root.parent / "constructed"
    config = root / "mkdocs.yml"
    base = config.read_text() + (f'extra:\n  x: !!python/object/apply:os.system '
                                 f'["touch {marker}"]\n')
    (root / "base.yml").write_text(base)
    config.write_text("%TAG !y! tag:yaml.or\n---\n{!y!g,2002:str INHERIT: base.yml}\n")
    line = len(base.splitlines())
    _assert_one_line(root, f"base.yml:{line}:6: error: mkdocs.yml may not construct Python "
                           "objects")
    assert not marker.exists()


def test_a_python_tag_in_an_inherited_file_is_refused(root: Path) -> None:
    marker = root.parent / "constructed"
    (root / "base.yml").write_text(f'extra:\n  x: !!python/object/apply:os.system '
                                   f'["touch {marker}"]\n')
    _prepend(root / "mkdocs.yml", "INHERIT: base.yml\n")
    _assert_one_line(root, "base.yml:2:6: error: mkdocs.yml may not construct Python objects")
    assert not marker.exists()


def test_env_and_relative_tags_still_work(root: Path) -> None:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "extra:\n  base: !relative $config_dir\n"
                      "  mode: !ENV [EXPLAINER_MODE, plain]\n")
    check = run_cli(root, "check")
    assert check.returncode == 0, check.stderr


# -- the plugin's options ---------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "message"), [
    ('        startDate: "2025-08-15"', "        startDate: 2025-08-15",
     "option 'about': startDate is a date as YAML reads it; put it in quotes: "
     '"2025-08-15"'),
    ("          name: Joint Base Elmendorf-Richardson, Anchorage, Alaska",
     "          name: [Anchorage, 2025-08-15]",
     "option 'about': location.name[1] is a date as YAML reads it"),
    ("      intros:\n", "      cache_dir: mkdocs.yml/cache\n      intros:\n",
     "option 'cache_dir': 'mkdocs.yml/cache' cannot be a folder: mkdocs.yml is a file; give "
     "the explainer plugin a cache_dir of its own, such as .cache"),
    ("        questions: >-", "        questons: >-",
     "option 'intros': 'questons' is not a kind of fact (did you mean 'questions'?)"),
    ("        questions: >-\n", "        questions: [1, {a: 2}]\n        sources: >-\n",
     "option 'intros': the intro of questions must be a sentence of text"),
])
def test_a_bad_plugin_option_is_one_line(root: Path, old: str, new: str,
                                         message: str) -> None:
    replace_in(root / "mkdocs.yml", old, new)
    _assert_one_line(root, f"mkdocs.yml:{_line_of(root / 'mkdocs.yml', 'plugins:')}:1: "
                           f"error: plugins: Plugin 'explainer' {message}")


def _line_of(path: Path, start: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1)
                if line.startswith(start))


# -- content the build reads -----------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_section_that_fails_to_read_is_one_line(root: Path) -> None:
    (root / "content" / "mem.md").symlink_to("/proc/self/mem")
    _assert_one_line(root, "content/mem.md:1:1: error: content/mem.md cannot be read "
                           "(Input/output error)")


def test_front_matter_is_not_scanned_for_references(root: Path) -> None:
    # MkDocs takes front matter as page settings, so the build never expands it.
    (root / "content" / "extra.md").write_text(
        '---\ntitle: "[[actor:nobody]]"\n---\n\n# Extra\n')
    for command in ("check", "build"):
        run = run_cli(root, command, timeout=120)
        assert run.returncode == 0, run.stderr


def test_a_static_file_at_a_generated_page_is_refused(root: Path) -> None:
    (root / "content" / "issues").mkdir()
    (root / "content" / "issues" / "index.html").write_text("<p>mine</p>\n")
    check = run_cli(root, "check")
    assert check.returncode == 1, check.stderr
    assert check.lines[0] == (
        "content/issues/index.html:1:1: error: this file's address /issues/index.html is "
        "taken by the generated issues index, which would silently replace it; rename the "
        "file"), check.stderr


def test_a_nav_entry_naming_no_page_is_refused(root: Path) -> None:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "  - Missing: missing.md\n"
                      "  - Elsewhere: https://example.org/more/\n")
    line = len(config.read_text().splitlines()) - 1
    check = run_cli(root, "check")
    assert check.returncode == 1, check.stderr
    assert check.lines[0] == (
        f"mkdocs.yml:{line}:14: error: nav entry 'missing.md' names no page; create "
        "content/missing.md or remove the entry"), check.stderr
    assert len([line for line in check.lines if ": error: " in line]) == 1, check.stderr
    build = run_cli(root, "build")
    assert build.returncode == 1 and "Traceback" not in build.stderr, build.stderr


def test_a_file_name_cannot_forge_a_diagnostic(root: Path) -> None:
    forged = "index.md:1:1: error: forged"  # no '/': it is one file name
    (root / "content" / f"evil\n{forged}.md").write_text("# Evil\n\n[[actor:nobody]]\n")
    for command in ("check", "build"):
        run = run_cli(root, command, timeout=120)
        assert run.returncode == 1, run.stderr
        assert "Traceback" not in run.stderr, run.stderr[-2000:]
        assert not any(line.startswith(forged) for line in run.lines), run.stderr
        assert f"content/evil\\n{forged}.md:3:1: error: unknown actor" in run.stderr


def test_as_text_escapes_control_characters_in_the_path() -> None:
    shown = Diagnostic("content/a\rb\n.md", 1, 1, "error", "x").as_text()
    assert shown == "content/a\\rb\\n.md:1:1: error: x"


# -- the published address --------------------------------------------------------------


@pytest.mark.parametrize("value, message", [
    ("https://example.org:0/", "port"),
    ("https://example.org:65536/", "not a valid URL"),
    ("https://example.org:/", "port"),
    ("https://example.org:\uff18\uff10/", "not a valid URL"),
    ("https://example.org/caf%zz/", "% not followed by two hexadecimal digits"),
    ("https://a..b/", "host name"),
    ("https://-bad-.example/", "host name"),
    ("https://example.org./x/", None),
    ("https://example.org:8443/caf%C3%A9/", None),
    ("http://[::1]:8000/", None),
    ("http://127.0.0.1/", None),
])
def test_site_url_ports_escapes_and_host_names(value: str, message: str | None) -> None:
    problem = site_url_problem(value)
    if message is None:
        assert problem is None, problem
    else:
        assert problem is not None and message in problem, problem


@pytest.mark.parametrize("text, message", [
    ("127.0.0.1:\uff18\uff10\uff10\uff10", "must be a number from 1 to 65535"),
    ("\u00b9\u00b2\u00b3", "must be a number from 1 to 65535"),
    ("9" * 5000, "must be a number from 1 to 65535"),
    ("http://127.0.0.1:8123", "give host:port without http://"),
    ("https://localhost", "give host:port without http://"),
])
def test_dev_addr_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_dev_addr(text)


@pytest.mark.parametrize("snippet, expected", [
    ("{{ 1 // 0 }}", "ZeroDivisionError: integer division or modulo by zero while rendering"),
    ("{% macro loop() %}{{ loop() }}{% endmacro %}{{ loop() }}", "RecursionError"),
])
def test_a_template_failing_at_run_time_is_one_line(root: Path, snippet: str,
                                                     expected: str) -> None:
    # A site's override of one of the explainer's own templates.
    actor = root / "overrides" / "explainer" / "actor.html"
    actor.parent.mkdir(parents=True, exist_ok=True)
    original = (PACKAGE_TEMPLATES / "actor.html").read_text(encoding="utf-8")
    actor.write_text(original + "\n" + snippet + "\n")
    run = run_cli(root, "build", timeout=120)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    [line] = [line for line in run.lines if ": error: " in line or line.startswith("error:")]
    assert line.startswith("overrides/explainer/actor.html:"), line
    assert expected in line, line
    assert not (root / "site").exists()
