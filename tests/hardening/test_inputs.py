"""`check` validates exactly what the build reads, and both answer bad inputs (pipes,
loops, folders where files belong, broken mkdocs.yml or templates, an unsafe SITE_URL,
pages the explainer would overwrite, the serve address) with one line and no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from explainer.localsite import free_port
from explainer.site_build import parse_dev_addr

from ..conftest import copy_project, run_cli
from .support import hash_tree

ENV = {"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"}


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
    "unknown reference in .markdown": (
        lambda r: (r / "content" / "extra.markdown").write_text("# X\n\n[[actor:nobody]]\n"),
        "content/extra.markdown:3:1: error: unknown actor 'nobody'"),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_check_and_build_agree_with_one_line(root: Path, name: str) -> None:
    breakage, expected = BREAKAGES[name]
    breakage(root)
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
])
def test_an_unsafe_site_url_stops_check_and_build(root: Path, value: str,
                                                  message: str) -> None:
    before = hash_tree(root)
    for command in ("check", "build"):
        result = subprocess.run(
            [sys.executable, "-m", "explainer.cli", "--root", str(root), command],
            capture_output=True, text=True, timeout=120, cwd=root,
            env={**ENV, "HOME": str(root), "SITE_URL": value})
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
