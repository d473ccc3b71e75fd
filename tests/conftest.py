"""Shared fixtures: a throwaway copy of the project to break and build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from explainer import localsite

REPO = Path(__file__).resolve().parent.parent


def copy_project(target: Path) -> Path:
    """A copy of the bundled project at `target`."""
    return localsite.copy_project(REPO, target)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the bundled project that a test may change freely."""
    return copy_project(tmp_path / "project")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()


def run_cli(root: Path, *args: str, timeout: float = 300, **env: str) -> Run:
    """Run the command line as an editor would, in a separate process, with `env` added
    to the editor's environment."""
    result = localsite.run_cli(root, *args, timeout=timeout, **env)
    return Run(result.returncode, result.stdout, result.stderr)


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line containing `needle`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")
