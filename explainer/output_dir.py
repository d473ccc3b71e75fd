"""The output folder: which folders a build may replace, one build at a time, staging
folders that are always ours, and the swap that puts a finished build in place.

Invariants, each enforced here:
- a build deletes nothing but its own output: the target must be new, empty, or hold the
  marker a previous build wrote, and must not be, contain or lie inside the project's
  sources;
- one build at a time per parent folder (an exclusive lock on it), so a second build
  never removes or swaps in the first one's half-written staging folder;
- staging folders carry a marker file from the moment they exist (the site marker once
  finished), and recovery removes only folders with the staging name and a marker.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Written into every finished build: "this folder is a site the explainer may replace".
SITE_MARKER = ".explainer-site"
# Written into every staging folder the moment it is made.
STAGING_MARKER = ".explainer-staging"
_MARKER_TEXT = "Built by explainer: the next build replaces this whole folder.\n"


class OutputRefused(Exception):
    """The output folder cannot be used; the message is one line for the editor."""


def staging_prefix(target: Path) -> str:
    return f".{target.name}-staging-"


def old_prefix(target: Path) -> str:
    return f".{target.name}-old-"


def refuse_unsafe_target(target: Path, root: Path, sources: list[Path]) -> None:
    """Raise OutputRefused unless replacing `target` can only remove a previous build.

    `sources` are the folders and files the build reads (content, data, templates, the
    config file); the project folder itself and its .git are always protected."""
    target = target.resolve()
    root = root.resolve()
    shown = _shown(target, root)
    if target == Path(target.anchor):
        raise OutputRefused(f"--site-dir {shown} is the root of the file system; "
                            "choose a folder of its own, such as site/")
    if target == root or _inside(root, target):
        raise OutputRefused(f"--site-dir {shown} is or contains the project folder; "
                            "a build replaces its output folder, so choose one such as site/")
    for source in [root / ".git", *sources]:
        source = source.resolve()
        if target == source or _inside(target, source) or _inside(source, target):
            raise OutputRefused(
                f"--site-dir {shown} overlaps {_shown(source, root)}, part of the project; "
                "choose a folder outside the project's sources, such as site/")
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise OutputRefused(f"{shown} exists and is not a folder; move it away or choose "
                            "another --site-dir")
    if target.is_dir() and not (target / SITE_MARKER).is_file() and any(target.iterdir()):
        raise OutputRefused(
            f"{shown}/ holds files no build wrote (no {SITE_MARKER} marker), and a build "
            "replaces the whole folder; empty or remove it yourself, or choose another "
            "--site-dir")


def _inside(path: Path, folder: Path) -> bool:
    return folder in path.parents


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return str(path)


@contextlib.contextmanager
def build_lock(parent: Path, shown: str) -> Iterator[None]:
    """Hold an exclusive lock on `parent` (the folder that holds the output and its staging
    folders) for the whole build; a second build waits for the first to finish."""
    fd = os.open(parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another build into {shown} to finish", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def make_staging(target: Path) -> Path:
    """A new staging folder beside `target`, marked as ours before anything is written."""
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(target), dir=target.parent))
    (staging / STAGING_MARKER).write_text(_MARKER_TEXT)
    return staging


def mark_as_site(folder: Path) -> None:
    """Turn a finished staging folder into a site: from now on the site marker is what
    identifies it (and, after a swap, the previous site it is exchanged with)."""
    (folder / SITE_MARKER).write_text(_MARKER_TEXT)
    (folder / STAGING_MARKER).unlink(missing_ok=True)


def _is_ours(folder: Path) -> bool:
    if not folder.is_dir() or folder.is_symlink():
        return False
    return ((folder / STAGING_MARKER).is_file() or (folder / SITE_MARKER).is_file()
            or not any(folder.iterdir()))


def remove_ours(folder: Path) -> None:
    """Remove a staging folder, but only if a marker (or its emptiness) shows it is ours."""
    if _is_ours(folder):
        shutil.rmtree(folder, ignore_errors=True)


def recover(target: Path) -> None:
    """Undo what a killed build left (call with the lock held): restore the last good site
    if the kill came between the two renames of a swap, then remove marked staging
    folders. Anything without our name and marker is left alone."""
    parent = target.parent
    if not target.exists():
        previous = sorted(_ours(parent, old_prefix(target)), key=lambda p: p.stat().st_mtime)
        if previous:
            os.rename(previous[-1], target)
    for prefix in (staging_prefix(target), old_prefix(target)):
        for leftover in _ours(parent, prefix):
            remove_ours(leftover)


def _ours(parent: Path, prefix: str) -> list[Path]:
    return [path for path in parent.glob(f"{prefix}*") if _is_ours(path)]


def swap_in(staging: Path, target: Path) -> None:
    """Replace target with staging so that the site is never missing or half-written.
    SIGINT and SIGTERM wait until the swap is over."""
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        _swap(staging, target)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _swap(staging: Path, target: Path) -> None:
    # The previous site carries SITE_MARKER (refuse_unsafe_target saw to that) or is
    # empty, so wherever it ends up, recover() knows it as ours.
    if target.exists() and _exchange(staging, target):
        os.chmod(target, 0o755)
        remove_ours(staging)  # now holds the previous site
        return
    # No atomic exchange here: two renames; recover() repairs a kill between them.
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=old_prefix(target), dir=target.parent))
        os.rmdir(old)
        os.rename(target, old)
    os.rename(staging, target)
    os.chmod(target, 0o755)
    if old is not None:
        remove_ours(old)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 with RENAME_EXCHANGE)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second),
                     rename_exchange) == 0
