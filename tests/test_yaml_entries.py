"""A changed data file parsed again entry by entry (the preview's edits) gives exactly
what parsing the whole file gives: values, the position of every value and key, and
the messages; whatever cannot be cut safely at its entries is parsed whole."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from explainer import yaml_entries, yaml_source
from explainer.store import load_dataset
from tests.conftest import REPO

DATA = sorted((REPO / "data").glob("*.yaml"))


def _same(one: yaml_source.LoadedYaml, other: yaml_source.LoadedYaml) -> bool:
    return (one.value == other.value and dict(one.positions) == dict(other.positions)
            and dict(one.key_positions) == dict(other.key_positions)
            and one.diagnostics == other.diagnostics)


def _edited(lines: list[str], rng: random.Random) -> list[str]:
    lines = list(lines)
    at = rng.randrange(len(lines))
    edit = rng.choice(["append", "repeat", "delete", "comment", "blank", "quote"])
    if edit == "append":
        lines[at] += " more"
    elif edit == "repeat":
        lines.insert(at, lines[at])
    elif edit == "delete":
        del lines[at]
    elif edit == "comment":
        lines.insert(at, "  # a note")
    elif edit == "blank":
        lines.insert(at, "")
    else:
        lines[at] += ' "'  # often an unclosed quote: an error
    return lines


@pytest.mark.parametrize("path", DATA, ids=lambda path: path.name)
def test_random_edits_parse_as_the_whole_file_does(path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    cut_apart = []
    reparsed = yaml_entries.reparsed

    def counting(*args: object, **kwargs: object) -> object:
        result = reparsed(*args, **kwargs)  # type: ignore[arg-type]
        cut_apart.append(result is not None)
        return result

    monkeypatch.setattr(yaml_entries, "reparsed", counting)
    rng = random.Random(path.name)
    data = path.read_bytes()
    shown = f"data/{path.name}"
    original = (data, yaml_source._parse(data, shown))
    for _ in range(25):  # an edit of the file, then one more of that version
        before, lines = original, data.decode("utf-8").split("\n")
        for _ in range(2):
            lines = _edited(lines, rng)
            edited = "\n".join(lines).encode()
            whole = yaml_source._parse(edited, shown)
            again = yaml_source._parse(edited, shown, before=before)
            assert _same(again, whole), "\n".join(lines)
            before = (edited, again)
    if len(yaml_source._parse(data, shown).value or []) > 1:
        assert any(cut_apart), "no edit was parsed entry by entry"


@pytest.mark.parametrize("text", [
    "id: a\nname: A\n",  # a mapping, not a list
    "---\n- id: a\n",  # a document marker
    "- id: a\n\tname: A\n",  # a tab at the margin
    "- id: a\n  summary: two\nlines\n",  # text run back to the margin
    "- id: a\n  tags: [x,\n- y]\n",  # a bracket left open over an entry start
    "  name: A\n- id: b\n",  # an entry's lines before any entry
    '- id: a\n  summary: "open\n- id: b\n',  # a quote left open over an entry start
])
def test_what_cannot_be_cut_at_its_entries_is_parsed_whole(text: str) -> None:
    before_text = "- id: a\n  name: A\n- id: b\n  name: B\n"
    before = yaml_source._parse(before_text.encode(), "data/x.yaml")
    whole = yaml_source._parse(text.encode(), "data/x.yaml")
    again = yaml_source._parse(text.encode(), "data/x.yaml",
                               before=(before_text.encode(), before))
    assert _same(again, whole)


@pytest.mark.parametrize(("before_text", "text"), [
    # A block scalar ends at the next entry, not at the end of the file.
    ("- a: |\n    x\n- b: 1\n", "- a: |\n    y\n- b: 1\n"),
    ("- a: |+\n    x\n\n- b: 1\n", "- a: |+\n    y\n\n- b: 1\n"),
    ("- a: |\n    x", "- a: |\n    x\n- b: 1"),  # the last entry is last no more
    ("- x\n- |\n  t", "- |\n  t\n- x"),
    ("- a: 1\n- b: 1\n", "- a: 1\n  b: |\n    x\n- b: 1\n"),
    # An empty value is placed at what follows it.
    ("- a: 1\n- ? k\n\n- b: 1\n", "- a: 1\n- ? j\n\n- b: 1\n"),
    # What comes before the first entry is checked as the whole file checks it.
    ("- a: 1\n", "# ok\x1b\n- a: 1\n"),
    ("- a: 1\n", "\t\n- a: 1\n"),
    ("- a: 1\n", "\x0c\n- a: 1\n"),
    ("- a: 1\n", "\xa0\n- a: 1\n"),
    # A lone carriage return is a line break to YAML.
    ("# h\n- a: 1\n", "# h\rx: 1\n- a: 1\n"),
    ("- a: 1\r\n- b: 1\n", "- a: 1\r\r\n- b: 2\n"),
])
def test_edits_whose_context_matters_parse_as_the_whole_file_does(before_text: str,
                                                                  text: str) -> None:
    before = yaml_source._parse(before_text.encode(), "data/x.yaml")
    again = yaml_source._parse(text.encode(), "data/x.yaml",
                               before=(before_text.encode(), before))
    assert _same(again, yaml_source._parse(text.encode(), "data/x.yaml"))


def test_an_entry_written_twice_gets_values_of_its_own() -> None:
    before_text = "- id: a\n- id: b\n"
    text = "- id: a\n- id: a\n- id: b\n"
    before = yaml_source._parse(before_text.encode(), "data/x.yaml")
    again = yaml_source._parse(text.encode(), "data/x.yaml",
                               before=(before_text.encode(), before))
    assert _same(again, yaml_source._parse(text.encode(), "data/x.yaml"))
    assert again.value[0] is not again.value[1]


def test_entries_that_moved_keep_their_own_lines() -> None:
    before_text = "# actors\n- id: a\n  name: A\n- id: b\n  name: B\n"
    text = ("# actors\n- id: new\n  name: New\n\n  # its note\n"
            "- id: a\n  name: A\n- id: b\n  name: B\n")
    before = yaml_source._parse(before_text.encode(), "data/x.yaml")
    again = yaml_source._parse(text.encode(), "data/x.yaml",
                               before=(before_text.encode(), before))
    assert again.value[1] is before.value[0]  # shared, not parsed again
    assert again.positions[(2, "name")] == (9, 9)
    assert again.key_positions[(1, "id")] == (6, 3)
    assert _same(again, yaml_source._parse(text.encode(), "data/x.yaml"))


def test_a_one_fact_edit_validates_only_its_entry(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries parsed again entry by entry keep their values, and with them the entities
    validated from those values last time."""
    from explainer.kinds import KINDS

    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    for path in DATA:
        (root / "data" / path.name).write_bytes(path.read_bytes())
    first, _ = load_dataset(root / "data", root)
    actors = root / "data" / "actors.yaml"
    actors.write_text(actors.read_text("utf-8").replace(
        "role: Secretary of State", "role: Top Diplomat", 1), "utf-8")
    validated: list[str] = []
    model = KINDS["actors"].model
    validate = model.model_validate

    def counting(value: dict) -> object:
        validated.append(value["id"])
        return validate(value)

    monkeypatch.setattr(model, "model_validate", counting)
    second, diagnostics = load_dataset(root / "data", root)
    assert validated == ["rubio"]
    assert second.actors["rubio"].role == "Top Diplomat"
    assert second.actors["trump"] is first.actors["trump"]
    assert not [d for d in diagnostics if d.severity == "error"]
