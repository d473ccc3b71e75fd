"""Per-page facts (dates, actors shown) for head metadata and cards, the 'Last updated'
line, and the social cards. Pure, except for the card cache."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .cards import card_bytes
from .dates import FactDates
from .models import Entity
from .references import EVERY_KIND
from .render.formatting import dateline
from .render.pages import GeneratedPage, Section
from .store import Dataset
from .structured import card_path

__all__ = ["PageFacts", "cards", "page_facts", "with_updated_line"]


@dataclass(frozen=True)
class PageFacts:
    url: str
    title: str
    updated: date | None
    actors: list[str]
    actor_id: str | None
    description: str = ""
    kicker: str = ""
    published: date | None = None


def page_facts(dataset: Dataset, sections: list[Section], generated: list[GeneratedPage],
               dates: FactDates) -> dict[str, PageFacts]:
    """url -> the facts the head metadata and the card of that page are made from."""
    facts: dict[str, PageFacts] = {}
    fallback = dates.latest(dataset.updates.values())
    every_kind = EVERY_KIND
    for section in sections:
        found = (dataset.resolve(every_kind[r.kind], i) for r in section.references
                 if r.kind in every_kind for i in r.ids)
        shown = [e for e in found if e is not None]
        shown += [shown_too for r in section.references if r.kind == "stances"
                  for i in r.ids for shown_too in stance_table_facts(dataset, i)]
        actors = _unique([r.ids[0] for r in section.references if r.kind == "actor"]
                         + [dataset.quotes[r.ids[0]].actor for r in section.references
                            if r.kind == "quote" and r.ids[0] in dataset.quotes])
        published, updated = dates.span(shown)
        facts[section.url] = PageFacts(section.url, section.title, updated or fallback,
                                       actors, None, section.description,
                                       published=published or fallback)
    for page in generated:
        facts[page.url] = PageFacts(page.url, page.title, page.updated or fallback,
                                    list(page.actors), page.actor_id, page.description,
                                    page.kicker, published=page.published or fallback)
    return facts


def stance_table_facts(dataset: Dataset, issue_id: str) -> list[Entity]:
    """What a stance table of an issue shows: its positions and the quotes they cite."""
    positions = dataset.positions_by_issue.get(issue_id, [])
    quotes = [dataset.quotes[q] for p in positions for q in p.quotes if q in dataset.quotes]
    return [*positions, *quotes]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def with_updated_line(markdown: str, published: date | None, updated: date | None) -> str:
    """Put the 'Published … · Updated …' line under a section's first heading."""
    line = str(dateline(published, updated))
    if not line:
        return markdown
    lines = markdown.split("\n")
    for index, text in enumerate(lines):
        if text.startswith("# "):
            lines[index + 1: index + 1] = ["", line, ""]
            return "\n".join(lines)
    return f"{line}\n\n{markdown}"


# The longest file name, in bytes, that common file systems accept.
MAX_NAME_BYTES = 255


def cards(facts: dict[str, PageFacts], site_name: str, cache_dir: Path | None
          ) -> dict[str, bytes]:
    """Card path -> PNG of every page. A page whose card file name would be too long to
    write (nested folders with long names in content/) goes without a card rather than
    failing the whole build: the card is an extra, the page is not."""
    drawn = {}
    for url, f in sorted(facts.items()):
        path = card_path(url)
        if len(path.rsplit("/", 1)[-1].encode()) <= MAX_NAME_BYTES:
            drawn[path] = card_bytes(f.title, site_name, f.kicker, cache_dir)
    return drawn
