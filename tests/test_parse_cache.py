"""The parse cache: a build keeps each data file's parse in .cache/yaml/ as JSON; `check`
reads it and gives the same diagnostics as without it; damaged or stale entries are
ignored; nothing in it can run code."""

from __future__ import annotations

from pathlib import Path

from explainer import yaml_source
from explainer.parse_cache import ParseCache, StoredPositions
from explainer.store import load_dataset
from tests.conftest import REPO


def _fresh(path: Path, shown: str, store: ParseCache) -> yaml_source.LoadedYaml:
    yaml_source._PARSED.clear()  # the in-process memory, so the store is asked
    return yaml_source.load_yaml_bytes(path.read_bytes(), shown, store)


def test_a_kept_parse_is_the_parse(tmp_path: Path) -> None:
    path = REPO / "data" / "quotes.yaml"
    writer = ParseCache(tmp_path, writable=True)
    parsed = _fresh(path, "data/quotes.yaml", writer)
    [kept] = (tmp_path / "yaml").iterdir()
    assert kept.suffix == ".json"
    reader = ParseCache(tmp_path, writable=False)
    digest = yaml_source.hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    again = reader.get("data/quotes.yaml", digest)
    assert again is not None
    assert (again.value, again.positions, again.key_positions, again.diagnostics) == (
        parsed.value, parsed.positions, parsed.key_positions, parsed.diagnostics)


def test_stale_or_damaged_entries_are_parsed_again(tmp_path: Path) -> None:
    path = REPO / "data" / "actors.yaml"
    store = ParseCache(tmp_path, writable=True)
    _fresh(path, "data/actors.yaml", store)
    [kept] = (tmp_path / "yaml").iterdir()
    assert store.get("data/actors.yaml", b"\0" * 16) is None  # other bytes
    kept.write_text("{not json", "utf-8")
    assert store.get("data/actors.yaml", b"\0" * 16) is None
    assert _fresh(path, "data/actors.yaml", store).value[0]["id"] == "trump"


def test_a_reader_writes_nothing(tmp_path: Path) -> None:
    _fresh(REPO / "data" / "events.yaml", "data/events.yaml",
           ParseCache(tmp_path, writable=False))
    assert not (tmp_path / "yaml").exists()


def test_diagnostics_are_the_same_with_a_warm_cache(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for source in (REPO / "data").iterdir():
        text = source.read_text("utf-8")
        if source.name == "actors.yaml":
            text = text.replace("kind: person", "kind: persona", 1)
        (data / source.name).write_text(text, "utf-8")
    yaml_source._PARSED.clear()
    cold = load_dataset(data, tmp_path, parses=ParseCache(tmp_path, writable=True))[1]
    yaml_source._PARSED.clear()
    warm = load_dataset(data, tmp_path, parses=ParseCache(tmp_path, writable=False))[1]
    assert warm == cold and any("persona" in d.message for d in warm)


def test_positions_are_read_only_when_a_message_needs_one(tmp_path: Path) -> None:
    path = REPO / "data" / "positions.yaml"
    parsed = _fresh(path, "data/positions.yaml", ParseCache(tmp_path, writable=True))
    digest = yaml_source.hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    again = ParseCache(tmp_path, writable=False).get("data/positions.yaml", digest)
    assert again is not None
    assert isinstance(again.positions, StoredPositions)
    assert again.positions._positions is None  # not parsed by reading the file
    assert again.position((2, "stance")) == parsed.position((2, "stance")) != (1, 1)
    assert again.positions._positions is not None


def test_damaged_positions_point_at_the_start_of_the_file() -> None:
    loaded = yaml_source.LoadedYaml("data/actors.yaml", [], StoredPositions("[[0, 'x'"))
    assert loaded.position((0, "name")) == (1, 1)
