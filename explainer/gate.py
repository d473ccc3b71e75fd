"""No silent edits: every substantive change to a fact that was already published at a
git revision needs an entry in data/updates.yaml, added since that revision, whose
`touches` names the fact.

The working tree's data files are compared with their versions at the revision, entity by
entity, as the fact-level history compares commits: a kind's facts are those of all its
files (one file, or a folder of files), so moving a fact between them changes nothing.
New entities need no entry (nothing published changed), nor do wording-only edits or
bookkeeping (`as_of`, `review_by`).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .data_files import (
    kind_files,
    kind_folder,
    kind_of_path,
    read_order,
    schema_comment,
    single_file,
)
from .diagnostics import Diagnostic, short
from .files import shown_name
from .history import (
    Change,
    FieldChange,
    GitUnavailable,
    Snapshot,
    data_prefix,
    diff,
    entity_key,
    kind_snapshot,
    read_blobs,
    run_git,
    snapshot,
    working_facts,
    working_files,
)
from .kinds import KINDS
from .site_config import data_dir_of
from .yaml_source import LoadedYaml, load_yaml_bytes

UPDATES = "updates"
DEFAULT_SINCE = "HEAD"
# Refs that can be written without quotes: YAML reads them as the same plain string.
_PLAIN_REF = re.compile(r"[a-z]+:[a-z0-9]+(?:-{1,2}[a-z0-9]+)*")


class RevisionError(Exception):
    """The revision cannot be compared with; the message is the one-line reason."""


# -- reading the revision -----------------------------------------------------------------


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        return run_git(cwd, *args, stdin=stdin)
    except GitUnavailable as exc:
        raise RevisionError(str(exc)) from None


def _commit_of(top: Path, rev: str) -> str:
    # A leading '-' would be read as an option, not a revision.
    if not rev or rev.startswith("-") or any(c in rev for c in "\0\n\r"):
        raise RevisionError("not a revision")
    try:
        return _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except RevisionError:
        pass
    shallow = _git(top, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
    hint = ("; this is a shallow clone, fetch the full history (git fetch --unshallow, or "
            "fetch-depth: 0 in CI)" if shallow else "")
    raise RevisionError(f"unknown revision, or not a commit{hint}")


_FILE_MODES = (b"100644", b"100755")  # not a symbolic link or a submodule


def _files_at(top: Path, commit: str, data_rel: str) -> dict[str, dict[str, bytes]]:
    """Kind -> path in the data folder -> contents, for every data file at a commit."""
    listing = _git(top, "ls-tree", "-r", "-z", commit, "--", data_rel or ".")
    prefix = data_prefix(data_rel)
    blobs: dict[str, dict[str, str]] = {}
    for line in listing.split(b"\0"):
        meta, _, raw_path = line.partition(b"\t")
        parts = meta.split()
        path = os.fsdecode(raw_path)
        if len(parts) != 3 or parts[0] not in _FILE_MODES or not path.startswith(prefix):
            continue
        found = kind_of_path(path[len(prefix):], KINDS)
        if found is not None:
            blobs.setdefault(found[0], {})[path[len(prefix):]] = parts[2].decode()
    try:
        contents = read_blobs(top, list(dict.fromkeys(
            blob for files in blobs.values() for blob in files.values())))
    except GitUnavailable as exc:
        raise RevisionError(str(exc)) from None
    return {kind: {path: contents[blob] for path, blob in files.items()}
            for kind, files in blobs.items()}


# -- comparing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DataFile:
    """One data file of the working tree, as messages name it, and its contents."""

    shown: str  # 'data/questions.yaml', 'data/questions/2025-08.yaml'
    data: bytes


@dataclass
class Comparison:
    """The data files at a revision and in the working tree, and what changed between."""

    root: Path
    rev: str
    data_dir: Path
    changes: list[Change] = field(default_factory=list)
    # Refs (`question:trilateral-meeting`) named by update entries new since the revision.
    covered: set[str] = field(default_factory=set)
    update_ids: set[str] = field(default_factory=set)  # in the working tree
    updates_readable: bool = True
    # Kind -> its files in the working tree, in reading order.
    working: dict[str, list[DataFile]] = field(default_factory=dict)
    # (kind, key) -> the file the fact was in at the revision, as messages name it.
    published_in: dict[tuple[str, str], str] = field(default_factory=dict)
    # Changes to entries of the change log itself that were already published.
    log_changes: list[Change] = field(default_factory=list)
    _loaded: dict[str, LoadedYaml] = field(default_factory=dict, repr=False)

    def shown(self, kind: str) -> str:
        """How messages name where a kind's facts are: its file, or its folder."""
        folder = kind_folder(self.data_dir, kind)
        if folder.is_dir() and not single_file(self.data_dir, kind).exists():
            return f"{shown_name(folder, self.root)}/"
        return shown_name(single_file(self.data_dir, kind), self.root)

    def locate(self, kind: str, key: str) -> tuple[LoadedYaml, int]:
        """The working file and index of the entry with `key` (the first, as loading
        keeps the first)."""
        first: tuple[LoadedYaml, int] | None = None
        for file in self.working.get(kind, []):
            if file.shown not in self._loaded:
                self._loaded[file.shown] = load_yaml_bytes(file.data, file.shown)
            loaded = self._loaded[file.shown]
            first = first or (loaded, 0)
            index = _index_of(kind, loaded.value, key)
            if index is not None:
                return loaded, index
        return first or (LoadedYaml(self.shown(kind)), 0)

    def draft_path(self) -> Path:
        """Where `changes --draft` appends: the updates file, or the last file of the
        updates folder in reading order (a new updates.yaml in an empty folder)."""
        folder = kind_folder(self.data_dir, UPDATES)
        if folder.is_dir() and not single_file(self.data_dir, UPDATES).exists():
            listed = kind_files(self.data_dir, UPDATES, self.root)
            return listed.paths[-1] if listed.paths else folder / f"{UPDATES}.yaml"
        return single_file(self.data_dir, UPDATES)


def compare(root: Path, rev: str, data_dir: Path | None = None) -> Comparison:
    """Everything that changed in the data since `rev`. Raises RevisionError."""
    data_dir = data_dir or data_dir_of(root)
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
    commit = _commit_of(top, rev)
    data_rel = Path(os.path.relpath(data_dir.resolve(), top.resolve())).as_posix()
    if data_rel.startswith(".."):
        raise RevisionError(f"{data_dir} is outside the git repository")
    published = _files_at(top, commit, data_rel)
    comparison = Comparison(root, rev, data_dir)
    now = datetime.now(UTC).replace(microsecond=0)
    for kind in KINDS:
        # A missing or unparseable version published nothing: every entity is new.
        before = _published(comparison, kind, published.get(kind, {})) or {}
        after = _working(comparison, kind)
        if kind == UPDATES:
            _note_updates(comparison, before, after)
            if after is not None:
                comparison.log_changes = [c for c in diff(kind, before, after, now, None)
                                          if needs_entry(c)]
        elif after is not None:  # a broken file is check's to report, not comparable
            comparison.changes += diff(kind, before, after, now, None)
    return comparison


def _published(comparison: Comparison, kind: str, files: dict[str, bytes]) -> Snapshot | None:
    """A kind's facts at the revision, noting the file each one was in."""
    snapshots = {path: snapshot(kind, data) for path, data in files.items()}
    found = kind_snapshot(kind, snapshots)
    if found is not None:
        for path in sorted(snapshots, key=read_order):
            for key in snapshots[path] or {}:
                comparison.published_in.setdefault(
                    (kind, key), shown_name(comparison.data_dir / path, comparison.root))
    return found


def _working(comparison: Comparison, kind: str) -> Snapshot | None:
    """A kind's facts in the working tree: {} when it has no file, None when a file
    cannot be read or parsed (check reports it)."""
    files = working_files(comparison.data_dir, kind, comparison.root)
    comparison.working[kind] = [DataFile(shown_name(path, comparison.root), data)
                                for path, data in files or []]
    return None if files is None else working_facts(comparison.data_dir, kind, files)


def _note_updates(comparison: Comparison, before: Snapshot, after: Snapshot | None) -> None:
    if after is None:
        comparison.updates_readable = False
        return
    comparison.update_ids = set(after)
    for key, fields in after.items():
        touches = fields.get("touches")
        if key not in before and isinstance(touches, list):
            comparison.covered.update(ref for ref in touches if isinstance(ref, str))


def ref_of(change: Change) -> str:
    return f"{KINDS[change.kind].singular}:{change.key}"


def needs_entry(change: Change) -> bool:
    """A published fact changed in substance, or was removed."""
    return change.action == "removed" or (change.action == "changed" and change.substantive)


def uncovered(comparison: Comparison) -> list[Change]:
    return [c for c in comparison.changes
            if needs_entry(c) and ref_of(c) not in comparison.covered]


# -- the gate -----------------------------------------------------------------------------


def gate_diagnostics(comparison: Comparison) -> list[Diagnostic]:
    """One error per changed field (or removed entity) that no new update entry touches,
    and one per published entry of the change log that was edited or removed."""
    found: list[Diagnostic] = _log_diagnostics(comparison)
    updates = comparison.shown(UPDATES)
    for change in uncovered(comparison):
        noun, ref = KINDS[change.kind].singular, ref_of(change)
        tail = f"with no entry in {updates} touching {short(ref)}"
        if change.action == "removed":
            found.append(Diagnostic(_published_in(comparison, change), 1, 1, "error",
                                    f"{noun} '{short(change.key)}' was removed {tail}"))
            continue
        loaded, index = comparison.locate(change.kind, change.key)
        for field_change in change.fields:
            if field_change.substantive:
                line, column = loaded.position((index, field_change.name))
                found.append(Diagnostic(loaded.path, line, column, "error",
                                        f"{_what_changed(noun, change.key, field_change)} "
                                        f"{tail}"))
    return found


def _published_in(comparison: Comparison, change: Change) -> str:
    """The file a removed fact was in at the revision."""
    return comparison.published_in.get((change.kind, change.key),
                                       comparison.shown(change.kind))


def _log_diagnostics(comparison: Comparison) -> list[Diagnostic]:
    """The public change log only grows: a published entry stays as readers saw it."""
    shown = comparison.shown(UPDATES)
    found = []
    for change in comparison.log_changes:
        if change.action == "removed":
            found.append(Diagnostic(_published_in(comparison, change), 1, 1, "error",
                                    f"entry '{short(change.key)}' of {shown} was removed; "
                                    "published entries stay: add a correction instead"))
            continue
        loaded, index = comparison.locate(UPDATES, change.key)
        for field_change in change.fields:
            if field_change.substantive:
                line, column = loaded.position((index, field_change.name))
                found.append(Diagnostic(
                    loaded.path, line, column, "error",
                    f"{field_change.name} of published entry '{short(change.key)}' changed; "
                    "entries stay as readers saw them: add a new entry (a correction says "
                    "what was wrong)"))
    return found


def _index_of(kind: str, entries: Any, key: str) -> int | None:
    # The first entry with the key, as the snapshot keeps the first.
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict) and entity_key(kind, entry) == key:
            return index
    return None


def _what_changed(noun: str, key: str, change: FieldChange) -> str:
    return (f"{change.name} of {noun} '{short(key)}' changed "
            f"({shown_value(change.before)} → {shown_value(change.after)})")


def shown_value(value: Any) -> str:
    """Strings as written; anything else (lists, numbers, a missing field) as compact
    JSON. Long values are cut."""
    if isinstance(value, str):
        return short(value)
    return short(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str))


# -- the changes command ------------------------------------------------------------------


def change_lines(comparison: Comparison) -> list[str]:
    """One line per changed entity, saying whether it needs an entry."""
    lines = []
    for change in comparison.changes:
        line = f"{change.action} {ref_of(change)}"
        if change.action == "changed":
            line += ": " + "; ".join(
                f"{f.name} {shown_value(f.before)} → {shown_value(f.after)}"
                + ("" if f.substantive else " (wording only)") for f in change.fields)
        if needs_entry(change):
            line += (" (has an entry)" if ref_of(change) in comparison.covered
                     else " (needs an entry)")
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Draft:
    entry_id: str
    text: str  # the entry as appended, in the file's line ends


def draft(comparison: Comparison, today: date | None = None) -> Draft | None:
    """An update entry touching every added, changed or removed fact that no new entry
    touches yet; None when there is none."""
    refs = list(dict.fromkeys(
        ref_of(c) for c in comparison.changes
        if c.substantive and ref_of(c) not in comparison.covered))
    if not refs:
        return None
    day = (today or date.today()).isoformat()
    entry_id = _free_id(f"update-{day}", comparison.update_ids)
    lines = [f"- id: {entry_id}", f'  date: "{day}"',
             "  kind: update  # or addition; a correction also needs corrected: what was wrong",
             '  summary: "TODO: say what changed"', *_touches_lines(refs)]
    return Draft(entry_id, "\n".join(lines) + "\n")


def _touches_lines(refs: list[str]) -> list[str]:
    """A flow list when it fits on a line, else one ref per line."""
    written = [_ref_text(ref) for ref in refs]
    flow = f"  touches: [{', '.join(written)}]"
    return [flow] if len(flow) <= 100 else ["  touches:", *(f"    - {r}" for r in written)]


def _free_id(base: str, taken: set[str]) -> str:
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _ref_text(ref: str) -> str:
    return ref if _PLAIN_REF.fullmatch(ref) else json.dumps(ref, ensure_ascii=False)


class DraftError(Exception):
    """The draft cannot be appended; the message is the one-line reason."""


def append_draft(comparison: Comparison, entry: Draft) -> str:
    """Append the entry as text to the updates file (or the last file of the updates
    folder), keeping what the editor wrote, and return the text added. The file is
    written only if the result still loads with the entry in it."""
    shown = comparison.shown(UPDATES)
    if not comparison.updates_readable:
        raise DraftError(f"{shown} does not load; fix it first (python3 build.py check)")
    path = comparison.draft_path()
    target = shown_name(path, comparison.root)
    current = next((file.data for file in comparison.working.get(UPDATES, [])
                    if file.shown == target), None)
    if current is None:  # a new file (an empty updates folder): the schema line first
        depth = len(path.relative_to(comparison.data_dir).parts) - 1
        current = b""
        added = schema_comment(UPDATES, depth).encode("utf-8") + entry.text.encode("utf-8")
    else:
        newline = b"\r\n" if b"\r\n" in current else b"\n"
        added = entry.text.encode("utf-8").replace(b"\n", newline)
        if current.strip():  # a blank line between entries, as in the other data files
            ending = (2 if current.endswith(newline * 2) else
                      1 if current.endswith(b"\n") else 0)
            added = newline * (2 - ending) + added
    result = snapshot(UPDATES, current + added)
    if result is None or entry.entry_id not in result:
        raise DraftError(f"the entry cannot be appended to {target} as it is written; "
                         "add it by hand")
    with path.open("ab") as handle:
        handle.write(added)
    return entry.text
