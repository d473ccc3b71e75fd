"""Open data: the validated dataset as JSON, CSV and TimelineJS, from the same models
the pages use, so the download can never disagree with the site."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from .dataset import Dataset
from .models import KINDS
from .schemas import schema_texts

DATA_DIR = "data"  # on the published site


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def records(dataset: Dataset, kind: str) -> list[dict]:
    rows = []
    for entity in dataset.table(kind).values():
        row = entity.model_dump(mode="json", exclude_none=True)
        rows.append(row)
    return rows


def _csv(rows: list[dict], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "; ".join(value) if isinstance(value, list) else value
                         for key, value in row.items()})
    return buffer.getvalue().encode()


CSV_COLUMNS = {
    "actors": ["id", "name", "kind", "role", "affiliation", "aliases", "summary", "sources",
               "as_of"],
    "positions": ["actor", "issue", "stance", "summary", "quotes", "sources", "as_of"],
    "quotes": ["id", "actor", "text", "context", "date", "event", "source", "as_of"],
}


def timeline_js(dataset: Dataset, headline: str) -> dict:
    """The timeline in TimelineJS's JSON format (timeline.knightlab.com)."""
    events = []
    for event in dataset.events_in_order:
        start = {"year": event.start.year, "month": event.start.month, "day": event.start.day}
        if isinstance(event.start, datetime):
            start.update(hour=event.start.hour, minute=event.start.minute,
                         display_date=event.start.isoformat())
        item = {"unique_id": event.id, "start_date": start,
                "text": {"headline": event.title, "text": event.summary},
                "group": event.place}
        if event.end is not None:
            item["end_date"] = {"year": event.end.year, "month": event.end.month,
                                "day": event.end.day}
        events.append(item)
    return {"title": {"text": {"headline": headline}}, "events": events}


def export_files(dataset: Dataset, site_name: str) -> dict[str, bytes]:
    """Site-relative path -> bytes of every open data file."""
    files: dict[str, bytes] = {}
    everything = {}
    for kind in KINDS:
        rows = records(dataset, kind)
        everything[kind] = rows
        files[f"{DATA_DIR}/{kind}.json"] = _json(rows)
    files[f"{DATA_DIR}/all.json"] = _json(everything)
    for kind, columns in CSV_COLUMNS.items():
        files[f"{DATA_DIR}/{kind}.csv"] = _csv(everything[kind], columns)
    for name, text in schema_texts().items():
        files[f"{DATA_DIR}/schemas/{name}"] = text.encode()
    files[f"{DATA_DIR}/timeline.json"] = _json(timeline_js(dataset, site_name))
    return files
