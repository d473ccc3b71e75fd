"""`check` is run on every save and every commit: what it spends before and beside the
checking itself (bench/run.py measures it)."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from explainer import project
from explainer.cli import run_check
from explainer.project import Report

from .conftest import REPO, copy_project, replace_in


def test_check_runs_without_the_cycle_collector_and_restores_it(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    checking = [False]
    collections: list[int] = []

    def seen(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and checking[0]:
            collections.append(info["generation"])

    real = project.check_project

    def check_project(root: Path) -> Report:
        checking[0] = True
        try:
            return real(root)
        finally:
            checking[0] = False

    monkeypatch.setattr(project, "check_project", check_project)
    assert gc.isenabled()
    gc.callbacks.append(seen)
    try:
        assert run_check(REPO, strict=True, fmt="text") == 0
    finally:
        gc.callbacks.remove(seen)
    assert not checking[0] and collections == []
    assert gc.isenabled()
    assert "0 errors, 0 warnings" in capsys.readouterr().err


# What only a build needs: MkDocs imports the plugin whenever it reads mkdocs.yml, and
# `check` reads it.
BUILD_ONLY = ("explainer.plugin.build", "explainer.render.templates", "explainer.feed",
              "explainer.export", "explainer.cards", "PIL")


def test_check_does_not_import_what_only_a_build_needs() -> None:
    script = ("import json, sys\n"
              "from explainer.project import check_project\n"
              f"report = check_project(__import__('pathlib').Path({str(REPO)!r}))\n"
              "print(json.dumps([len(report.diagnostics), sorted(sys.modules)]))\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr
    problems, modules = json.loads(run.stdout)
    assert problems == 0
    assert "explainer.plugin.plugin" in modules  # the plugin was loaded, as a build does
    assert [name for name in modules if name.split(".")[0] == "PIL"
            or name in BUILD_ONLY] == []


# Run as `python -m explainer.cli`, with a handler that reports the interpreter's teardown.
AS_PROGRAM = ("import atexit, runpy, sys\n"
              "atexit.register(lambda: print('torn down', file=sys.stderr))\n"
              "sys.argv = ['explainer.cli', *sys.argv[1:]]\n"
              "runpy.run_module('explainer.cli', run_name='__main__')\n")


@pytest.fixture(params=[False, True], ids=["valid", "broken"])
def broken(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def root(tmp_path: Path, broken: bool) -> Path:
    """A copy of the bundled project; the broken one has one wrong actor kind."""
    project = copy_project(tmp_path / "project")
    if broken:
        replace_in(project / "data" / "actors.yaml", "kind: person", "kind: persn")
    return project


def test_check_ends_its_process_at_once_with_its_whole_report(root: Path,
                                                              broken: bool) -> None:
    run = subprocess.run([sys.executable, "-c", AS_PROGRAM, "--root", str(root), "check",
                          "--format", "github"], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == (1 if broken else 0), run.stderr
    assert "torn down" not in run.stderr
    lines = run.stderr.splitlines()
    assert lines[-3].startswith("data: ") and lines[-1].endswith(" ms)"), run.stderr
    assert ("::error file=data/actors.yaml" in run.stderr) == broken, run.stderr


def test_other_commands_end_as_usual(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-c", AS_PROGRAM, "new", str(tmp_path / "new")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines()[-1] == "torn down", run.stderr


def test_check_keeps_its_status_when_its_reader_went_away(root: Path, broken: bool) -> None:
    reader, writer = os.pipe()
    os.close(reader)  # as `check | head` once head has read its lines
    try:
        run = subprocess.run([sys.executable, "-m", "explainer.cli", "--root", str(root),
                              "check"], stdout=writer, stderr=writer, timeout=120)
    finally:
        os.close(writer)
    assert run.returncode == (1 if broken else 0)


def test_check_runs_with_its_output_stream_closed(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    run = subprocess.run([sys.executable, "-m", "explainer.cli", "--root", str(root), "check"],
                         capture_output=True, text=True, timeout=120,
                         preexec_fn=lambda: os.close(1))  # `check >&-`
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines()[-1].startswith("0 errors, 0 warnings"), run.stderr
