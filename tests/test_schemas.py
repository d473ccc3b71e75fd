"""The JSON Schemas editors read: they accept the data `check` accepts, explain every
field and choice, offer the ids in data/ and ready-made entries, and the editor settings
and pre-commit hooks that go with them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import product
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic import TypeAdapter, ValidationError

from explainer import schemas
from explainer.kinds import KINDS
from explainer.models import QUESTION_STATUSES, STANCES, When
from explainer.schemas import exported_schema_texts, schema_texts
from explainer.yaml_source import load_yaml_bytes

from .conftest import REPO

SCHEMAS = REPO / "schemas"
SLUG_PATTERN = "^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Fields that hold ids of another kind: kind -> field -> the kind of the ids.
REFERENCES = {
    "actors": {"affiliation": "actors", "sources": "sources"},
    "issues": {"sources": "sources"},
    "positions": {"actor": "actors", "issue": "issues", "quotes": "quotes",
                  "sources": "sources"},
    "quotes": {"actor": "actors", "event": "events", "source": "sources"},
    "questions": {"actors": "actors", "issues": "issues", "sources": "sources"},
    "events": {"actors": "actors", "sources": "sources"},
    "sources": {},
    "updates": {},
}


def committed(kind: str) -> dict:
    return json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))


def properties(schema: dict, kind: str) -> dict[str, dict]:
    return schema["$defs"][KINDS[kind].model.__name__]["properties"]


def validator(schema: dict) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def data_of(folder: Path, kind: str):
    path = folder / "data" / f"{kind}.yaml"
    loaded = load_yaml_bytes(path.read_bytes(), str(path))
    assert loaded.diagnostics == []
    return loaded.value


def ids_in(folder: Path, kind: str) -> list[str]:
    if kind == "positions":
        return sorted(f"{p['actor']}--{p['issue']}" for p in data_of(folder, kind))
    return sorted(entry["id"] for entry in data_of(folder, kind))


def offered(field: dict) -> list[str]:
    """The values an editor offers for a field: its examples, or its items'."""
    return field["items"]["examples"] if "items" in field else field["examples"]


# -- the data validates ----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_bundled_data_file_validates_against_its_schema(kind: str) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in validator(committed(kind)).iter_errors(data_of(REPO, kind))]
    assert errors == []


def start_schema() -> Draft202012Validator:
    return validator(properties(committed("events"), "events")["start"])


def test_times_as_the_readme_writes_them_are_accepted_and_a_time_needs_its_offset() -> None:
    start = start_schema()
    assert start.is_valid("2025-08-15T11:00-08:00")  # the README's example
    assert start.is_valid("2025-08-15")
    assert start.is_valid("2025-08-15T11:00:30Z")
    assert not start.is_valid("2025-08-15T11:00")  # no UTC offset
    assert "format" not in json.dumps(properties(committed("events"), "events")["start"])


def check_accepts(value: str) -> bool:
    try:
        TypeAdapter(When).validate_python(value)
    except ValidationError:
        return False
    return True


DATES = ["2025-08-15", "2024-02-29", "0000-01-01", "2025-00-10", "2025-13-01", "2025-08-00",
         "2025-08-32", "2025-8-15", "20250815", "2025-08-15 "]
TIMES = ["", "T00:00", "T23:59", "T24:00", "T11:60", "T11:00:59", "T11:00:60", "T11",
         "T11:00:00.5", "t11:00", " 11:00"]
OFFSETS = ["", "Z", "z", "+00:00", "-00:00", "-08:00", "+23:59", "+23:60", "+24:00",
           "+05:99", "+0800", "-8:00", "+08"]


def test_the_time_pattern_accepts_exactly_what_check_accepts() -> None:
    start = start_schema()
    differ = [value for value in map("".join, product(DATES, TIMES, OFFSETS))
              if start.is_valid(value) != check_accepts(value)]
    assert differ == []
    # A day past the end of its month is the one thing only `check` catches.
    assert start.is_valid("2025-02-30") and not check_accepts("2025-02-30")


# -- what editors show -------------------------------------------------------------------


def all_schemas() -> list[tuple[str, str, dict]]:
    texts = {"data": schema_texts(), "open data": schema_texts(exported=True)}
    return [(which, name, json.loads(text)) for which, named in texts.items()
            for name, text in named.items()]


def test_every_property_of_every_kind_has_a_description() -> None:
    for which, name, schema in all_schemas():
        for kind in KINDS:
            if name == f"{kind}.schema.json":
                missing = [field for field, spec in properties(schema, kind).items()
                           if not spec.get("description", "").strip()]
                assert missing == [], f"{which} {name}: no description for {missing}"


def is_markdown(field: dict) -> bool:
    parts = [field, field.get("items", {}), *field.get("anyOf", [])]
    return any(part.get("contentMediaType") == "text/markdown" for part in parts)


def test_markdown_fields_say_so() -> None:
    for kind in KINDS:
        for name, field in properties(committed(kind), kind).items():
            if is_markdown(field):
                assert "Markdown" in field["description"], f"{kind}.{name}"
    assert is_markdown(properties(committed("questions"), "questions")["known"])


def enum_fields():
    for kind in KINDS:
        for name, field in properties(committed(kind), kind).items():
            if "enum" in field:
                yield kind, name, field


def test_every_choice_is_explained_and_stances_and_statuses_use_the_readers_labels() -> None:
    seen = set()
    for kind, name, field in enum_fields():
        assert len(field["enumDescriptions"]) == len(field["enum"]), f"{kind}.{name}"
        assert all(text.strip() for text in field["enumDescriptions"])
        labels = {"stance": STANCES, "status": QUESTION_STATUSES}.get(name)
        if labels is not None:
            seen.add(name)
            assert field["enum"] == list(labels)
            for value, text in zip(field["enum"], field["enumDescriptions"], strict=True):
                assert text.startswith(f"{labels[value]}: ")
    assert seen == {"stance", "status"}


def test_dates_times_urls_and_ids_have_examples_that_validate() -> None:
    for kind in KINDS:
        fields = properties(committed(kind), kind)
        names = [name for name in fields if name in (
            "id", "as_of", "review_by", "date", "start", "end", "url", "published")]
        assert "id" in names or kind == "positions"
        for name in names:
            field = fields[name]
            assert field["examples"], f"{kind}.{name}"
            check = validator(field)
            assert all(check.is_valid(example) for example in field["examples"])


# -- ids offered where a field refers to another entry -----------------------------------


def test_reference_fields_offer_the_ids_in_the_data() -> None:
    for kind, fields in REFERENCES.items():
        schema_fields = properties(committed(kind), kind)
        for name, target in fields.items():
            assert offered(schema_fields[name]) == ids_in(REPO, target), f"{kind}.{name}"


def test_touches_offers_every_entry_as_kind_and_id() -> None:
    touches = properties(committed("updates"), "updates")["touches"]
    assert offered(touches) == sorted(f"{kind.singular}:{entity_id}"
                                      for kind in KINDS.values()
                                      for entity_id in ids_in(REPO, kind.name))


def test_every_id_field_that_refers_to_another_entry_is_known_here() -> None:
    for kind in KINDS:
        for name, field in properties(committed(kind), kind).items():
            holds_ids = SLUG_PATTERN in json.dumps(field) and name != "id"
            assert holds_ids == (name in REFERENCES[kind]), f"{kind}.{name}"


def test_new_ids_are_still_allowed_in_reference_fields() -> None:
    quote = properties(committed("quotes"), "quotes")["actor"]
    assert "enum" not in json.dumps(quote)
    assert validator(quote).is_valid("someone-not-yet-in-the-data")


def test_schemas_follow_the_data_and_the_open_data_schemas_do_not(project: Path) -> None:
    exported = schema_texts(exported=True)
    actors = project / "data" / "actors.yaml"
    with actors.open("a", encoding="utf-8") as file:
        file.write("\n- id: a-new-actor\n  name: A new actor\n  kind: person\n")
    texts = schema_texts(root=project)
    events = json.loads(texts["events.schema.json"])
    assert "a-new-actor" in offered(properties(events, "events")["actors"])
    assert texts != schema_texts()
    assert schema_texts(exported=True) == exported
    for text in exported.values():  # no ids from the data: 'dujarric' is one
        assert "defaultSnippets" not in text and "dujarric" not in text
    assert "dujarric" in schema_texts()["positions.schema.json"]


# -- ready-made entries ------------------------------------------------------------------


PLACEHOLDER = re.compile(r"\$\{(\d+):([^}]*)\}")
# What VS Code puts for the variables a snippet may use.
VARIABLES = {"$CURRENT_YEAR": "2025", "$CURRENT_MONTH": "08", "$CURRENT_DATE": "15"}


def filled(text: str) -> str:
    text = PLACEHOLDER.sub(lambda match: match.group(2), text)
    for variable, value in VARIABLES.items():
        text = text.replace(variable, value)
    assert "$" not in text, text
    return text


def as_inserted(body: dict) -> str:
    """The entry as the YAML language server writes it at a new item of the list."""
    lines = []
    for key, value in body.items():
        if isinstance(value, list):
            lines += [f"{key}:", *(f"  - {item}" for item in value)]
        else:
            lines.append(f"{key}: {value}")
    return "- " + "\n  ".join(lines) + "\n"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_offers_a_ready_made_entry_that_is_valid_once_filled_in(kind: str) -> None:
    schema = committed(kind)
    snippets = schema["defaultSnippets"]
    required = schema["$defs"][KINDS[kind].model.__name__]["required"]
    assert snippets
    for snippet in snippets:
        assert snippet["label"].startswith("New ") and snippet["description"]
        body = snippet["body"]
        assert set(required) <= set(body), snippet["label"]
        stops = [int(number) for number, _ in PLACEHOLDER.findall(json.dumps(body))]
        assert stops == list(range(1, len(stops) + 1)), snippet["label"]
        loaded = load_yaml_bytes(filled(as_inserted(body)).encode(), "new.yaml")
        assert loaded.diagnostics == []
        assert validator(schema).is_valid(loaded.value)
        KINDS[kind].model.model_validate(loaded.value[0])


def test_ready_made_entries_keep_their_fields_in_order() -> None:
    body = committed("events")["defaultSnippets"][0]["body"]
    assert list(body)[:2] == ["id", "start"] and list(body)[-1] == "as_of"


# -- editor settings and hooks -----------------------------------------------------------


def test_vs_code_recommends_the_yaml_extension_and_validates_yaml() -> None:
    extensions = json.loads((REPO / ".vscode" / "extensions.json").read_text("utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text("utf-8"))
    assert settings["yaml.validate"] and settings["yaml.completion"]
    assert settings["files.insertFinalNewline"] and settings["[yaml]"]["editor.tabSize"] == 2
    editorconfig = (REPO / ".editorconfig").read_text("utf-8")
    assert "root = true" in editorconfig and "end_of_line = lf" in editorconfig


def hooks() -> list[dict]:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text("utf-8"))
    [local] = config["repos"]
    assert local["repo"] == "local"
    published = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    return [*local["hooks"], *published]


@pytest.mark.parametrize("path, runs", [
    ("data/actors.yaml", True), ("content/index.md", True), ("mkdocs.yml", True),
    ("overrides/main.html", True), ("README.md", False), ("explainer/cli.py", False),
    ("tests/fixtures/minimal/mkdocs.yml", False), ("mkdocs.yml.bak", False),
])
def test_the_check_hook_runs_when_the_data_content_or_config_change(path: str,
                                                                   runs: bool) -> None:
    checks = [hook for hook in hooks() if hook["id"] == "explainer-check"]
    assert len(checks) == 2
    for hook in checks:
        assert hook["entry"] == "python3 build.py check --strict"
        assert hook["pass_filenames"] is False and hook["language"] == "system"
        assert bool(re.search(hook["files"], path)) is runs


def test_the_schema_hook_runs_when_the_data_changes() -> None:
    for hook in (hook for hook in hooks() if hook["id"] == "explainer-schemas"):
        assert hook["entry"] == "python3 build.py schemas"
        assert re.search(hook["files"], "data/actors.yaml")
        assert not re.search(hook["files"], "content/index.md")


# -- the open data's schemas, kept between builds ---------------------------------------


@pytest.fixture
def fresh_process() -> Iterator[None]:
    exported_schema_texts.cache_clear()  # as in a new build's process
    yield
    exported_schema_texts.cache_clear()


def test_open_data_schemas_come_from_the_cache_in_the_next_build(
        tmp_path: Path, fresh_process: None, monkeypatch: pytest.MonkeyPatch) -> None:
    made = exported_schema_texts(tmp_path)
    assert made == schema_texts(exported=True)
    [kept] = (tmp_path / "schemas").iterdir()
    exported_schema_texts.cache_clear()

    def not_again(**_: object) -> dict[str, str]:
        raise AssertionError("made again although the cache holds them")

    monkeypatch.setattr(schemas, "schema_texts", not_again)
    assert exported_schema_texts(tmp_path) == made
    # Other code (here: another pydantic) is another entry, made anew in place of the last.
    monkeypatch.setattr(schemas.pydantic, "VERSION", "0.0.0")
    monkeypatch.setattr(schemas, "schema_texts", schema_texts)
    exported_schema_texts.cache_clear()
    assert exported_schema_texts(tmp_path) == made
    [replaced] = (tmp_path / "schemas").iterdir()
    assert replaced != kept


def test_open_data_schemas_are_not_cached_where_the_code_cannot_be_read(
        tmp_path: Path, fresh_process: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schemas, "_SCHEMA_CODE", ("models.py", "no-such-module.py"))
    assert exported_schema_texts(tmp_path) == schema_texts(exported=True)
    assert not (tmp_path / "schemas").exists()


@pytest.mark.parametrize("stored", [b"", b"{", b"[]", b'{"actors.schema.json": "{}"}',
                                    b"\xff\xfe"])
def test_a_damaged_cache_entry_is_made_again(tmp_path: Path, fresh_process: None,
                                             stored: bytes) -> None:
    made = exported_schema_texts(tmp_path)
    [kept] = (tmp_path / "schemas").iterdir()
    kept.write_bytes(stored)
    exported_schema_texts.cache_clear()
    assert exported_schema_texts(tmp_path) == made
    assert json.loads(kept.read_bytes()) == made
