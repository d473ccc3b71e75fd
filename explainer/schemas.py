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


def schema_texts() -> dict[str, str]:
    """File name -> JSON text, stable byte for byte."""
    return {
        f"{kind}.schema.json": json.dumps(schema_for(kind), indent=2, sort_keys=True,
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
