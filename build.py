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
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".explainer-installed"
INSTALL_INPUTS = ("requirements.lock", "pyproject.toml")
# Material's own notice prints only under the `mkdocs` command, never under this one, so
# a successful build says it instead, once; NO_MKDOCS_2_WARNING, upstream's switch, hides it.
END_OF_LIFE_NOTE = (
    "note: Material for MkDocs reaches end of life on May 5, 2027; critical fixes and "
    "security updates continue until then.\n"
    "note: the plan for this site is in README.md, \"Material's end of life\"; "
    "NO_MKDOCS_2_WARNING=1 hides this note.")


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
        import venv  # only here: every other run starts faster without it

        print("build.py: creating .venv (first run only)", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print("build.py: installing pinned dependencies into .venv", file=sys.stderr)
    pip = [str(VENV_PYTHON), "-m", "pip", "--disable-pip-version-check"]
    _run([*pip, "install", "--quiet", "-r", "requirements.lock"])
    _run([*pip, "install", "--quiet", "--no-deps", "--no-build-isolation", "-e", "."])
    STAMP.write_text(wanted)


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def _notes_end_of_life(args: list[str]) -> bool:
    """Whether these arguments ask for a build (the default command) that should end
    with the note on Material's end of life."""
    if os.environ.get("NO_MKDOCS_2_WARNING") or {"-h", "--help"} & set(args):
        return False
    rest = list(args)
    while rest and rest[0].startswith("-"):
        if rest.pop(0) == "--root" and rest:
            rest.pop(0)
    return not rest or rest[0] == "build"


def _finish(status: int, note: bool) -> None:
    if status == 0 and note:
        print(END_OF_LIFE_NOTE, file=sys.stderr)
    sys.exit(status)


def _run_build(cmd: list[str]) -> int:
    """The build as a child process, so that the note can follow it. Ctrl-C reaches the
    child from the terminal; a SIGTERM sent here is passed on. Either way the child cleans
    up and its exit status (130, 143) is ours."""
    child = subprocess.Popen(cmd)
    signal.signal(signal.SIGINT, lambda signum, frame: None)
    signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signum))
    status = child.wait()
    return 128 - status if status < 0 else status


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must run on old Pythons too
        sys.exit("build.py: Python 3.11 or newer is required")
    note = _notes_end_of_life(sys.argv[1:])  # before Material, which sets the variable
    if not in_venv():
        ensure_venv()
        cmd = [str(VENV_PYTHON), "-m", "explainer.cli", *sys.argv[1:]]
        # Relative paths on the command line mean the folder they were typed in.
        os.environ.setdefault("EXPLAINER_CALLER_DIR", os.getcwd())
        os.chdir(ROOT)
        if note:
            _finish(_run_build(cmd), note)
        os.execv(cmd[0], cmd)
    from explainer.cli import main as cli_main

    _finish(cli_main(sys.argv[1:]), note)


if __name__ == "__main__":
    main()
