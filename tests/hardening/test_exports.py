"""Every exported file is safe to open in a spreadsheet, a feed reader or TimelineJS.

Hostile text (the XSS corpus, spreadsheet formulas, control characters) goes into every
text field of a small dataset; the real bytes of the CSV, JSON, TimelineJS and Atom files,
and the JSON-LD of an actor page, are read back.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import xml.sax
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import yaml

from explainer.export import CSV_COLUMNS, export_files
from explainer.feed import atom_feed
from explainer.kinds import KINDS
from explainer.markup import _ALLOWED_ATTRIBUTES, _ALLOWED_TAGS, render_markdown
from explainer.store import Dataset, any_errors, load_dataset
from explainer.structured import page_meta
from explainer.urls import export_paths
from explainer.yaml_source import load_yaml_bytes

from .test_xss import NOT_TEXT, OPTIONAL_TEXT, PAYLOADS

MINIMAL = Path(__file__).resolve().parent.parent / "fixtures" / "minimal"
FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1+1", "\n-1",
            '=HYPERLINK("http://evil.example/","click")']
CONTROLS = ["\x00nul", "\x1b[31mred", "\x08back", "\x0bvt\x0cff", "a\rb", "\x7fdel",
            "\x9b31m", "\ufffe\uffff"]
ALL_PAYLOADS = [*PAYLOADS, *FORMULAS, *CONTROLS]
# List items that a plain separator would split, merge or let run as a formula.
LIST_ITEMS = ["one; two", "line\nbreak", "back\\slash \\n", "carriage\rreturn",
              "'apostrophe", "=SUM(A1)"]
# Cells a spreadsheet may run as a formula (OWASP): these first characters, also after spaces.
FORMULA_START = tuple("=+-@\t\r")
# Characters XML 1.0 does not allow anywhere in a document, not even as &#...;.
NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ATOM = "{http://www.w3.org/2005/Atom}"
SITE_URL = "https://example.org/explainer/"
SAFE_ATTRIBUTES = {name for names in _ALLOWED_ATTRIBUTES.values() for name in names} | {"rel"}


# -- the hostile dataset ------------------------------------------------------------------


def _hostile(value: str | list[str], payload: str,
             items: list[str] = LIST_ITEMS) -> str | list[str]:
    """The payload at the start of a text, so a spreadsheet sees it first."""
    if isinstance(value, list):
        return [f"{payload} {item}" for item in value] + [payload, *items]
    return f"{payload} {value}"


# The loader refuses control characters, so YAML carries only the printable list items.
YAML_LIST_ITEMS = [item for item in LIST_ITEMS
                   if all(c.isprintable() or c == "\n" for c in item)]


def _text_fields(kind: str, entry: dict[str, Any]) -> dict[str, Any]:
    """The text fields of one entry, optional ones filled in so they are covered too."""
    fields: dict[str, Any] = {name: ["An alias"] if name == "aliases" else "Text"
                              for name in OPTIONAL_TEXT.get(kind, ())}
    fields.update({key: value for key, value in entry.items()
                   if key not in NOT_TEXT and value is not None})
    return fields


def _load(root: Path) -> Dataset:
    dataset, diagnostics = load_dataset(root / "data", root)
    assert not any_errors(diagnostics), [d.as_text() for d in diagnostics]
    return dataset


def dataset_via_yaml(root: Path, payload: str) -> Dataset:
    """The payload written into the YAML files and read by the real loader."""
    shutil.copytree(MINIMAL / "data", root / "data")
    for path in sorted((root / "data").glob("*.yaml")):
        entries = load_yaml_bytes(path.read_bytes(), path.name).value or []
        for entry in entries:
            entry.update({key: _hostile(value, payload, YAML_LIST_ITEMS)
                          for key, value in _text_fields(path.stem, entry).items()})
        path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False,
                                       width=1_000_000), encoding="utf-8")
    return _load(root)


def dataset_via_models(root: Path, payload: str) -> Dataset:
    """The payload put into validated models directly: YAML cannot carry every control
    character, and the loader may refuse the ones it can."""
    shutil.copytree(MINIMAL / "data", root / "data")
    clean = _load(root)
    tables: dict[str, dict] = {}
    for kind in KINDS:
        tables[kind] = {}
        for key, entity in clean.table(kind).items():
            fields = _text_fields(kind, entity.model_dump())
            tables[kind][key] = entity.model_copy(
                update={name: _hostile(value, payload) for name, value in fields.items()})
    return Dataset(tables)


@pytest.fixture(params=ALL_PAYLOADS, ids=ascii)
def payload(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def dataset(tmp_path: Path, payload: str) -> Dataset:
    in_yaml = payload.replace("\n", "").isprintable()
    return (dataset_via_yaml if in_yaml else dataset_via_models)(tmp_path, payload)


@pytest.fixture
def files(dataset: Dataset, payload: str) -> dict[str, bytes]:
    return export_files(dataset, f"{payload} Site")


# -- reading the files back as a consumer would -------------------------------------------


def looks_like_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_START) or cell.lstrip().startswith(FORMULA_START[:4])


def neutralised(value: str) -> str:
    """The documented cell rule: an apostrophe before a formula-like or apostrophe-led value."""
    return "'" + value if looks_like_formula(value) or value.startswith("'") else value


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def cell_value(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


_UNESCAPE = {"\\": "\\", "n": "\n", "r": "\r"}


def list_value(cell: str) -> list[str]:
    """The documented list rule: one item per line, with \\\\, \\n and \\r escaped."""
    text = cell_value(cell)
    if not text:
        return []
    return [re.sub(r"\\(.)", lambda m: _UNESCAPE[m.group(1)], line) for line in text.split("\n")]


def csv_tables(files: dict[str, bytes]) -> Iterator[tuple[str, list[str], list[dict]]]:
    """(kind, columns, exact records from the JSON export) of every CSV file."""
    for kind, columns in CSV_COLUMNS.items():
        yield kind, columns, json.loads(files[f"data/{kind}.json"])


class HtmlScan(HTMLParser):
    """Tags, attributes and visible text of an HTML fragment."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.text_parts: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)


def unsafe_markup(fragment: str, also: frozenset[str] = frozenset()) -> list[str]:
    """What the sanitiser would not let through: other tags or attributes, handlers,
    URLs that are not http(s). `also`: tags the exporter writes itself."""
    scan = HtmlScan(fragment)
    problems = [f"<{tag}>" for tag in scan.tags if tag not in _ALLOWED_TAGS | also]
    for tag, name, value in scan.attributes:
        if name.startswith("on") or name not in SAFE_ATTRIBUTES:
            problems.append(f"<{tag} {name}={value!r}>")
        elif name == "href" and not re.match(r"https?://", value.strip(), re.IGNORECASE):
            problems.append(f"<{tag} href={value!r}>")
    return problems


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def as_xml_text(text: str) -> str:
    """Text as a feed reader gets it back: forbidden characters replaced, spaces collapsed
    (the feed's HTML and an XML parser both fold line ends)."""
    return " ".join(NOT_XML_CHAR.sub("\ufffd", text).split())


# -- CSV ----------------------------------------------------------------------------------


def test_no_csv_cell_is_a_formula(files: dict[str, bytes], payload: str) -> None:
    carried = 0
    for kind in CSV_COLUMNS:
        for row in read_csv(files[f"data/{kind}.csv"]):
            for cell in row:
                assert not looks_like_formula(cell), f"{kind}.csv: {cell!r}"
                carried += payload in cell
    assert carried >= 5, "the payload did not reach the CSV files"


def test_csv_reads_back_row_for_row(files: dict[str, bytes]) -> None:
    for kind, columns, records in csv_tables(files):
        data = files[f"data/{kind}.csv"]
        assert data.startswith(",".join(columns).encode() + b"\r\n"), data[:200]
        rows = read_csv(data)
        assert rows[0] == columns
        assert len(rows) == len(records) + 1, f"{kind}.csv: {len(rows) - 1} rows"
        for row, record in zip(rows[1:], records, strict=True):
            assert len(row) == len(columns), f"{kind}.csv: {row!r}"
            for column, cell in zip(columns, row, strict=True):
                value = record.get(column, "")
                if not isinstance(value, list):
                    assert cell == neutralised(str(value)), f"{kind}.csv {column}: {cell!r}"


def test_csv_list_cells_round_trip(files: dict[str, bytes]) -> None:
    lists = 0
    for kind, columns, records in csv_tables(files):
        for row, record in zip(read_csv(files[f"data/{kind}.csv"])[1:], records, strict=True):
            for column, cell in zip(columns, row, strict=True):
                if isinstance(record.get(column), list):
                    assert list_value(cell) == record[column], f"{kind}.csv {column}: {cell!r}"
                    lists += 1
    actors = json.loads(files["data/actors.json"])
    assert all(set(YAML_LIST_ITEMS) <= set(actor["aliases"]) for actor in actors)
    assert lists >= 6


# -- TimelineJS ---------------------------------------------------------------------------


def test_timeline_has_only_sanitised_markup(files: dict[str, bytes]) -> None:
    timeline = json.loads(files["data/timeline.json"])
    problems = [f"{text[:80]!r}: {found}" for text in strings(timeline)
                if (found := unsafe_markup(text))]
    assert not problems, "\n".join(problems)


def test_timeline_headlines_are_escaped_text(files: dict[str, bytes], dataset: Dataset,
                                             payload: str) -> None:
    timeline = json.loads(files["data/timeline.json"])
    shown = [(timeline["title"]["text"]["headline"], f"{payload} Site")]
    for item in timeline["events"]:
        event = dataset.events[item["unique_id"]]
        shown += [(item["text"]["headline"], event.title), (item["group"], event.place)]
    for fragment, text in shown:
        scan = HtmlScan(fragment)
        assert not scan.tags, fragment
        assert scan.text == text == html.unescape(fragment), fragment


def test_timeline_text_is_rendered_markdown(files: dict[str, bytes], dataset: Dataset) -> None:
    for item in json.loads(files["data/timeline.json"])["events"]:
        text = item["text"]["text"]
        assert re.match(r"<[a-z]+>", text), f"not rendered: {text[:80]!r}"
        summary = dataset.events[item["unique_id"]].summary
        assert text == str(render_markdown(summary, inline=False))


# -- JSON ---------------------------------------------------------------------------------


def test_json_files_parse(files: dict[str, bytes]) -> None:
    everything = json.loads(files["data/all.json"])
    for kind in KINDS:
        assert json.loads(files[f"data/{kind}.json"].decode("utf-8")) == everything[kind]
    for path, data in files.items():
        if path.endswith(".json"):
            json.loads(data.decode("utf-8"))


def test_json_ld_cannot_end_its_script(dataset: Dataset, payload: str) -> None:
    meta = page_meta(dataset=dataset, site_name=f"{payload} Site", site_url=SITE_URL,
                     page_url="actors/putin/", title=f"{payload} Putin",
                     description=f"{payload} description", updated=None,
                     mentioned_actors=["putin", "trump"], actor_id="putin",
                     author=f"{payload} Desk", publisher=f"{payload} Press",
                     about={"name": f"{payload} summit"})
    text = meta.json_ld
    for sequence in ("</", "<!--", "<", ">", "&", "\u2028", "\u2029"):
        assert sequence not in text, f"{sequence!r} in the JSON-LD"
    raw_controls = [hex(ord(c)) for c in text if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f]
    assert not raw_controls, f"raw control characters in the JSON-LD: {raw_controls}"
    graph = json.loads(text)["@graph"]
    assert graph[0]["headline"] == f"{payload} Putin"[:110]
    person = next(thing for thing in graph if thing["@type"] == "Person")
    assert person["alternateName"] == list(dataset.actors["putin"].aliases)
    quotations = [thing["text"] for thing in graph if thing["@type"] == "Quotation"]
    assert quotations == [q.text for q in dataset.quotes_by_actor["putin"]]


# -- Atom ---------------------------------------------------------------------------------


def feed_bytes(dataset: Dataset, payload: str) -> bytes:
    return atom_feed(dataset, site_name=f"{payload} Site", site_url=SITE_URL,
                     author=f"{payload} Desk")


def test_feed_is_well_formed_xml(dataset: Dataset, payload: str) -> None:
    data = feed_bytes(dataset, payload)
    ET.fromstring(data)
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setContentHandler(xml.sax.ContentHandler())
    parser.parse(io.BytesIO(data))
    text = data.decode("utf-8")
    assert not NOT_XML_CHAR.search(text), "a character XML 1.0 forbids"
    for ref in re.findall(r"&#(x[0-9a-fA-F]+|[0-9]+);", text):
        code = int(ref[1:], 16) if ref.startswith("x") else int(ref)
        assert not NOT_XML_CHAR.match(chr(code)), f"&#{ref}; is not allowed in XML 1.0"


def test_feed_text_is_escaped_exactly_once(dataset: Dataset, payload: str) -> None:
    root = ET.fromstring(feed_bytes(dataset, payload))
    assert as_xml_text(root.findtext(f"{ATOM}title") or "") == as_xml_text(
        f"{payload} Site: what changed")
    assert as_xml_text(root.findtext(f"{ATOM}author/{ATOM}name") or "") == as_xml_text(
        f"{payload} Desk")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(dataset.updates)
    for entry, update in zip(entries, dataset.updates_newest_first, strict=True):
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
        fragment = content.text or ""
        # <del> and <ins> mark what a change replaced; the feed writes them itself.
        problems = unsafe_markup(fragment, frozenset({"del", "ins"}))
        assert not problems, problems
        shown = as_xml_text(HtmlScan(fragment).text)
        assert update.corrected
        said = as_xml_text(f"Correction: an earlier version said {update.corrected}")
        assert said in shown, f"{said!r} not in {shown!r}"


def test_export_paths_name_exactly_the_files_the_export_writes() -> None:
    dataset, _ = load_dataset(MINIMAL / "data")
    assert sorted(export_paths()) == sorted(export_files(dataset, "Site"))
