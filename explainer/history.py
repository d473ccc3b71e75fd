"""Fact-level history from git: when each entity first appeared and every later change
to its fields (before and after), read from the commits that touched the data folder.

A kind's facts at a commit are those of all its files at that commit (its one file, or
the files of its folder, explainer/data_files.py), so a fact moved from one file of a
kind to another, or from the one file into a folder, has not changed.

The git command line is used (no extra dependency; it is on every machine that has the
repository). Each file version (git blob) is parsed once and cached under
.cache/history/ by its blob id; the walk over a commit range is cached by the commit it
ends at. Uncommitted edits count as a change made now.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .data_files import kind_files, kind_of_path, read_order
from .files import NotReadable, read_regular, write_cache_file
from .kinds import KINDS
from .yaml_source import load_yaml_bytes

# Fields that record editors' bookkeeping, not the fact itself.
BOOKKEEPING = frozenset({"as_of", "review_by"})
CACHE_VERSION = "3"

Snapshot = dict[str, dict[str, Any]]  # entity key -> its fields as written


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: Any
    after: Any

    @property
    def substantive(self) -> bool:
        if self.name in EXACT_FIELDS:  # verbatim quotes, times, links, ids, closed sets
            return _spaced(self.before) != _spaced(self.after)
        return _letters(self.before) != _letters(self.after)


@dataclass(frozen=True)
class Change:
    kind: str  # data file stem: 'questions'
    key: str  # entity id ('trilateral-meeting'; positions: 'putin--ceasefire')
    action: str  # 'added', 'changed' or 'removed'
    when: datetime  # UTC; for uncommitted edits, the time of the run
    commit: str | None  # None: not committed yet
    fields: tuple[FieldChange, ...] = ()

    @property
    def day(self) -> date:
        return self.when.date()

    @property
    def substantive(self) -> bool:
        return self.action != "changed" or any(f.substantive for f in self.fields)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.key, "action": self.action,
                "date": self.when.isoformat(), "commit": self.commit,
                "fields": [{"field": f.name, "before": f.before, "after": f.after,
                            "substantive": f.substantive} for f in self.fields]}


@dataclass
class History:
    """Every change in order. `available` is False without git history; `reason` says
    why in one line."""

    changes: list[Change] = field(default_factory=list)
    available: bool = False
    reason: str = ""
    _by_entity: dict[tuple[str, str], list[Change]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for change in self.changes:
            self._by_entity.setdefault((change.kind, change.key), []).append(change)

    def of(self, kind: str, key: str) -> list[Change]:
        return self._by_entity.get((kind, key), [])

    def published(self, kind: str, key: str) -> date | None:
        added = [c.day for c in self.of(kind, key) if c.action == "added"]
        return added[0] if added else None

    def modified(self, kind: str, key: str) -> date | None:
        days = [c.day for c in self.of(kind, key) if c.substantive]
        return days[-1] if days else None


def retired(history: History) -> frozenset[tuple[str, str]] | None:
    """(kind, key) of every fact whose last change removed it; None when there is no
    history to tell (a shallow clone, an export without .git)."""
    if not history.available:
        return None
    last: dict[tuple[str, str], str] = {}
    for change in history.changes:
        last[(change.kind, change.key)] = change.action
    return frozenset(key for key, action in last.items() if action == "removed")


def unavailable(reason: str) -> History:
    return History(available=False, reason=reason)


# Fields where any change but spacing is one of substance: a verbatim quote, a time, a
# link, a reference or a choice from a closed set.
EXACT_FIELDS = frozenset({
    "text", "start", "end", "date", "published", "url", "id", "actor", "issue", "source",
    "event", "affiliation", "stance", "status", "kind", "sources", "quotes", "actors",
    "issues", "touches"})
# Punctuation that is part of a number: a sign, a decimal point, a unit.
_NUMERIC_MARKS = frozenset("+-−.,:/%$€£¥")


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _spaced(value: Any) -> str:
    return " ".join(_as_text(value).split())


def _letters(value: Any) -> str:
    """A value reduced to its letters and digits, lower case, keeping the punctuation
    that belongs to a number: equal for wording-only edits (case, punctuation, spacing),
    different for '$1.5 million' and '$15 million'."""
    text = unicodedata.normalize("NFKC", _as_text(value)).casefold()

    def by_a_digit(index: int) -> bool:
        return any(0 <= i < len(text) and text[i].isdigit() for i in (index - 1, index + 1))

    return "".join(char for index, char in enumerate(text)
                   if char.isalnum() or (char in _NUMERIC_MARKS and by_a_digit(index)))


# -- snapshots of one file version ------------------------------------------------------


def entity_key(kind: str, entry: dict[str, Any]) -> str | None:
    return KINDS[kind].model.raw_key(entry)


def snapshot(kind: str, data: bytes) -> Snapshot | None:
    """Entity key -> fields of one file version; None when the version does not parse
    (a broken commit tells nothing about the facts)."""
    loaded = load_yaml_bytes(data, f"{kind}.yaml")
    if loaded.value is None:
        return None if loaded.diagnostics else {}
    if not isinstance(loaded.value, list):
        return None
    found: Snapshot = {}
    for entry in loaded.value:
        if isinstance(entry, dict):
            key = entity_key(kind, entry)
            if key is not None and key not in found:
                found[key] = {k: v for k, v in entry.items() if isinstance(k, str)}
    return found


def kind_snapshot(kind: str, files: dict[str, Snapshot | None]) -> Snapshot | None:
    """A kind's facts from the snapshots of its files, keyed by their paths in the data
    folder ('actors.yaml', 'actors/2025-08.yaml'): the files in reading order, the first
    entry with a key winning, as loading reads them. None when one of them does not parse
    or the kind is written both as one file and as a folder, which loading refuses."""
    if f"{kind}.yaml" in files and len(files) > 1:
        return None
    parts = [files[path] for path in sorted(files, key=read_order)]
    if any(part is None for part in parts):
        return None
    if len(parts) == 1:
        return parts[0]
    found: Snapshot = {}
    for part in parts:
        for key, fields in (part or {}).items():
            found.setdefault(key, fields)
    return found


def diff(kind: str, before: Snapshot, after: Snapshot, when: datetime,
         commit: str | None) -> list[Change]:
    """The changes between two versions of one kind's facts, in the newer one's order."""
    changes: list[Change] = []
    for key, fields in after.items():
        old = before.get(key)
        if old is None:
            changes.append(Change(kind, key, "added", when, commit))
            continue
        changed = tuple(FieldChange(name, old.get(name), fields.get(name))
                        for name in _field_order(old, fields)
                        if name not in BOOKKEEPING and old.get(name) != fields.get(name))
        if changed:
            changes.append(Change(kind, key, "changed", when, commit, changed))
    changes.extend(Change(kind, key, "removed", when, commit)
                   for key in before if key not in after)
    return changes


def _field_order(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys([*new, *old]))


# -- git ----------------------------------------------------------------------------------


class GitUnavailable(Exception):
    """No usable history; the message is the one-line reason."""


def run_git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """git's output, or GitUnavailable with git's first line of complaint."""
    try:
        # quotePath off: paths with non-ASCII letters come out as written, not quoted.
        result = subprocess.run(["git", "-C", str(root), "-c", "core.quotePath=false", *args],
                                input=stdin,
                                capture_output=True, timeout=120, check=False,
                                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitUnavailable(f"git could not be run ({exc})") from None
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[0].removeprefix("fatal: ") if lines else ""
        raise GitUnavailable(reason or f"git {args[0]} failed")
    return result.stdout


@dataclass(frozen=True)
class _Commit:
    sha: str
    when: datetime
    # (kind, path in the data folder, new blob id or None: deleted)
    blobs: tuple[tuple[str, str, str | None], ...]


_NULL_BLOB = "0" * 40
_FILE_MODES = (b"100644", b"100755")  # not a symbolic link or a submodule


def data_prefix(data_rel: str) -> str:
    """The data folder's path in the repository, as the start of its files' paths."""
    return "" if data_rel in ("", ".") else f"{data_rel}/"


def _commits(root: Path, data_rel: str, kinds: Iterable[str]) -> list[_Commit]:
    kinds = list(kinds)
    prefix = data_prefix(data_rel)
    # Each kind's one file and its folder, from the repository's top.
    specs = [f":(top,literal){prefix}{kind}{end}" for kind in kinds for end in (".yaml", "")]
    out = run_git(root, "log", "--first-parent", "-m", "--reverse", "--raw", "--no-renames",
                  "--no-abbrev", "-z", "--format=%x01%H %ct", "--", *specs)
    # -z: a header ('\x01<sha> <time>'), then for each file its ':<modes> <blobs> <status>'
    # and its path as written, every field ending in a NUL; nothing in a path is quoted.
    commits: list[_Commit] = []
    header: tuple[str, datetime] | None = None
    blobs: list[tuple[str, str, str | None]] = []
    fields = out.split(b"\0")
    at = 0
    while at < len(fields):
        token = fields[at].lstrip(b"\n")
        at += 1
        if token.startswith(b"\x01"):
            if header is not None:
                commits.append(_Commit(*header, tuple(blobs)))
            sha, timestamp = token[1:].decode().split()
            header, blobs = (sha, datetime.fromtimestamp(int(timestamp), UTC)), []
        elif token.startswith(b":") and at < len(fields):
            path = os.fsdecode(fields[at])
            at += 1
            found = kind_of_path(path[len(prefix):], kinds) if path.startswith(prefix) else None
            if found is None:
                continue
            meta = token.split()
            new_blob = meta[3].decode()
            gone = new_blob == _NULL_BLOB or meta[1] not in _FILE_MODES
            blobs.append((found[0], path[len(prefix):], None if gone else new_blob))
    if header is not None:
        commits.append(_Commit(*header, tuple(blobs)))
    return commits


def read_blobs(root: Path, blob_ids: list[str]) -> dict[str, bytes]:
    """Contents of many blobs from one `git cat-file --batch`."""
    if not blob_ids:
        return {}
    out = run_git(root, "cat-file", "--batch", stdin="".join(f"{b}\n" for b in blob_ids).encode())
    contents: dict[str, bytes] = {}
    at = 0
    for blob in blob_ids:
        header_end = out.index(b"\n", at)
        header = out[at:header_end].split()
        if len(header) < 3 or header[1] != b"blob":
            raise GitUnavailable(f"git could not read blob {blob}")
        size = int(header[2])
        contents[blob] = out[header_end + 1: header_end + 1 + size]
        at = header_end + 1 + size + 1
    return contents


# -- the cache ----------------------------------------------------------------------------


class _Cache:
    """Parsed file versions by blob id, and whole walks by the commit they end at."""

    def __init__(self, folder: Path | None):
        self.folder = folder / "history" if folder is not None else None

    def _path(self, name: str) -> Path | None:
        return self.folder / f"{name}.json" if self.folder is not None else None

    def get(self, name: str) -> Any:
        path = self._path(name)
        if path is None or not path.is_file():
            return None
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return stored.get("value") if stored.get("version") == CACHE_VERSION else None

    def put(self, name: str, value: Any) -> None:
        path = self._path(name)
        if path is None:
            return
        text = json.dumps({"version": CACHE_VERSION, "value": value}, ensure_ascii=False)
        write_cache_file(path, text.encode())


# -- the walk -----------------------------------------------------------------------------


def load_history(root: Path, data_dir: Path, kinds: Iterable[str],
                 cache_dir: Path | None = None, now: datetime | None = None) -> History:
    """The history of every kind's facts, committed changes first, then what the
    working tree changes on top of the last commit (dated `now`)."""
    kinds = list(kinds)
    try:
        top = Path(run_git(root, "rev-parse", "--show-toplevel").decode().strip())
        if run_git(root, "rev-parse", "--is-shallow-repository").decode().strip() == "true":
            return unavailable("this is a shallow clone; fetch the full history "
                               "(git fetch --unshallow, or fetch-depth: 0 in CI)")
        data_rel = Path(os.path.relpath(data_dir.resolve(), top.resolve())).as_posix()
        if data_rel.startswith(".."):
            return unavailable(f"{data_dir} is outside the git repository")
        try:
            head = run_git(root, "rev-parse", "--verify", "--quiet", "HEAD").decode().strip()
        except GitUnavailable:
            return unavailable("no git history (the repository has no commits yet)")
    except GitUnavailable as exc:
        why = ("the project is not in a git repository" if "not a git repository" in str(exc)
               else str(exc))
        return unavailable(f"no git history ({why})")
    cache = _Cache(cache_dir)
    walk_key = "walk-" + hashlib.sha256(
        f"{head}\0{data_rel}\0{','.join(kinds)}".encode()).hexdigest()[:32]
    walked = cache.get(walk_key)
    try:
        changes = _changes_of(walked)
    except (KeyError, TypeError, ValueError, AttributeError):  # a damaged cache file
        walked = None
    try:
        if walked is None:
            walked = _walk(root, data_rel, kinds, cache)
            cache.put(walk_key, walked)
            changes = _changes_of(walked)
    except GitUnavailable as exc:
        return unavailable(f"git history could not be read ({exc})")
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    for kind in kinds:
        last = walked["heads"].get(kind) or {}
        current = working_snapshot(data_dir, kind)
        if current is not None and current != last:
            changes.extend(diff(kind, last, current, moment, None))
    return History(changes=changes, available=True)


def _changes_of(walked: Any) -> list[Change]:
    if not isinstance(walked, dict) or not isinstance(walked.get("heads"), dict):
        raise ValueError("not a walk")
    return [_change_from_json(item) for item in walked["changes"]]


def _walk(root: Path, data_rel: str, kinds: list[str], cache: _Cache) -> dict[str, Any]:
    commits = _commits(root, data_rel, kinds)
    needed = list(dict.fromkeys((kind, blob) for c in commits for kind, _, blob in c.blobs
                                if blob))
    parsed: dict[tuple[str, str], Snapshot | None] = {}
    missing = []
    for kind, blob in needed:
        stored = cache.get(f"blob-{kind}-{blob}")
        if isinstance(stored, dict) and isinstance(stored.get("snapshot", 0), dict | None):
            parsed[(kind, blob)] = stored["snapshot"]
        else:
            missing.append((kind, blob))
    contents = read_blobs(root, list(dict.fromkeys(blob for _, blob in missing)))
    for kind, blob in missing:
        parsed[(kind, blob)] = snapshot(kind, contents[blob])
        cache.put(f"blob-{kind}-{blob}", {"snapshot": parsed[(kind, blob)]})
    trees: dict[str, dict[str, str]] = {}  # kind -> path in the data folder -> blob id
    heads: dict[str, Snapshot] = {}
    changes: list[Change] = []
    for commit in commits:
        for kind, path, new_blob in commit.blobs:
            files = trees.setdefault(kind, {})
            if new_blob is None:
                files.pop(path, None)
            else:
                files[path] = new_blob
        for kind in dict.fromkeys(kind for kind, _, _ in commit.blobs):
            after = kind_snapshot(kind, {path: parsed[(kind, blob_id)]
                                         for path, blob_id in trees[kind].items()})
            if after is None:
                continue  # an unparseable version: wait for the next good one
            changes.extend(diff(kind, heads.get(kind, {}), after, commit.when, commit.sha))
            heads[kind] = after
    return {"changes": [c.as_json() for c in changes], "heads": heads}


def working_snapshot(data_dir: Path, kind: str) -> Snapshot | None:
    """A kind's facts in the working tree: {} when it has no file, None when one of its
    files cannot be read or parsed (check reports why)."""
    files = working_files(data_dir, kind)
    return None if files is None else working_facts(data_dir, kind, files)


def working_files(data_dir: Path, kind: str,
                  root: Path | None = None) -> list[tuple[Path, bytes]] | None:
    """A kind's files in the working tree with their bytes: none when it has no file,
    None when one cannot be listed or read."""
    listed = kind_files(data_dir, kind, root)
    if listed.form == "missing":
        return []
    if listed.problems:
        return None
    found = []
    for path in listed.paths:
        try:
            found.append((path, read_regular(path)))
        except NotReadable:
            return None
    return found


def working_facts(data_dir: Path, kind: str,
                  files: list[tuple[Path, bytes]]) -> Snapshot | None:
    """A kind's facts from its files in the working tree (see `working_files`)."""
    if not files:
        return {}
    return kind_snapshot(kind, {path.relative_to(data_dir).as_posix(): snapshot(kind, data)
                                for path, data in files})


def _change_from_json(item: dict[str, Any]) -> Change:
    return Change(item["kind"], item["id"], item["action"],
                  datetime.fromisoformat(item["date"]), item["commit"],
                  tuple(FieldChange(f["field"], f["before"], f["after"])
                        for f in item["fields"]))


