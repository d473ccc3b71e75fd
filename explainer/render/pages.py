"""The pages the explainer generates from the data, as Markdown with front matter.

Each page's body is HTML from the explainer's templates; its dates are those of the
facts it shows. Which pages there are comes from the registry of kinds.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import escape

from ..kinds import KINDS, Kind
from ..markup import markdown_text, plain_summary
from ..models import Actor, Entity, Position
from ..references import EVERY_KIND, Reference
from ..urls import entity_url, page_heading_id
from ..views import EntityView
from .templates import Templates


@dataclass(frozen=True)
class Mention:
    """A hand-written section that refers to an entity."""

    title: str
    url: str


@dataclass(frozen=True)
class GeneratedPage:
    """A generated page: what it is about, known at once, and its Markdown, rendered from
    the templates when first asked for (possibly in another process: render.background)."""

    src_uri: str  # e.g. "actors/putin/index.md"
    url: str  # e.g. "actors/putin/"
    title: str
    head: str  # front matter and heading
    body: Callable[[], str] = field(compare=False, repr=False)  # the templates' HTML
    updated: date | None = None
    description: str = ""
    actors: tuple[str, ...] = ()  # actors the page shows, for structured data
    actor_id: str | None = None  # the actor a per-actor page is about
    published: date | None = None
    kicker: str = ""  # above the title on its social card: the section it belongs to
    heading: str = ""  # the end of `head`: the Markdown line of the page's title

    @functools.cached_property
    def markdown(self) -> str:
        return self.head + self.body() + "\n"


@dataclass
class Section:
    """A Markdown page of content/, as far as the data is concerned."""

    src_uri: str
    url: str
    title: str
    references: list[Reference] = field(default_factory=list)
    description: str = ""
    body: str = ""  # the text after the front matter, as MkDocs renders it
    first_line: int = 1  # of the body, in the file


def generated_pages(templates: Templates) -> list[GeneratedPage]:
    """Each kind's index page, then each entity's own page, in the registry's order,
    rendered (and what each reads recorded, in the preview)."""
    return [rendered(templates, url, make) for url, make in page_makers(templates).items()]


def planned_pages(templates: Templates) -> list[GeneratedPage]:
    """The same pages, their Markdown not yet rendered."""
    return [make() for make in page_makers(templates).values()]


def rendered(templates: Templates, url: str,
             make: Callable[[], GeneratedPage]) -> GeneratedPage:
    """`make()`'s page with its Markdown rendered, reads recorded as the page at `url`'s."""
    return templates.recorded(url, functools.partial(_rendered, make))


def _rendered(make: Callable[[], GeneratedPage]) -> GeneratedPage:
    page = make()
    _ = page.markdown
    return page


def page_makers(templates: Templates) -> dict[str, Callable[[], GeneratedPage]]:
    """URL -> how to make that generated page (all but the Data page)."""
    dataset = templates.dataset
    makers: dict[str, Callable[[], GeneratedPage]] = {}
    indexed = [kind for kind in KINDS.values() if kind.index is not None]
    for kind in sorted(indexed, key=lambda kind: kind.index.order if kind.index else 0):
        if kind.index is not None:
            makers[kind.index.url] = functools.partial(_index_page, templates, kind)
    for kind in KINDS.values():
        if kind.own_pages:
            for entity in dataset.table(kind.name).values():
                makers[entity_url(kind.name, entity.key)] = functools.partial(
                    _own_page, templates, kind, entity)
    return makers


def _index_page(templates: Templates, kind: Kind) -> GeneratedPage:
    assert kind.index is not None
    dataset = templates.dataset
    shown = (kind.index_shows(dataset) if kind.index_shows
             else list(dataset.table(kind.name).values()))
    return _page(templates, kind.index.url, kind.index.title, kind.index.template, shown)


def _own_page(templates: Templates, kind: Kind, entity: Entity) -> GeneratedPage:
    view = (kind.page_view(templates.dataset, entity) if kind.page_view
            else EntityView(entity))
    shown = view.facts()
    url = entity_url(kind.name, entity.key)
    title = templates.label_of(kind.name, entity.key)
    summary = getattr(entity, "summary", None) or getattr(entity, "role", None) or ""
    if isinstance(entity, Actor):
        actors: tuple[str, ...] = (entity.key,)
    else:
        actors = tuple(fact.actor for fact in shown if isinstance(fact, Position))
    return _page(templates, url, title, str(kind.own_page_template), shown,
                 heading_id=page_heading_id(kind.name, entity.key),
                 description=plain_summary(summary), actors=actors,
                 actor_id=entity.key if isinstance(entity, Actor) else None,
                 kicker=kind.index.title if kind.index else "",
                 page=view, **{kind.singular: entity})


def data_page(templates: Templates, files: dict[str, bytes], *, licence: str,
              publisher: str, site_name: str) -> GeneratedPage:
    listing = [(path, _describe_export(path), _size(len(content)))
               for path, content in sorted(files.items())]
    return rendered(templates, DATA_PAGE, lambda: _page(
        templates, DATA_PAGE, "Data", "data.html", templates.dataset.everything(),
        files=listing, licence=licence, publisher=publisher, site_name=site_name,
        description="Download the facts behind this explainer as JSON and CSV, with "
                    "schemas, licence and how to cite."))


DATA_PAGE = "data/"


def _page(templates: Templates, url: str, title: str, template: str,
          shown: Iterable[Entity], *, heading_id: str | None = None, description: str = "",
          actors: tuple[str, ...] = (), actor_id: str | None = None, kicker: str = "",
          **context: Any) -> GeneratedPage:
    """A generated page; its dates are those of the facts it shows."""
    shown = list(shown)
    published, updated = templates.dates.span(shown)
    body = functools.partial(templates.render, template, url, title=title, updated=updated,
                             published=published, **context)
    heading_id = heading_id or url.strip("/").split("/")[-1]
    heading = f"# {markdown_text(title)} {{ #{heading_id} }}\n\n"
    head = _front_matter(title, description, updated) + heading
    return GeneratedPage(f"{url}index.md", url, title, head, body, updated, description,
                         actors, actor_id, published, kicker, heading)


def _front_matter(title: str, description: str, updated: date | None) -> str:
    front = {"title": str(escape(title))}
    if description:
        front["description"] = str(escape(description))
    if updated is not None:
        front["updated"] = updated.isoformat()
    return "---\n" + "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n"
                             for key, value in front.items()) + "---\n\n"


_EXPORT_DESCRIPTIONS = {
    "all.json": "Every kind in one file",
    "timeline.json": "The timeline, for TimelineJS",
}


def _describe_export(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if name in _EXPORT_DESCRIPTIONS:
        return _EXPORT_DESCRIPTIONS[name]
    stem, _, extension = name.partition(".")
    if extension == "schema.json":
        return f"JSON Schema of {stem}"
    if not extension:
        return f"All {stem}"
    return f"All {stem}, as {extension.upper()}"


def _size(count: int) -> str:
    """A file's size in one style: '0.4 KB', '4.2 KB', '34 KB', '1.1 MB' (1 KB = 1,024
    bytes; one decimal below 10, none from 10 up)."""
    value, unit = count / 1024, "KB"
    if round(value) >= 1024:
        value, unit = count / 1024 ** 2, "MB"
    if round(value, 1) < 10:
        return f"{max(round(value, 1), 0.1 if count else 0):.1f} {unit}"
    return f"{round(value):,} {unit}"


def collect_mentions(sections: list[Section]) -> dict[tuple[str, str], list[Mention]]:
    """(kind, id) -> the sections that refer to it, in section order, each once."""
    every_kind = EVERY_KIND
    mentions: dict[tuple[str, str], list[Mention]] = {}
    for section in sections:
        for ref in section.references:
            kind = every_kind.get(ref.kind)
            if kind is None:
                continue
            for entity_id in ref.ids:
                found = mentions.setdefault((kind, entity_id), [])
                if not any(m.url == section.url for m in found):
                    found.append(Mention(section.title, section.url))
    return mentions
