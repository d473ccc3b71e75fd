"""Open data: the validated dataset as JSON, CSV and TimelineJS, from the same models
the pages use, so the download can never disagree with the site."""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import datetime
from pathlib import Path

from .dates import FactDates
from .kinds import KINDS
from .markup import render_markdown
from .schemas import exported_schema_texts
from .store import Dataset
from .urls import DATA_DIR


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def records(dataset: Dataset, kind: str, dates: FactDates | None = None) -> list[dict]:
    """Each entity as the data has it, plus when it was first published and last
    changed (from git, else `as_of`)."""
    rows = []
    for entity in dataset.table(kind).values():
        row = entity.model_dump(mode="json", exclude_none=True)
        if dates is not None:
            for name, day in (("published", dates.published(entity)),
                              ("modified", dates.modified(entity))):
                if day is not None:
                    row[name] = day.isoformat()
        rows.append(row)
    return rows


def _csv(rows: list[dict], columns: list[str]) -> bytes:
    # RFC 4180: CRLF row ends, so any cell holding a CR or LF is quoted and stays one cell.
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore",
                            lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_cell(value) for key, value in row.items()})
    return buffer.getvalue().encode()


# A spreadsheet may run a cell starting with one of these as a formula (OWASP, "CSV
# injection"), some also after leading spaces.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_AFTER_SPACES = ("=", "+", "-", "@")


def csv_cell(value: object) -> str:
    """One CSV cell: a list one item per line, and nothing a spreadsheet would run."""
    text = _list_cell(value) if isinstance(value, list) else str(value)
    # A leading apostrophe makes a spreadsheet show the cell as text. A value that already
    # starts with one gets another, so dropping one leading apostrophe gives the value back.
    if text.startswith((*_FORMULA_START, "'")) or text.lstrip().startswith(_FORMULA_AFTER_SPACES):
        return "'" + text
    return text


def _list_cell(items: list) -> str:
    # Items are free text: a backslash, LF or CR inside one is written \\, \n or \r, so
    # splitting the cell on LF and unescaping each line gives the list back.
    return "\n".join(str(item).replace("\\", "\\\\").replace("\n", "\\n")
                     .replace("\r", "\\r") for item in items)


# Kinds also published as CSV -> their columns, as the registry gives them.
CSV_COLUMNS = {kind.name: list(kind.csv_columns) for kind in KINDS.values() if kind.csv_columns}


def timeline_js(dataset: Dataset, headline: str) -> dict:
    """The timeline in TimelineJS's JSON format (timeline.knightlab.com)."""
    events = []
    for event in dataset.events_in_order:
        start: dict[str, int | str] = {"year": event.start.year, "month": event.start.month,
                                       "day": event.start.day}
        if isinstance(event.start, datetime):
            start.update(hour=event.start.hour, minute=event.start.minute,
                         display_date=event.start.isoformat())
        # TimelineJS inserts these with innerHTML: plain text escaped, Markdown sanitised.
        item = {"unique_id": event.id, "start_date": start,
                "text": {"headline": html.escape(event.title),
                         "text": str(render_markdown(event.summary, inline=False))},
                "group": html.escape(event.place)}
        if event.end is not None:
            item["end_date"] = {"year": event.end.year, "month": event.end.month,
                                "day": event.end.day}
        events.append(item)
    return {"title": {"text": {"headline": html.escape(headline)}}, "events": events}


def export_files(dataset: Dataset, site_name: str, dates: FactDates | None = None, *,
                 previous: dict[str, bytes] | None = None,
                 unchanged: frozenset[str] = frozenset(),
                 cache_dir: Path | None = None) -> dict[str, bytes]:
    """Site-relative path -> bytes of every open data file. With `previous` (the last
    export of the same history), the files of the kinds in `unchanged` are reused; the
    schemas are kept in `cache_dir` between builds."""
    dates = dates or FactDates()
    old = previous or {}
    files: dict[str, bytes] = {}
    csvs: dict[str, bytes] = {}
    for kind in KINDS:
        json_path, csv_path = f"{DATA_DIR}/{kind}.json", f"{DATA_DIR}/{kind}.csv"
        if previous is not None and kind in unchanged:
            files[json_path] = old[json_path]
            if kind in CSV_COLUMNS:
                csvs[csv_path] = old[csv_path]
            continue
        rows = records(dataset, kind, dates)
        files[json_path] = _json(rows)
        if kind in CSV_COLUMNS:
            csvs[csv_path] = _csv(rows, CSV_COLUMNS[kind])
    files[f"{DATA_DIR}/all.json"] = _all_json(
        {kind: files[f"{DATA_DIR}/{kind}.json"] for kind in KINDS})
    files.update(csvs)
    history = f"{DATA_DIR}/history.json"  # the history does not change in between
    files[history] = old.get(history) or _json([c.as_json() for c in dates.history.changes])
    for name, text in exported_schema_texts(cache_dir).items():
        files[f"{DATA_DIR}/schemas/{name}"] = text.encode()
    timeline = f"{DATA_DIR}/timeline.json"
    files[timeline] = (old[timeline] if previous is not None and "events" in unchanged
                       else _json(timeline_js(dataset, site_name)))
    return files


def _all_json(by_kind: dict[str, bytes]) -> bytes:
    """all.json, {kind: rows} as _json writes it, assembled from each kind's own file:
    the same text, indented one level more, without serialising everything again."""
    parts = []
    for kind in sorted(by_kind):
        text = by_kind[kind].decode().rstrip("\n").replace("\n", "\n  ")
        parts.append(f"  {json.dumps(kind, ensure_ascii=False)}: {text}")
    body = ",\n".join(parts)
    return (("{\n" + body + "\n}") if parts else "{}").encode() + b"\n"
