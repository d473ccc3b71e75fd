"""Dataset -> generated pages and embeddable blocks. Pure: no MkDocs here.

Every page is Markdown whose body is HTML rendered by the Jinja templates in
`overrides/explainer/`, with autoescaping on, so data text can never become markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import markdown as markdown_lib
from markupsafe import Markup, escape

from .changelog import change_html, update_changes
from .dataset import Dataset, due_for_review, sources_of
from .dates import FactDates
from .diagnostics import Diagnostic, ExplainerError
from .markup import inert_in_markdown, markdown_text, plain_summary, render_markdown
from .models import KINDS, QUESTION_STATUSES, REF_KINDS, STANCES, Entity, Quote
from .references import BLOCK_KINDS, LINK_KINDS, Reference, check_reference, find_references
from .urls import anchor, entity_url, page_heading_id, relative

TEMPLATE_DIR = "explainer"  # inside the theme's custom_dir (overrides/)


@dataclass(frozen=True)
class Mention:
    """A hand-written section that refers to an entity."""

    title: str
    url: str


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str  # e.g. "actors/putin/index.md"
    url: str  # e.g. "actors/putin/"
    title: str
    markdown: str
    updated: date | None = None
    description: str = ""
    actors: tuple[str, ...] = ()  # actors the page shows, for structured data
    actor_id: str | None = None  # the actor a per-actor page is about
    published: date | None = None


@dataclass
class Section:
    """A Markdown page of content/, as far as the data is concerned."""

    src_uri: str
    url: str
    title: str
    references: list[Reference] = field(default_factory=list)
    description: str = ""


class Renderer:
    """Renders blocks and pages for one dataset with the project's templates."""

    def __init__(self, dataset: Dataset, template_root: Path,
                 mentions: dict[tuple[str, str], list[Mention]] | None = None,
                 cache_dir: Path | None = None, dates: FactDates | None = None):
        self.dataset = dataset
        self.dates = dates or FactDates()
        self.mentions = mentions or {}
        self.env = jinja2.Environment(
            bytecode_cache=template_cache(cache_dir),
            loader=jinja2.FileSystemLoader(str(template_root / TEMPLATE_DIR)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters["md"] = render_markdown
        self.env.filters["when"] = format_when
        self.env.filters["utc"] = format_utc
        self.env.filters["iso"] = lambda v: v.isoformat()
        self.env.filters["long_date"] = long_date
        self.env.globals.update(
            ds=dataset, STANCES=STANCES, STATUSES=QUESTION_STATUSES, anchor=anchor,
            REF_KINDS=REF_KINDS,
            sources_of=sources_of, label_of=self.label_of, mentions=self.mentions,
            dates=self.dates, fact_attrs=self.dates.fact_attrs, dateline=dateline,
            change_html=change_html,
            update_diffs=update_changes(dataset, self.dates.history),
            due_for_review=due_for_review(dataset),
        )

    def render(self, template: str, page_url: str, **context) -> str:
        def link(kind: str, entity_id: str, owner: str | None = None) -> str:
            return relative(entity_url(kind, entity_id, owner), page_url)

        def quote_link(quote: Quote) -> str:
            return link("quotes", quote.id, quote.actor)

        def position_link(actor: str, issue: str) -> str:
            return link("positions", f"{actor}--{issue}", issue)

        def page_link(url: str) -> str:
            return relative(url, page_url)

        def fact_link(kind: str, key: str) -> Markup:
            """A link to a fact by kind and key; plain text once it no longer exists."""
            entity = self.dataset.resolve(kind, key)
            label = entity_label(self.dataset, kind, key)
            if entity is None:
                return Markup("{}").format(label)
            owner = (getattr(entity, "actor", None) if kind == "quotes"
                     else getattr(entity, "issue", None) if kind == "positions" else None)
            return Markup('<a href="{}">{}</a>').format(link(kind, key, owner), label)

        html = self.env.get_template(template).render(
            page_url=page_url, link=link, quote_link=quote_link, position_link=position_link,
            page_link=page_link, fact_link=fact_link, **context)
        # A blank line would end Markdown's raw HTML block early.
        return "\n".join(line for line in html.splitlines() if line.strip())

    def label_of(self, kind: str, entity_id: str) -> str:
        return entity_label(self.dataset, kind, entity_id)

    # -- references inside hand-written Markdown ----------------------------------------

    def expand(self, markdown: str, page_url: str, path: str, first_line: int = 1) -> str:
        """Replace every `[[kind:id]]` in a section with its link or block.

        Raises ExplainerError naming the file and line of every bad reference."""
        references = find_references(markdown, first_line)
        problems: list[Diagnostic] = []
        for ref in references:
            problems += check_reference(ref, self.dataset, path)
        if problems:
            raise ExplainerError(problems)
        if not references:
            return markdown
        lines = markdown.split("\n")
        by_line: dict[int, list[Reference]] = {}
        for ref in references:
            by_line.setdefault(ref.line - first_line, []).append(ref)
        for index, refs in by_line.items():
            line = lines[index]
            for ref in sorted(refs, key=lambda r: r.start, reverse=True):
                if ref.kind in BLOCK_KINDS:  # alone on its line: the line becomes the block
                    line = _block_lines(self.block(ref, page_url), ref.indent)
                else:
                    line = line[: ref.start] + self.inline_link(ref, page_url) + line[ref.end:]
            lines[index] = line
        return "\n".join(lines)

    def inline_link(self, ref: Reference, page_url: str) -> str:
        kind = LINK_KINDS[ref.kind]
        entity_id = ref.ids[0]
        href = relative(entity_url(kind, entity_id), page_url)
        label = ref.label if ref.label is not None else self.label_of(kind, entity_id)
        return str(Markup('<a class="ex-ref ex-ref--{}" href="{}">{}</a>').format(
            ref.kind, href, Markup(inert_in_markdown(label))))

    def block(self, ref: Reference, page_url: str) -> str:
        if ref.kind == "quote":
            return self.render("block_quote.html", page_url,
                               quote=self.dataset.quotes[ref.ids[0]])
        if ref.kind == "stances":
            return self.render("block_stances.html", page_url,
                               issue=self.dataset.issues[ref.ids[0]])
        if ref.kind == "questions":
            return self.render("block_questions.html", page_url,
                               questions=[self.dataset.questions[i] for i in ref.ids])
        return self.render("block_events.html", page_url,
                           events=[self.dataset.events[i] for i in ref.ids])

    # -- generated pages ------------------------------------------------------------------

    def pages(self) -> list[GeneratedPage]:
        ds = self.dataset
        pages = [
            self._page("actors/", "Who's who", "actors.html", ds.actors.values()),
            self._page("issues/", "Where they stand", "issues.html",
                       [*ds.issues.values(), *ds.positions.values()]),
            self._page("questions/", "Open questions", "questions.html", ds.questions.values()),
            self._page("timeline/", "Timeline", "timeline.html", ds.events.values()),
            self._page("sources/", "Sources", "sources.html",
                       [*ds.sources.values(), *_citing(ds)]),
            self._page("changes/", "What changed", "changes.html", ds.updates.values()),
        ]
        for actor in ds.actors.values():
            shown = [actor, *ds.positions_by_actor.get(actor.id, []),
                     *ds.quotes_by_actor.get(actor.id, []),
                     *ds.events_by_actor.get(actor.id, []),
                     *ds.questions_by_actor.get(actor.id, []),
                     *ds.members_by_affiliation.get(actor.id, [])]
            pages.append(self._page(entity_url("actors", actor.id), actor.name, "actor.html",
                                    shown, actor=actor))
        for issue in ds.issues.values():
            cited = [ds.quotes[q] for p in ds.positions_by_issue.get(issue.id, [])
                     for q in p.quotes if q in ds.quotes]
            shown = [issue, *ds.positions_by_issue.get(issue.id, []),
                     *ds.questions_by_issue.get(issue.id, []), *cited]
            pages.append(self._page(entity_url("issues", issue.id), issue.title, "issue.html",
                                    shown, issue=issue))
        return pages

    def data_page(self, files: dict[str, bytes], *, licence: str, publisher: str,
                  site_name: str) -> GeneratedPage:
        listing = [(path, _describe_export(path), _size(len(content)))
                   for path, content in sorted(files.items())]
        everything = [e for kind in KINDS for e in self.dataset.table(kind).values()]
        return self._page("data/", "Data", "data.html", everything, files=listing,
                          licence=licence, publisher=publisher, site_name=site_name,
                          description="Download the facts behind this explainer as JSON "
                                      "and CSV, with schemas, licence and how to cite.")

    def _page(self, url: str, title: str, template: str, shown: Iterable[Entity],
              description: str = "", **context) -> GeneratedPage:
        """A generated page; its dates are those of the facts it shows."""
        shown = list(shown)
        updated, published = self.dates.latest(shown), self.dates.earliest(shown)
        actor = context.get("actor")
        issue = context.get("issue")
        heading_id = url.strip("/").split("/")[-1]
        if actor is not None:
            heading_id = page_heading_id("actor", actor.id)
        elif issue is not None:
            heading_id = page_heading_id("issue", issue.id)
        body = self.render(template, url, title=title, updated=updated, published=published,
                           **context)
        if actor is not None:
            description = description or plain_summary(actor.summary or actor.role or "")
            actors = (actor.id,)
        elif issue is not None:
            description = description or plain_summary(issue.summary)
            actors = tuple(p.actor for p in self.dataset.positions_by_issue.get(issue.id, []))
        else:
            actors = ()
        front = {"title": str(escape(title))}
        if description:
            front["description"] = str(escape(description))
        if updated is not None:
            front["updated"] = updated.isoformat()
        markdown = "---\n" + "".join(
            f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in front.items()
        ) + "---\n\n" + f"# {markdown_text(title)} {{ #{heading_id} }}\n\n" + body + "\n"
        return GeneratedPage(f"{url}index.md", url, title, markdown, updated, description,
                             actors, actor.id if actor is not None else None, published)


def _citing(dataset: Dataset) -> list[Entity]:
    """Everything the Sources page lists under the sources it cites."""
    found = (dataset.resolve(kind, key) for citing in dataset.citations.values()
             for kind, key in citing)
    return [entity for entity in found if entity is not None]


def entity_label(dataset: Dataset, kind: str, entity_id: str) -> str:
    """What a link to an entity shows: its name, title, question or text, else its id."""
    entity = dataset.resolve(kind, entity_id)
    if kind == "positions" and entity is not None:
        actor, issue = entity_id.split("--", 1)
        return (f"{entity_label(dataset, 'actors', actor)} on "
                f"{entity_label(dataset, 'issues', issue)}")
    for attribute in ("name", "title", "question", "text"):
        if entity is not None and hasattr(entity, attribute):
            return getattr(entity, attribute)
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
    every_kind = {**LINK_KINDS, **BLOCK_KINDS}
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


def _block_lines(html: str, indent: str) -> str:
    """A block replacing the line of its reference, set off by blank lines. In a list item
    or an admonition it is indented to stay inside, and made inert: there Markdown reads it
    as a paragraph with inline HTML rather than as a raw block."""
    if indent:
        html = "\n".join(indent + line.rstrip() for line in _inert_html(html).split("\n"))
    return f"\n{html}\n"


# A tag; quoted attribute values may hold '>'.
_TAG = re.compile(r"""<[^<>"']*(?:(?:"[^"]*"|'[^']*')[^<>"']*)*>""")
_QUOTED = re.compile(r"""("[^"]*"|'[^']*')""")
# A character reference, kept, or a character some Markdown rule (inline, smarty, or one
# that starts a block at the start of a line) could act on.
_ENTITY_OR_ACTIVE = re.compile(
    r"""(&(?:#[0-9]+|#x[0-9a-fA-F]+|\w+);)|[\\`*_{}\[\]()#+\-.!<>|~:="']""")
# In an attribute value only the rules that run before a tag is set aside could act:
# code spans, escapes, links and images, autolinks.
_ENTITY_OR_ACTIVE_IN_VALUE = re.compile(r"""(&(?:#[0-9]+|#x[0-9a-fA-F]+|\w+);)|[\\`\[\]()!<>]""")


def _inert_html(html: str) -> str:
    """HTML that Markdown leaves as it is when it reads it as inline HTML: every character
    it could act on, in text and attribute values, written as a character reference."""
    pieces, done = [], 0
    for tag in _TAG.finditer(html):
        pieces += [_inert_text(html[done: tag.start()]), _QUOTED.sub(_inert_value, tag.group(0))]
        done = tag.end()
    return "".join([*pieces, _inert_text(html[done:])])


def _inert_value(quoted: re.Match[str]) -> str:
    value = quoted.group(0)
    return value[0] + _as_references(_ENTITY_OR_ACTIVE_IN_VALUE, value[1:-1]) + value[-1]


def _inert_text(text: str) -> str:
    return _as_references(_ENTITY_OR_ACTIVE, text)


def _as_references(active: re.Pattern[str], text: str) -> str:
    return active.sub(lambda m: m.group(1) or f"&#{ord(m.group(0))};", text)


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
    return f"All {stem}, as {extension.upper()}"


def _size(count: int) -> str:
    return f"{count:,} bytes" if count < 10_000 else f"{count / 1024:,.0f} KB"


def template_cache(cache_dir: Path | None) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds: compiling costs more than rendering a
    small site, and the preview rebuilds on every save."""
    if cache_dir is None:
        return None
    folder = cache_dir / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def dateline(published: date | None, updated: date | None) -> Markup:
    """'Published 29 November 2026 · Updated 1 December 2026' (one date when they agree)."""
    def stamp(word: str, day: date) -> Markup:
        return Markup('{} <time datetime="{}">{}</time>').format(word, day.isoformat(),
                                                                 long_date(day))

    parts = []
    if published is not None:
        parts.append(stamp("Published", published))
    if updated is not None and (published is None or updated > published):
        parts.append(stamp("Updated", updated))
    if not parts:
        return Markup("")
    return Markup('<p class="ex-updated">{}</p>').format(Markup(" · ").join(parts))


def long_date(value: date | datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def format_when(value: date | datetime) -> str:
    """Local time as written in the data, with its offset: '15 August 2025, 11:30 (UTC−08:00)'."""
    if not isinstance(value, datetime):
        return long_date(value)
    offset = value.strftime("%z")
    sign = "\u2212" if offset.startswith("-") else "+"
    return f"{long_date(value)}, {value:%H:%M} local time (UTC{sign}{offset[1:3]}:{offset[3:]})"


def format_utc(value: date | datetime) -> str:
    if not isinstance(value, datetime):
        return ""
    utc = value.astimezone(UTC)
    return f"{long_date(utc)}, {utc:%H:%M} UTC"


def collect_mentions(sections: list[Section]) -> dict[tuple[str, str], list[Mention]]:
    """(kind, id) -> the sections that refer to it, in section order, each once."""
    every_kind = {**LINK_KINDS, **BLOCK_KINDS}
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
