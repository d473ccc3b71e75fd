"""JSON Schemas of the data files, generated from the models, for editors and open data.

The schemas in schemas/ are what editors read through each data file's first line: a
description of every field, examples, what each choice means, a ready-made entry to
start from, and the ids already in data/ offered wherever a field refers to another
entry. Those ids make them depend on the data, so `build.py schemas` is run again after
adding entries. The open data's schemas leave the ids and ready-made entries out: they
describe any export, not this one's contents.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import pydantic
from pydantic import TypeAdapter

from .data_files import SCHEMA_DIR
from .files import write_cache_file
from .kinds import KINDS
from .site_config import data_dir_of
from .store import load_dataset

# The project this package belongs to: the bundled explainer beside it.
BUNDLED_ROOT = Path(__file__).resolve().parent.parent

# kind -> sorted ids of its entries in data/
KnownIds = dict[str, list[str]]


def _today(stop: int) -> str:
    """A tab stop holding today's date, which the editor fills in, in quotes."""
    return f'"${{{stop}:$CURRENT_YEAR-$CURRENT_MONTH-$CURRENT_DATE}}"'


def _snippet(label: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"label": label, "description": description, "body": body}


# Ready-made entries (VS Code's defaultSnippets), on the list: the YAML language server
# offers them where a new item of the list is started, adding its "- ". Each holds the
# required fields, the sources that keep `check --strict` from warning, and `as_of`.
# $1, ${2:default}: the tab stops, in order.
_SNIPPETS: dict[str, list[dict[str, Any]]] = {
    "sources": [_snippet("New source", "A source: its id and title", {
        "id": "${1:source-id}", "title": "${2:Title of the article or report}",
        "as_of": _today(3)})],
    "actors": [_snippet("New actor", "An actor with its required fields and a source", {
        "id": "${1:actor-id}", "name": "${2:Name}", "kind": "${3:person}",
        "sources": ["${4:source-id}"], "as_of": _today(5)})],
    "issues": [_snippet("New issue", "An issue with its required fields and a source", {
        "id": "${1:issue-id}", "title": "${2:Title}", "summary": "${3:What is at stake}",
        "sources": ["${4:source-id}"], "as_of": _today(5)})],
    "positions": [_snippet("New position", "An actor's stance on an issue, with a source", {
        "actor": "${1:actor-id}", "issue": "${2:issue-id}", "stance": "${3:unclear}",
        "summary": "${4:The position and what shows it}", "sources": ["${5:source-id}"],
        "as_of": _today(6)})],
    "quotes": [_snippet("New quote", "A quote with its required fields", {
        "id": "${1:quote-id}", "actor": "${2:actor-id}", "text": "${3:Words said}",
        "context": "${4:Where and when it was said}", "source": "${5:source-id}",
        "as_of": _today(6)})],
    "questions": [_snippet("New question", "An open question with its required fields", {
        "id": "${1:question-id}", "question": "${2:What is still unknown?}",
        "status": "${3:open}", "known": ["${4:What we know}"],
        "unknown": ["${5:What we don't know}"], "would_resolve": ["${6:What would resolve it}"],
        "sources": ["${7:source-id}"], "as_of": _today(8)})],
    "events": [_snippet("New event", "An event on a date, with a source; a time is written "
                        "with its UTC offset, e.g. 2025-08-15T11:00-08:00", {
        "id": "${1:event-id}", "start": _today(2), "title": "${3:Title}",
        "summary": "${4:What happened}", "place": "${5:Place}", "sources": ["${6:source-id}"],
        "as_of": _today(7)})],
    "updates": [
        _snippet("New update", "A change log entry dated today", {
            "id": "${1:update-id}", "date": _today(2), "kind": "${3:update}",
            "summary": "${4:What changed}", "touches": ["${5:actor:actor-id}"],
            "as_of": _today(6)}),
        _snippet("New correction", "A correction dated today, saying what was wrong", {
            "id": "${1:correction-id}", "date": _today(2), "kind": "correction",
            "summary": "${3:What was corrected}", "corrected": "${4:What was wrong}",
            "touches": ["${5:actor:actor-id}"], "as_of": _today(6)}),
    ],
}


def schema_for(kind: str, known: KnownIds | None = None) -> dict:
    """The schema of data/<kind>.yaml (or of each file in data/<kind>/); with `known`,
    its ids offered in the fields that refer to other entries."""
    # The model is chosen at run time, so mypy cannot read `list[...]` as a type.
    schema = TypeAdapter(list[KINDS[kind].model]).json_schema()  # type: ignore[misc, arg-type]
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{kind}.schema.json",
        "title": f"explainer {kind}",
        "description": f"data/{kind}.yaml, or each file of data/{kind}/: a list of {kind}",
        "defaultSnippets": copy.deepcopy(_SNIPPETS.get(kind, [])),
        **schema,
    }
    if known is not None:
        _offer_ids(_properties(schema, kind), kind, known)
    return schema


def _properties(schema: dict, kind: str) -> dict[str, dict]:
    return schema["$defs"][KINDS[kind].model.__name__]["properties"]


def reference_fields(kind: str, known: KnownIds) -> dict[str, list[str]]:
    """Field -> the ids it may hold, for the fields of `kind` that refer to entries."""
    if kind == "updates":
        return {"touches": sorted(f"{other.singular}:{entity_id}"
                                  for other in KINDS.values()
                                  for entity_id in known[other.name])}
    return {name: known[target]
            for name, target in KINDS[kind].reference_fields().items()}


def _offer_ids(properties: dict[str, dict], kind: str, known: KnownIds) -> None:
    """Known ids as examples, which editors offer as completions: on the items of a list,
    else on the field. Not an enum: a new id is allowed before its entry exists."""
    for name, ids in reference_fields(kind, known).items():
        if not ids:
            continue
        field = properties[name]
        if "items" in field:
            field["items"] = {**field["items"], "examples": ids}
        else:
            field["examples"] = ids


def known_ids(root: Path) -> KnownIds:
    """The ids of the entries in the project's data folder that validate."""
    dataset, _ = load_dataset(data_dir_of(root), root)
    return {kind: sorted(dataset.table(kind)) for kind in KINDS}


# What the open data adds to each entity: dates from the fact-level history.
_EXPORTED_DATES = {
    "published": {"type": "string", "format": "date",
                  "description": "When this entry first appeared on the site"},
    "modified": {"type": "string", "format": "date",
                 "description": "When this entry last changed in substance"},
}


def exported_schema_for(kind: str) -> dict:
    schema = schema_for(kind)
    del schema["defaultSnippets"]  # for writing YAML entries, not for reading the export
    item = schema["$defs"][KINDS[kind].model.__name__]
    item["properties"] = {**item["properties"], **_EXPORTED_DATES}
    schema["description"] = f"data/{kind}.json on the site: a list of {kind}"
    return schema


def _canonical(value: Any) -> Any:
    """Keys sorted at every level, for stable output, except in the ready-made entries,
    whose order is the order an editor inserts the fields in."""
    if isinstance(value, dict):
        return {key: value[key] if key == "defaultSnippets" else _canonical(value[key])
                for key in sorted(value)}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def schema_texts(*, exported: bool = False, root: Path | None = None) -> dict[str, str]:
    """File name -> JSON text, stable byte for byte: the schemas of the data files of the
    project at `root` (the bundled one by default), or those of the open data export,
    which add each entity's dates and offer no ids."""
    if exported:
        schemas = {kind: exported_schema_for(kind) for kind in KINDS}
    else:
        known = known_ids(root or BUNDLED_ROOT)
        schemas = {kind: schema_for(kind, known) for kind in KINDS}
    return {
        f"{kind}.schema.json": json.dumps(_canonical(schema), indent=2,
                                          ensure_ascii=False) + "\n"
        for kind, schema in schemas.items()
    }


# The code the open data's schemas are made from: the models, the registry, this module.
_SCHEMA_CODE = ("models.py", "kinds.py", "schemas.py")


@functools.cache
def exported_schema_texts(cache_dir: Path | None = None) -> dict[str, str]:
    """schema_texts(exported=True), which depends on the code alone: made once per process
    and kept in `cache_dir` between builds, under a digest of the code that makes it."""
    digest = _code_digest() if cache_dir is not None else None
    path = cache_dir / "schemas" / f"{digest}.json" if cache_dir and digest else None
    cached = _read_texts(path) if path is not None else None
    if cached is not None:
        return cached
    texts = schema_texts(exported=True)
    if path is not None:
        for earlier in path.parent.glob("*.json"):  # made by other code: never read again
            with contextlib.suppress(OSError):
                earlier.unlink()
        write_cache_file(path, json.dumps(texts, ensure_ascii=False).encode())
    return texts


def _code_digest() -> str | None:
    """A digest of pydantic's version and the code, or None where the code cannot be read
    (an install of compiled files only): then nothing is cached."""
    digest = hashlib.blake2b(pydantic.VERSION.encode(), digest_size=16)
    try:
        for name in _SCHEMA_CODE:
            digest.update(b"\0" + (Path(__file__).parent / name).read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def _read_texts(path: Path) -> dict[str, str] | None:
    """A cached set of schemas, or None when it is missing or not one whole set."""
    try:
        texts = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    names = {f"{kind}.schema.json" for kind in KINDS}
    if not isinstance(texts, dict) or set(texts) != names \
            or not all(isinstance(text, str) for text in texts.values()):
        return None
    return texts


def write_schemas(root: Path) -> list[Path]:
    folder = root / SCHEMA_DIR
    folder.mkdir(exist_ok=True)
    written = []
    for name, text in schema_texts(root=root).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
