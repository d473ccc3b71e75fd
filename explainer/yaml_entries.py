"""A changed data file parsed again entry by entry: the preview's one-fact edit.

A kind's file is a list of entries, each starting with "- " at the start of a line. When
the file changes within a process (the preview re-reads it on every save), only the
entries whose text changed are parsed; the others keep their values and positions from
the last parse, moved to their new lines. The result is what parsing the whole file
gives, or None whenever that cannot be assured: a line at the left margin that is not an
entry start, a comment or blank; a parse that was not a clean list of one value per
entry; any problem in a changed entry (the whole file is then parsed, for its exact
messages).
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
    blank lines), then each entry's text and first line (1-based)."""

    texts: list[str]
    first_lines: list[int]


def cut(text: str) -> Entries | None:
    """The file's entries, or None when it is not a plain list of entries."""
    entries: list[list[str]] = []
    first_lines: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("- ") or line.rstrip("\r") == "-":
            entries.append([line])
            first_lines.append(number)
        elif entries and (line[:1] == " " or line[:1] == "#" or not line.strip()):
            entries[-1].append(line)
        elif not entries and (line[:1] == "#" or not line.strip()):
            continue  # comments and blank lines before the first entry
        else:
            return None  # a key, "---", a directive, a tab...: not an entry's line
    if not entries:
        return None
    return Entries(["\n".join(lines) for lines in entries], first_lines)


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
    last = _LAST.get(path)
    old = last.entries if last is not None and last.parse is before else cut(before_text)
    new = cut(text)
    if new is None or old is None or before.diagnostics:
        return None
    if not isinstance(before.value, list) or len(before.value) != len(old.texts):
        return None
    if last is not None and last.parse is before:
        old_positions, old_keys = last.positions, last.key_positions
    else:
        old_positions, old_keys = _by_entry(before.positions), _by_entry(before.key_positions)
    known = {entry: index for index, entry in enumerate(old.texts)}
    value: list[Any] = []
    grouped: Grouped = {}
    grouped_keys: Grouped = {}
    for index, (entry, first_line) in enumerate(zip(new.texts, new.first_lines, strict=True)):
        was = known.get(entry)
        if was is not None:
            shift = first_line - old.first_lines[was]
            value.append(before.value[was])
            grouped[index] = _shifted(old_positions.get(was, []), shift)
            grouped_keys[index] = _shifted(old_keys.get(was, []), shift)
            continue
        # Blank lines before the entry keep every line number as in the whole file.
        alone = parse("\n" * (first_line - 1) + entry, LoadedYaml(path))
        if alone.diagnostics or not isinstance(alone.value, list) or len(alone.value) != 1:
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
