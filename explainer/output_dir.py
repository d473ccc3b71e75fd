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
import glob
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .files import shown_path

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
    config file, the cache); the project folder and every enclosing .git are protected,
    and so is anything in the target that the previous build's manifest does not list."""
    given = target.absolute()
    target = target.resolve()
    root = root.resolve()
    shown = shown_path(target, root)
    if target == Path(target.anchor):
        raise OutputRefused(f"--site-dir {shown} is the root of the file system; "
                            "choose a folder of its own, such as site/")
    if target == root or _inside(root, target):
        raise OutputRefused(f"--site-dir {shown} is or contains the project folder; "
                            "a build replaces its output folder, so choose one such as site/")
    repositories = [folder / ".git" for folder in (root, *root.parents)
                    if (folder / ".git").exists()]
    for source in [root / ".git", *repositories, *sources]:
        source = source.resolve()
        if target == source or _inside(target, source) or _inside(source, target):
            raise OutputRefused(
                f"--site-dir {shown} overlaps {shown_path(source, root)}, part of the project; "
                "choose a folder outside the project's sources, such as site/")
    if given.is_symlink() or (target.exists() and not target.is_dir()):
        raise OutputRefused(f"{shown_path(given, root)} exists and is not a folder (or is a link); "
                            "move it away or choose another --site-dir")
    for source in sources:
        link = _link_into(source, target)
        if link is not None:
            raise OutputRefused(
                f"{shown_path(link, root)} is a link into --site-dir {shown}, so every build "
                "would publish the one before it; remove the link")
    if target.is_dir():
        strangers = _not_built(target)
        if strangers:
            listed = ", ".join(strangers[:3]) + (", …" if len(strangers) > 3 else "")
            raise OutputRefused(
                f"{shown}/ holds files no build wrote ({listed}), and a build replaces the "
                "whole folder; move them away, or choose another --site-dir")


def _link_into(folder: Path, target: Path) -> Path | None:
    """A symbolic link under `folder` that leads into `target`, if any."""
    if not folder.is_dir() or folder.is_symlink():
        return None
    for parent, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            path = Path(parent, name)
            if path.is_symlink():
                real = path.resolve()
                if real == target or _inside(real, target):
                    return path
    return None


def _entries(folder: Path) -> set[str]:
    """Every file, folder and link under `folder`, relative, without following links."""
    found: set[str] = set()
    top = os.fspath(folder)
    for parent, dirs, files in os.walk(top):
        # Plain strings: a site has thousands of folders, and Path objects cost.
        prefix = parent[len(top):].lstrip(os.sep).replace(os.sep, "/")
        prefix = f"{prefix}/" if prefix else ""
        found.update(prefix + name for name in (*dirs, *files))
    return found


def _not_built(folder: Path) -> list[str]:
    """What in `folder` the manifest of the build that wrote it does not list."""
    entries = _entries(folder) - {SITE_MARKER, STAGING_MARKER}
    manifest = folder / SITE_MARKER
    listed: set[str] = set()
    if manifest.is_file() and not manifest.is_symlink():
        lines = manifest.read_text(encoding="utf-8", errors="replace").splitlines()
        if lines[:1] == [_MARKER_TEXT.strip()]:
            listed = set(lines[1:])
    return sorted(entries - listed)


def _inside(path: Path, folder: Path) -> bool:
    return folder in path.parents


@contextlib.contextmanager
def build_lock(parent: Path, shown: str) -> Iterator[None]:
    """Hold an exclusive lock on `parent` (the folder that holds the output and its staging
    folders) and shared locks on every folder above it, for the whole build. A second build
    into the same folder waits; so does one whose output contains this one's. Locks are
    taken from the top down, so two builds never wait for each other in a circle."""
    with contextlib.ExitStack() as held:
        folders = [*reversed(parent.resolve().parents), parent.resolve()]
        waited = False
        for folder in folders:
            exclusive = folder == folders[-1]
            try:
                fd = os.open(folder, os.O_RDONLY)
            except OSError:
                if exclusive:
                    raise
                continue  # a folder above we may not open: nothing of ours can be there
            held.callback(os.close, fd)  # closing the descriptor releases the lock
            mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
            except BlockingIOError:
                if not waited:
                    print(f"waiting for another build into {shown} to finish",
                          file=sys.stderr)
                    waited = True
                fcntl.flock(fd, mode)
        yield


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is over, then act."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def make_staging(target: Path) -> Path:
    """A new staging folder beside `target`, marked as ours before anything is written."""
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(target), dir=target.parent))
    (staging / STAGING_MARKER).write_text(_MARKER_TEXT)
    return staging


def mark_as_site(folder: Path) -> None:
    """Turn a finished staging folder into a site: the site marker lists everything the
    build wrote, so the next build replaces only that (and, after a swap, recovery knows
    the previous site it is exchanged with)."""
    entries = sorted(_entries(folder) - {SITE_MARKER, STAGING_MARKER})
    (folder / SITE_MARKER).write_text(_MARKER_TEXT + "".join(f"{e}\n" for e in entries),
                                      encoding="utf-8")
    (folder / STAGING_MARKER).unlink(missing_ok=True)


def _is_ours(folder: Path) -> bool:
    """A staging folder (its marker), a site a build wrote (a manifest covering every
    file in it), or an empty folder."""
    if not folder.is_dir() or folder.is_symlink():
        return False
    if (folder / STAGING_MARKER).is_file():
        return True
    if (folder / SITE_MARKER).is_file():
        return not _not_built(folder)
    return not any(folder.iterdir())


def remove_ours(folder: Path) -> None:
    """Remove a staging folder if it is ours. Signals wait until it is gone, and the
    markers go last, so an interrupted removal still leaves a folder recovery knows."""
    if not _is_ours(folder):
        return
    with signals_deferred():
        for entry in folder.iterdir():
            if entry.name in (SITE_MARKER, STAGING_MARKER):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
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
    return [path for path in parent.glob(f"{glob.escape(prefix)}*") if _is_ours(path)]


def swap_in(staging: Path, target: Path) -> None:
    """Replace target with staging so that the site is never missing or half-written.
    SIGINT and SIGTERM wait until the swap is over."""
    with signals_deferred():
        _swap(staging, target)


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
