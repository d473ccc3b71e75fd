"""A changed data file parsed again entry by entry: the preview's one-fact edit.

A kind's file is a list of entries, each starting with "- " at the start of a line. When
the file changes within a process (the preview re-reads it on every save), only the
entries whose text changed are parsed; the others keep their values and positions from
the last parse, moved to their new lines. The result is what parsing the whole file
gives, or None whenever that cannot be assured: a line at the left margin that is not an
entry start, a comment or blank; a lone carriage return; a change before the first
entry; a parse that was not a clean list of one value per entry; any problem in a
changed entry (the whole file is then parsed, for its exact messages).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .yaml_source import LoadedYaml, Path_

Positions = dict[Path_, tuple[int, int]]


@dataclass(frozen=True)
class Entries:
    """A file's text cut at its entries: the lines before the first one (comments and
    blank lines), then each entry's text and first line (1-based). An entry's text runs
    to the next entry's "- " line, without the line break before it."""

    preamble: str
    texts: list[str]
    first_lines: list[int]


def cut(text: str) -> Entries | None:
    """The file's entries, or None when it is not a plain list of entries."""
    if text.count("\r") != text.count("\r\n"):
        return None  # a lone CR is a line break to YAML, not to this cut
    preamble: list[str] = []
    entries: list[list[str]] = []
    first_lines: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("- ") or line.rstrip("\r") == "-":
            entries.append([line])
            first_lines.append(number)
        elif line[:1] == "#" or not line.strip(" \r"):
            (entries[-1] if entries else preamble).append(line)
        elif entries and line[:1] == " ":
            entries[-1].append(line)
        else:
            return None  # a key, "---", a directive, a tab...: not an entry's line
    if not entries:
        return None
    return Entries("\n".join(preamble), ["\n".join(lines) for lines in entries],
                   first_lines)


Grouped = dict[int, list[tuple[Path_, tuple[int, int]]]]


@dataclass(frozen=True)
class _Cut:
    """A parse with its text cut at the entries and its positions grouped by entry: kept
    for the file's next version, so that neither is worked out twice."""

    parse: LoadedYaml
    entries: Entries
    positions: Grouped
    key_positions: Grouped


_LAST: dict[str, _Cut] = {}  # file as shown -> its latest parse, cut


def reparsed(text: str, path: str, before_text: str, before: LoadedYaml,
             parse: Callable[[str, LoadedYaml], LoadedYaml]) -> LoadedYaml | None:
    """`text` parsed reusing the entries it shares with `before_text` (whose parse is
    `before`), or None: then parse the whole file."""
    kept = _LAST.get(path)
    if kept is not None and kept.parse is not before:
        kept = None
    old = kept.entries if kept is not None else cut(before_text)
    new = cut(text)
    if new is None or old is None or before.diagnostics:
        return None
    if not isinstance(before.value, list) or len(before.value) != len(old.texts):
        return None
    if kept is not None:
        old_positions, old_keys = kept.positions, kept.key_positions
    else:
        old_positions, old_keys = _by_entry(before.positions), _by_entry(before.key_positions)
    if new.preamble != old.preamble:
        return None  # only the entries are parsed here, and the preamble was not
    # An entry is parsed in the context it has in the file: followed by another entry's
    # "- " line, or by the end of the file (which ends block scalars differently).
    old_last, last = len(old.texts) - 1, len(new.texts) - 1
    known = {(entry, index == old_last): index
             for index, entry in reversed(list(enumerate(old.texts)))}
    value: list[Any] = []
    grouped: Grouped = {}
    grouped_keys: Grouped = {}
    for index, (entry, first_line) in enumerate(zip(new.texts, new.first_lines, strict=True)):
        # Each old entry is reused once: an entry written twice gets values of its own.
        was = known.pop((entry, index == last), None)
        if was is not None:
            shift = first_line - old.first_lines[was]
            value.append(before.value[was])
            grouped[index] = _shifted(old_positions.get(was, []), shift)
            grouped_keys[index] = _shifted(old_keys.get(was, []), shift)
            continue
        # Blank lines before the entry keep every line number as in the whole file, and
        # a stand-in for the next entry keeps what follows it.
        following = "" if index == last else "\n- ~"
        alone = parse("\n" * (first_line - 1) + entry + following, LoadedYaml(path))
        wanted = 1 if index == last else 2
        if (alone.diagnostics or not isinstance(alone.value, list)
                or len(alone.value) != wanted or (wanted == 2 and alone.value[1] is not None)):
            return None
        value.append(alone.value[0])
        grouped[index] = _by_entry(alone.positions).get(0, [])
        grouped_keys[index] = _by_entry(alone.key_positions).get(0, [])
    positions: Positions = {(): (new.first_lines[0], 1)}  # the list starts at its first "-"
    key_positions: Positions = {}
    for index in range(len(value)):
        positions.update(((index, *rest), where) for rest, where in grouped[index])
        key_positions.update(((index, *rest), where) for rest, where in grouped_keys[index])
    result = LoadedYaml(path, value, positions, key_positions, [])
    _LAST[path] = _Cut(result, new, grouped, grouped_keys)
    return result


def _shifted(positions: list[tuple[Path_, tuple[int, int]]],
             lines: int) -> list[tuple[Path_, tuple[int, int]]]:
    if not lines:
        return positions  # never changed in place: shared as it is
    return [(rest, (line + lines, column)) for rest, (line, column) in positions]


def _by_entry(positions: Any) -> Grouped:
    """Positions grouped by the entry they are under: index -> (path below it, position)."""
    grouped: Grouped = {}
    for key, where in positions.items():
        if key and isinstance(key[0], int):
            grouped.setdefault(key[0], []).append((key[1:], where))
    return grouped
