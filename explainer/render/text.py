"""The text readers see for entities and headings, as plain strings."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown as markdown_lib

from ..kinds import KINDS
from ..markup import markdown_text
from ..models import Position
from ..references import EVERY_KIND, find_references
from ..store import Dataset


def entity_label(dataset: Dataset, kind: str, entity_id: str) -> str:
    """What a link to an entity shows: its name, title, question or text, else its id."""
    entity = dataset.resolve(kind, entity_id)
    if isinstance(entity, Position):
        return (f"{entity_label(dataset, 'actors', entity.actor)} on "
                f"{entity_label(dataset, 'issues', entity.issue)}")
    for attribute in KINDS[kind].label_fields:
        if entity is not None and hasattr(entity, attribute):
            return str(getattr(entity, attribute))
    return entity_id


# Typography as the site's Markdown sets it (smarty); attr_list takes off `{ #id }`.
_HEADING_MARKDOWN = markdown_lib.Markdown(extensions=["attr_list", "smarty"])
_HEADING_MARKS = re.compile(r"^[ ]{0,3}#+")


def plain_heading(heading: str, dataset: Dataset) -> str:
    """The text a reader sees for a heading written in Markdown, e.g.
    '# How [[actor:putin|Putin]] set the *stage*' -> 'How Putin set the stage':
    references become their label or the entity's name, inline Markdown its text,
    entities and escapes characters. The leading '#' may be left out."""
    line = "# " + _HEADING_MARKS.sub("", " ".join(heading.split("\n")).strip()).strip()
    every_kind = EVERY_KIND
    for ref in reversed(find_references(line)):
        if ref.kind in every_kind and ref.ids:
            label = ref.label or entity_label(dataset, every_kind[ref.kind], ref.ids[0])
            line = line[: ref.start] + markdown_text(label) + line[ref.end:]
    html = _HEADING_MARKDOWN.reset().convert(line)
    return " ".join(_TextOf.read(html).split())


class _TextOf(HTMLParser):
    """The text of some HTML, character references resolved, comments left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @classmethod
    def read(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        return "".join(parser.chunks)
