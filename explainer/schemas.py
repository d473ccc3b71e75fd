"""JSON Schemas of the data files, generated from the models, for editors and open data."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter

from .models import KINDS

SCHEMA_DIR = "schemas"


def schema_for(kind: str) -> dict:
    schema = TypeAdapter(list[KINDS[kind]]).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{kind}.schema.json",
        "title": f"explainer {kind}",
        "description": f"data/{kind}.yaml: a list of {kind}",
        **schema,
    }


# What the open data adds to each entity: dates from the fact-level history.
_EXPORTED_DATES = {
    "published": {"type": "string", "format": "date",
                  "description": "When this entry first appeared on the site"},
    "modified": {"type": "string", "format": "date",
                 "description": "When this entry last changed in substance"},
}


def exported_schema_for(kind: str) -> dict:
    schema = schema_for(kind)
    item = schema["$defs"][KINDS[kind].__name__]
    item["properties"] = {**item["properties"], **_EXPORTED_DATES}
    schema["description"] = f"data/{kind}.json on the site: a list of {kind}"
    return schema


def schema_texts(*, exported: bool = False) -> dict[str, str]:
    """File name -> JSON text, stable byte for byte: the data files' schemas, or those
    of the open data export (which adds each entity's dates)."""
    make = exported_schema_for if exported else schema_for
    return {
        f"{kind}.schema.json": json.dumps(make(kind), indent=2, sort_keys=True,
                                          ensure_ascii=False) + "\n"
        for kind in KINDS
    }


def write_schemas(root: Path) -> list[Path]:
    folder = root / SCHEMA_DIR
    folder.mkdir(exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
