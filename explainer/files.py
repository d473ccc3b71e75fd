"""Reading the project's own files safely: a named pipe, a device, a folder where a file
should be, or a symbolic-link loop is a one-line problem, never a hang or a traceback."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from .diagnostics import Diagnostic


def shown_path(path: Path, root: Path) -> str:
    """`path` as messages show it: relative to the project when inside it."""
    try:
        return path.absolute().relative_to(root.absolute()).as_posix() or "."
    except ValueError:
        return str(path)


class NotReadable(Exception):
    """The path cannot be read as a text file; the message says why and what to do."""


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file. O_NONBLOCK keeps a named pipe with no writer from
    hanging the open; fstat then tells what was opened, without a race."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise NotReadable(f"cannot be read ({exc.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise NotReadable("is a folder where a file is expected; move the folder away "
                              "and save a text file here")
        if not stat.S_ISREG(mode):
            raise NotReadable(f"is {_kind(mode)}, not a regular file; replace it with a "
                              "text file")
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read()
    except OSError as exc:  # a read can fail too: a bad disk, a file of /proc
        raise NotReadable(f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def tree_problems(folder: Path, root: Path) -> list[Diagnostic]:
    """What in `folder` would hang or break a build that walks it as MkDocs does
    (following symbolic links): loops, dangling links, pipes, sockets and devices."""
    problems: list[Diagnostic] = []
    if not folder.is_dir():
        return problems
    seen: set[str] = set()

    def problem(path: Path, message: str) -> None:
        problems.append(Diagnostic(shown_name(path, root), 1, 1, "error", message))

    def walk(directory: Path, ancestors: frozenset[str]) -> None:
        real = os.path.realpath(directory)
        if real in ancestors:
            problem(directory, "symbolic link loop (it leads back to a folder that contains "
                               "it); remove the link")
            return
        if real in seen:
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as exc:
            problem(directory, f"cannot be read ({exc.strerror})")
            return
        for entry in entries:
            path = Path(entry.path)
            if not is_utf8_name(entry.name):  # MkDocs cannot make a URL of it
                problem(path, "file name is not valid UTF-8; rename it")
                continue
            try:
                mode = os.stat(path).st_mode  # follows links, as the build does
            except OSError as exc:
                what = ("symbolic link loop" if exc.errno == errno.ELOOP else
                        "dangling symbolic link" if entry.is_symlink() else exc.strerror)
                problem(path, f"{what}; remove it or point it at a real file")
                continue
            if stat.S_ISDIR(mode):
                target = os.path.realpath(path)
                if entry.is_symlink() and (target == real
                                           or real.startswith(target.rstrip(os.sep) + os.sep)):
                    problem(path, "symbolic link loop (it points at a folder that contains "
                                  "it); remove the link")
                    continue
                walk(path, ancestors | {real})
            elif not stat.S_ISREG(mode):
                problem(path, f"{_kind(mode)} here would stop the build; remove it")

    walk(folder, frozenset())
    return problems


def is_utf8_name(name: str) -> bool:
    # os.scandir keeps bytes that are not UTF-8 as lone surrogates, which cannot be encoded.
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_name(path: Path, root: Path) -> str:
    """`path` relative to `root`, with any byte that is not UTF-8 shown as \\xNN."""
    try:
        relative = Path(os.path.relpath(path, root)).as_posix()
    except ValueError:  # another drive on Windows
        relative = path.as_posix()
    return os.fsencode(relative).decode("utf-8", "backslashreplace")


def write_cache_file(path: Path, data: bytes) -> None:
    """A file of a cache in .cache/, best effort. Written under a name of its own, then
    renamed into place, so builds that share the cache never write the same file or read
    half of one. A cache that cannot be written (read-only, disk full) is skipped: it
    only saves time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a cache is not
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
