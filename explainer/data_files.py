"""Where each kind's facts are written: one file `data/<kind>.yaml`, or a folder
`data/<kind>/` of any number of YAML files (`*.yaml`, `*.yml`, in nested folders too).

A kind's entries are its files' entries, the files taken in sorted path order (their
paths relative to the kind's folder, compared as text) and each file's entries in file
order, as if the files were one. Names starting with a dot (editors' backup and lock
files) and files of other types (a README) are not read. Loading, the fact-level
history and the gate all list a kind's files here, so they agree on what a kind holds.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .diagnostics import Diagnostic
from .files import is_utf8_name, shown_name
from .yaml_source import MAX_BYTES

SUFFIXES = (".yaml", ".yml")
SCHEMA_DIR = "schemas"  # beside data/, in the project

Form = Literal["file", "folder", "missing", "both"]


def single_file(data_dir: Path, kind: str) -> Path:
    """The one-file form of a kind: data/actors.yaml."""
    return data_dir / f"{kind}.yaml"


def kind_folder(data_dir: Path, kind: str) -> Path:
    """The folder form of a kind: data/actors/."""
    return data_dir / kind


def schema_comment(kind: str, depth: int = 0) -> str:
    """The first line of a data file, which names its JSON Schema to editors. `depth`:
    how many folders below data/ the file is (data/actors.yaml 0, data/actors/a.yaml 1,
    data/actors/2025/a.yaml 2); the path is relative to the file."""
    up = "../" * (depth + 1)
    return f"# yaml-language-server: $schema={up}{SCHEMA_DIR}/{kind}.schema.json\n"


def is_data_file_name(name: str) -> bool:
    """A file a kind's folder holds facts in: a YAML file that is not hidden."""
    return not name.startswith(".") and name.lower().endswith(SUFFIXES)


def kind_of_path(relative: str, kinds: Iterable[str]) -> tuple[str, bool] | None:
    """The kind whose facts the file at `relative` holds (a path relative to the data
    folder, with '/'), and whether it is in the kind's folder; None if no kind's."""
    parts = relative.split("/")
    names = set(kinds)
    if len(parts) == 1:
        kind = relative.removesuffix(".yaml")
        return (kind, False) if relative.endswith(".yaml") and kind in names else None
    if (parts[0] in names and is_data_file_name(parts[-1])
            and not any(part.startswith(".") for part in parts[1:-1])):
        return parts[0], True
    return None


def read_order(relative: str) -> str:
    """The key that puts a kind's files in reading order (paths compared as text)."""
    return relative


@dataclass
class KindFiles:
    """The files that hold one kind's facts, in reading order, and what keeps them from
    being read (errors, each naming a file and the fix)."""

    kind: str
    form: Form
    paths: list[Path] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def kind_files(data_dir: Path, kind: str, root: Path | None = None) -> KindFiles:
    """A kind's data files: its one file, or the YAML files of its folder (an empty folder
    holds none). Both forms at once, or neither, is a problem and lists no file."""
    root = root or data_dir.parent
    single, folder = single_file(data_dir, kind), kind_folder(data_dir, kind)
    shown = shown_name(single, root)
    has_folder = folder.is_dir()
    if single.exists() and has_folder:
        folder_shown = shown_name(folder, root)
        return KindFiles(kind, "both", problems=[Diagnostic(
            shown, 1, 1, "error",
            f"both {shown} and the folder {folder_shown}/ hold {kind}; keep one: move this "
            f"file into the folder (as {folder_shown}/{kind}.yaml) or move the folder's "
            "entries into this file and delete the folder")])
    if has_folder:
        found = KindFiles(kind, "folder")
        listed: list[tuple[str, Path]] = []
        _walk(folder, "", frozenset(), listed, found.problems, root)
        split = f"split it into several files in {shown_name(folder, root)}/"
        found.paths = [path for _, path in sorted(listed, key=lambda item: read_order(item[0]))
                       if _within_size(path, root, found.problems, split)]
        return found
    if single.exists():
        found = KindFiles(kind, "file")
        split = f"split the {kind} into a folder {shown_name(folder, root)}/ of several files"
        if _within_size(single, root, found.problems, split):
            found.paths = [single]
        return found
    return KindFiles(kind, "missing", problems=[Diagnostic(
        shown, 1, 1, "error", f"missing data file; create it with a list of {kind}")])


def _within_size(path: Path, root: Path, problems: list[Diagnostic], split: str) -> bool:
    """Whether a file is within the size limit of one file (yaml_source.MAX_BYTES); if
    not, a problem with the fix that keeps every entry: more files."""
    try:
        info = os.stat(path)
    except OSError:
        return True  # reading it says why
    if not stat.S_ISREG(info.st_mode) or info.st_size <= MAX_BYTES:
        return True
    problems.append(Diagnostic(
        shown_name(path, root), 1, 1, "error",
        f"file is {info.st_size:,} bytes, over the {MAX_BYTES / 1024 ** 2:g} MiB limit for "
        f"one file; {split}, or remove unused entries"))
    return False


def _walk(folder: Path, prefix: str, ancestors: frozenset[str],
          listed: list[tuple[str, Path]], problems: list[Diagnostic], root: Path) -> None:
    """Add the data files below `folder` to `listed` as (path in the kind's folder, path),
    following symbolic links as reading does, and the reasons any cannot be listed."""
    def problem(path: Path, message: str) -> None:
        problems.append(Diagnostic(shown_name(path, root), 1, 1, "error", message))

    real = os.path.realpath(folder)
    # A link to a folder that holds one being read (its parent, data/ itself) is a loop
    # too: walking it would read every other kind's files before coming round again.
    if any(seen == real or seen.startswith(real + os.sep) for seen in ancestors):
        problem(folder, "symbolic link loop (it leads back to a folder that contains it); "
                        "remove the link")
        return
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        problem(folder, f"folder cannot be read ({exc.strerror}); make it readable "
                        "(chmod u+rx)")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        relative = f"{prefix}{entry.name}"
        try:
            mode = os.stat(path).st_mode  # follows links
        except OSError as exc:
            if is_data_file_name(entry.name):
                what = ("symbolic link loop" if exc.errno == errno.ELOOP else
                        "dangling symbolic link" if entry.is_symlink() else
                        f"cannot be read ({exc.strerror})")
                problem(path, f"{what}; remove it or point it at a real file")
            continue
        is_folder = stat.S_ISDIR(mode)
        if not (is_folder or is_data_file_name(entry.name)):
            continue  # not a data file: a README, say
        if not is_utf8_name(entry.name):
            problem(path, "file name is not valid UTF-8; rename it")
            continue
        if is_folder:
            _walk(path, f"{relative}/", ancestors | {real}, listed, problems, root)
        else:
            listed.append((relative, path))
