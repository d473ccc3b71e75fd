"""Parses of data files kept between runs in the project's cache (`.cache/yaml/`).

Parsing YAML with the position of every value is most of the time `check` spends on a
large data set. A build keeps each file's parse here, as JSON (never pickle: nothing in
the cache can run code), keyed by the file's bytes; `check` only reads it, so it still
writes nothing. A file whose parse cannot be stored as JSON is simply not kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from .diagnostics import Diagnostic
from .files import write_cache_file
from .yaml_source import LoadedYaml, Path_

VERSION = "2"


class ParseCache:
    def __init__(self, cache_dir: Path, *, writable: bool):
        self.folder = cache_dir / "yaml"
        self.writable = writable

    def _file(self, shown: str) -> Path:
        return self.folder / (hashlib.blake2b(shown.encode(), digest_size=16).hexdigest()
                              + ".json")

    def get(self, shown: str, digest: bytes) -> LoadedYaml | None:
        try:
            stored = json.loads(self._file(shown).read_bytes())
            if stored["version"] != VERSION or stored["digest"] != digest.hex() \
                    or stored["path"] != shown:
                return None
            return LoadedYaml(
                shown, stored["value"], StoredPositions(stored["positions"]),
                StoredPositions(stored["key_positions"]),
                [Diagnostic(*d) for d in stored["diagnostics"]])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, shown: str, digest: bytes, loaded: LoadedYaml) -> None:
        if not self.writable:
            return
        try:
            text = json.dumps({
                "version": VERSION, "digest": digest.hex(), "path": shown,
                "value": loaded.value,
                "positions": _stored(loaded.positions),
                "key_positions": _stored(loaded.key_positions),
                "diagnostics": [[d.path, d.line, d.column, d.severity, d.message]
                                for d in loaded.diagnostics]}, ensure_ascii=False)
        except (TypeError, ValueError):  # keys that are not text, say: not kept
            return
        if json.loads(text)["value"] != loaded.value:
            return  # JSON would not give the same values back (a tuple, a float key...)
        write_cache_file(self._file(shown), text.encode())


def _stored(positions: Mapping[Path_, tuple[int, int]]) -> str:
    """Positions as JSON text inside the JSON: reading the file then skips over them, and
    they are parsed only if a message needs one (see StoredPositions)."""
    return json.dumps([[*key, *where] for key, where in positions.items()],
                      ensure_ascii=False, separators=(",", ":"))


class StoredPositions(Mapping[Path_, tuple[int, int]]):
    """The positions of a cached parse, read from their JSON text when first looked up:
    a check that finds nothing wrong never needs them."""

    def __init__(self, text: str):
        if not isinstance(text, str):
            raise TypeError("positions are stored as JSON text")
        self._text = text
        self._positions: dict[Path_, tuple[int, int]] | None = None

    def _read(self) -> dict[Path_, tuple[int, int]]:
        if self._positions is None:
            try:
                self._positions = {tuple(row[:-2]): (row[-2], row[-1])
                                   for row in json.loads(self._text)}
            except (ValueError, TypeError, IndexError):  # a damaged cache: places unknown
                self._positions = {}
        return self._positions

    def __getitem__(self, path: Path_) -> tuple[int, int]:
        return self._read()[path]

    def __iter__(self) -> Iterator[Path_]:
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())
