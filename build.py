#!/usr/bin/env python3
"""Command line for the explainer: build, check, serve, test.

    python3 build.py            validate the data and build the site into site/
    python3 build.py check      validate only (add --strict, --format github)
    python3 build.py serve      live preview on http://127.0.0.1:8000/
    python3 build.py test       run the whole test suite

This file only uses the standard library: on first run it creates .venv/ with the exact
versions from requirements.lock, then hands over to the `explainer` package inside it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".explainer-installed"
INSTALL_INPUTS = ("requirements.lock", "pyproject.toml")


def _wanted_stamp() -> str:
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def _run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"build.py: command failed ({result.returncode}): {' '.join(cmd)}")


def ensure_venv() -> None:
    """Create or refresh .venv when requirements.lock or pyproject.toml changed."""
    wanted = _wanted_stamp()
    if STAMP.exists() and STAMP.read_text() == wanted and VENV_PYTHON.exists():
        return
    if not VENV_PYTHON.exists():
        print("build.py: creating .venv (first run only)", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print("build.py: installing pinned dependencies into .venv", file=sys.stderr)
    pip = [str(VENV_PYTHON), "-m", "pip", "--disable-pip-version-check"]
    _run([*pip, "install", "--quiet", "-r", "requirements.lock"])
    _run([*pip, "install", "--quiet", "--no-deps", "--no-build-isolation", "-e", "."])
    STAMP.write_text(wanted)


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must run on old Pythons too
        sys.exit("build.py: Python 3.11 or newer is required")
    if not in_venv():
        ensure_venv()
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        cmd = [str(VENV_PYTHON), "-m", "explainer.cli", *sys.argv[1:]]
        os.chdir(ROOT)
        os.execve(cmd[0], cmd, env)
    from explainer.cli import main as cli_main

    sys.exit(cli_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
