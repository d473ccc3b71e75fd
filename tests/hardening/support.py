"""Helpers shared by the hardening tests: run `check` in-process, hash trees, time limits."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import signal
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from explainer.cli import main

# One diagnostic as the command line prints it: path:line:col: severity: message
DIAGNOSTIC = re.compile(r"^\S+:\d+:\d+: (?:error|warning): \S.*$")
# The three closing lines of `check`: data counts, source coverage, error count.
SUMMARY = (re.compile(r"^data: "), re.compile(r"^sources: "),
           re.compile(r"^\d+ errors?, \d+ warnings? \(\d+ ms\)$"))


@dataclass
class CheckRun:
    status: int | None  # None: it raised
    stderr: str
    seconds: float

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()

    @property
    def diagnostics(self) -> list[str]:
        """Every line before the three closing summary lines."""
        lines = self.lines
        if len(lines) >= 3 and all(p.match(line) for p, line in zip(SUMMARY, lines[-3:],
                                                                     strict=True)):
            return lines[:-3]
        return lines


def check_in_process(root: Path) -> CheckRun:
    """`build.py --root ROOT check` in this process, stderr captured, exceptions kept."""
    err = io.StringIO()
    started = time.perf_counter()
    status: int | None
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = main(["--root", str(root), "check"])
        except Exception:  # noqa: BLE001 - a crash is what the tests look for
            status = None
            err.write(traceback.format_exc())
    return CheckRun(status, err.getvalue(), time.perf_counter() - started)


def hash_tree(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under root (empty if root is missing)."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*")) if path.is_file()
    }


def staging_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".site-"))


class Hang(Exception):
    """Raised inside a block that ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Interrupt the block with Hang after `seconds` (main thread, POSIX only)."""
    if sys.platform == "win32":  # pragma: no cover - no SIGALRM
        yield
        return

    def on_alarm(signum, frame):
        raise Hang(f"{what} did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def position(root: Path, rel: str, needle: str, offset: int = 0, nth: int = 1) -> str:
    """'rel:line:col' of the nth occurrence of needle in the file as it is now (1-based
    line and character column, BOM not counted), plus `offset` characters."""
    text = (root / rel).read_bytes().decode("utf-8", "replace").removeprefix("\ufeff")
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    index += offset
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{rel}:{line}:{column}"


def line_number(root: Path, rel: str, needle: str) -> int:
    return int(position(root, rel, needle).split(":")[1])
