"""One build of the site, step by step, in the order MkDocs calls the plugin.

`SiteBuild` is made anew for every build (and every preview rebuild): it checks the
inputs, loads the facts, adds the generated pages and files, and expands references in
the hand-written sections. Problems stop the build as one `ExplainerError`.
"""

from __future__ import annotations

import contextlib
import gc
import html
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from .. import publish, reads
from ..dates import FactDates
from ..diagnostics import Diagnostic, ExplainerError
from ..export import export_files
from ..feed import atom_feed
from ..files import tree_problems
from ..history import History, load_history, retired
from ..kinds import KINDS
from ..models import Entity
from ..parse_cache import ParseCache
from ..project import (
    collision_problem,
    generated_file_collision,
    generated_page_files,
    generated_page_urls,
    read_section,
    site_url_problems,
    static_collision_problem,
    template_problems,
)
from ..references import check_reference, find_references
from ..render import background, html_body
from ..render.expand import expand
from ..render.pages import (
    DATA_PAGE,
    GeneratedPage,
    Section,
    collect_mentions,
    data_page,
    generated_pages,
    page_makers,
    planned_pages,
    rendered,
)
from ..render.templates import Templates
from ..render.text import plain_heading
from ..store import (
    Dataset,
    any_errors,
    is_history_reminder,
    is_review_reminder,
    load_dataset,
)
from ..structured import card_path, page_meta
from ..urls import FEED_PATH
from .config import ExplainerConfig, site_templates_dir
from .delivered import DeliveredPage

log = logging.getLogger("mkdocs.plugins.explainer")


class BuildStopped(ExplainerError, PluginError):
    """The explainer's diagnostics as the error type MkDocs reports in a line rather
    than with a traceback, so `mkdocs build` and `mkdocs serve` print them cleanly."""


@dataclass(frozen=True)
class Refreshed:
    pages: set[str]  # URLs of the pages to render again
    files: dict[str, bytes]  # site path -> content of every other generated file


def merge_facts(before: Dataset,
                after: Dataset) -> tuple[Dataset, dict[int, set[str]]] | str:
    """`after`, keeping the very objects of `before` for the facts it leaves as they
    were (pages' reads name facts by object), and the fields it changes, by the id of
    the fact of `before`. When the change is one partial rebuilds cannot follow (facts
    added, removed or reordered; a reference changed: pages group facts by them; the
    change log or a date that many pages share edited), why, in a few words."""
    changed: dict[int, set[str]] = {}
    tables: dict[str, dict[str, Entity]] = {}
    for kind in KINDS.values():
        old, new = before.table(kind.name), after.table(kind.name)
        if list(old) != list(new):
            return f"{kind.name} added, removed or reordered"
        shared = {*kind.reference_fields(), *_SHARED_FIELDS}
        tables[kind.name] = merged = {}
        for key, fact in old.items():
            if fact is new[key] or fact == new[key]:  # unchanged files give the same object
                merged[key] = fact
                continue
            if kind.name == "updates":
                return "the change log edited"
            moved = [name for name in shared
                     if getattr(fact, name, None) != getattr(new[key], name, None)]
            if moved:
                return f"{kind.singular} '{key}': {moved[0]} changed"
            changed[id(fact)] = {name for name in type(fact).model_fields
                                 if getattr(fact, name) != getattr(new[key], name)}
            merged[key] = new[key]
    return Dataset(tables, after.broken), changed


# Fields whose change reaches pages beyond those that show the fact: dates fall back on
# `as_of`, and `review_by` puts a fact in the "Due for review" box.
_SHARED_FIELDS = ("as_of", "review_by")


class SiteBuild:
    def __init__(self, config: MkDocsConfig, settings: ExplainerConfig):
        self.settings = settings
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.docs = Path(config.docs_dir)
        self.templates_dir = site_templates_dir(self.root, settings, config)
        self.cache_dir = self.root / settings.cache_dir
        # One-line notices for after a successful build; they never fail a strict one.
        self.notes: list[str] = []
        self.generated: dict[str, GeneratedPage] = {}
        self.sections: dict[str, Section] = {}
        self.page_facts: dict[str, publish.PageFacts] = {}
        self.templates: Templates | None = None
        self.reads: dict[str, reads.Reads] | None = None  # page URL -> what it read
        self.files = Files([])
        self.published: dict[str, bytes] = {}  # the open data files
        self.extra: dict[str, bytes] = {}  # every generated file that is not a page
        self.nav: Navigation | None = None
        self.env: Environment | None = None
        self.renderer: background.BackgroundRenderer | None = None
        self.frozen = False  # gc.freeze() is in force for this build
        # Generated pages' bodies skip Markdown (render.html_body): src_uri -> the body,
        # from on_page_markdown to on_page_content.
        self.html_as_is = html_body.writes_html_as_is(self.templates_dir,
                                                      list(config.markdown_extensions))
        self.bodies: dict[str, str] = {}
        # The same checks as `check`, before MkDocs walks or reads anything.
        problems = (self._cache_problems()
                    + tree_problems(self.docs, self.root)
                    + tree_problems(self.templates_dir, self.root)
                    + site_url_problems(config.site_url, self.root)
                    + template_problems(self.templates_dir, self.root))
        if problems:
            raise BuildStopped(problems)
        history = self._history()
        self.dataset, diagnostics = load_dataset(
            self.root / settings.data_dir, self.root, lambda: retired(history),
            ParseCache(self.cache_dir, writable=True))
        if any_errors(diagnostics):
            raise BuildStopped([d for d in diagnostics if d.severity == "error"])
        self._report_warnings(diagnostics)
        self.dates = FactDates(history)

    def _cache_problems(self) -> list[Diagnostic]:
        """The cache must not sit among the sources: it would be published or read."""
        cache = self.cache_dir.resolve()
        for name, folder in (("docs_dir", self.docs),
                             ("data_dir", self.root / self.settings.data_dir),
                             ("templates_dir", self.templates_dir)):
            folder = folder.resolve()
            if cache == folder or folder in cache.parents or cache in folder.parents:
                return [Diagnostic("mkdocs.yml", 1, 1, "error",
                                   f"cache_dir '{self.settings.cache_dir}' overlaps {name}; "
                                   "give the explainer plugin a cache_dir of its own, such "
                                   "as .cache")]
        return []

    def _history(self) -> History:
        history = load_history(self.root, self.root / self.settings.data_dir, KINDS,
                               self.cache_dir)
        if not history.available:
            self.notes.append(f"note: dates fall back to as_of: {history.reason}")
        return history

    def _report_warnings(self, diagnostics: list[Diagnostic]) -> None:
        for warning in diagnostics:
            if (is_review_reminder(warning) and not self.settings.review_dates_block_build) \
                    or is_history_reminder(warning):
                self.notes.append(_as_note(warning))
            else:
                log.warning(warning.as_text())

    # -- on_files -------------------------------------------------------------------------

    def add_files(self, files: Files, config: MkDocsConfig) -> Files:
        """The generated pages, open data, feed and cards, added to MkDocs' files."""
        problems = self._read_sections(files)
        published = self.published = export_files(self.dataset, config.site_name, self.dates,
                                                  cache_dir=self.cache_dir)
        problems += self._static_collisions(files, {*published, FEED_PATH})
        if problems:
            raise BuildStopped(problems)
        self.templates = self._templates()
        self.reads = self.templates.reads
        pages = self._generated_pages()
        data = self._data_page(published, config)
        for page in [*pages, data]:
            self.generated[page.src_uri] = page
            file = self._page_file(config, page)
            if page.url.count("/") > 1:  # per-entity pages: reached from their index
                file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)
        self.extra = self._extra_files(published, config)
        for path, content in self.extra.items():
            files.append(File.generated(config, path, content=content))
        self.files = files
        # The facts and pages live until the build ends: the collector need not walk them
        # again on each of the many collections MkDocs' rendering causes (undone in close;
        # left alone when something else froze objects already, the preview say).
        if gc.get_freeze_count() == 0:
            gc.freeze()
            self.frozen = True
        return files

    def _generated_pages(self) -> list[GeneratedPage]:
        """Rendered now in the preview (which records what each page reads); otherwise
        rendered when MkDocs reads them, on a large site by a second process meanwhile."""
        assert self.templates is not None
        if self.reads is not None:
            return generated_pages(self.templates)
        pages = planned_pages(self.templates)
        if self.settings.background_render and len(pages) >= background.MIN_PAGES \
                and background.available():
            with contextlib.suppress(OSError):  # no process to be had: render here
                self.renderer = background.BackgroundRenderer(pages)
        return pages

    def _page_file(self, config: MkDocsConfig, page: GeneratedPage) -> File:
        if self.renderer is None or page.src_uri not in self.renderer:
            return File.generated(config, page.src_uri, content=page.markdown)
        return DeliveredPage.waiting(config, page.src_uri, self.renderer)

    def raise_render_failure(self) -> None:
        """A page's template failed while MkDocs read the pages: the build stops with that
        error, as it would have while the pages were rendered before MkDocs read them."""
        if self.renderer is not None and self.renderer.failure is not None:
            raise self.renderer.failure

    def close(self) -> None:
        """After the build, or when it stopped: no child left rendering, and every object
        back in the collector's care."""
        if self.renderer is not None:
            self.renderer.close()
            self.renderer = None
        if self.frozen:
            gc.unfreeze()
            self.frozen = False

    def _templates(self) -> Templates:
        return Templates(self.dataset, self.templates_dir,
                         collect_mentions(list(self.sections.values())), self.cache_dir,
                         self.dates, self.settings.intros)

    def _data_page(self, published: dict[str, bytes], config: MkDocsConfig) -> GeneratedPage:
        assert self.templates is not None
        return data_page(self.templates, published, licence=self.settings.licence,
                         publisher=self.settings.publisher, site_name=config.site_name)

    def _extra_files(self, published: dict[str, bytes], config: MkDocsConfig,
                     drawn: dict[str, bytes] | None = None) -> dict[str, bytes]:
        """The open data, the feed and the cards, after the pages' facts are known.
        With `drawn` (the last files), cards are drawn only for pages whose facts moved."""
        before = self.page_facts
        self.page_facts = publish.page_facts(self.dataset, list(self.sections.values()),
                                             list(self.generated.values()), self.dates)
        extra = {**published, FEED_PATH: atom_feed(
            self.dataset, site_name=config.site_name, site_url=config.site_url or "",
            author=self.settings.author, dates=self.dates)}
        if self.settings.cards:
            moved = {url: facts for url, facts in self.page_facts.items()
                     if drawn is None or before.get(url) != facts}
            cards = publish.cards(moved, config.site_name, self.cache_dir / "cards")
            if drawn is not None:
                kept = {card_path(url) for url in self.page_facts} - cards.keys()
                cards.update({path: drawn[path] for path in kept if path in drawn})
            extra.update(sorted(cards.items()))
        return extra

    # -- the preview: new facts without a full build --------------------------------------

    def refresh(self, config: MkDocsConfig) -> Refreshed | str:
        """Reload the data after an edit: the pages whose facts changed, re-rendered as
        Markdown, and the other files' new contents. When the edit changes which pages
        exist, what links where, or the dates and review boxes many pages share, only a
        full build is right: then why, in a few words."""
        assert self.templates is not None and self.reads is not None
        history = self.dates.history
        dataset, diagnostics = load_dataset(self.root / self.settings.data_dir, self.root,
                                            lambda: retired(history))
        if any_errors(diagnostics):
            raise BuildStopped([d for d in diagnostics if d.severity == "error"])
        merged = merge_facts(self.dataset, dataset)
        if isinstance(merged, str):
            return merged
        self._report_warnings(diagnostics)
        dataset, changed = merged
        before = self.dataset
        stale = {url for url, read in self.reads.items() if reads.touched(read, changed)}
        stale.add(DATA_PAGE)  # it gives the size of each export, which any change moves
        self.dataset = dataset
        self.templates = self._templates()
        self.templates.reads = self.reads
        makers = page_makers(self.templates)
        unchanged = frozenset(kind for kind in KINDS
                              if not any(id(fact) in changed
                                         for fact in before.table(kind).values()))
        published = export_files(self.dataset, config.site_name, self.dates,
                                 previous=self.published, unchanged=unchanged,
                                 cache_dir=self.cache_dir)
        for url in sorted(stale):
            if url in makers:
                self._replace(rendered(self.templates, url, makers[url]))
        self._replace(self._data_page(published, config))
        self.published = published
        extra = self._extra_files(published, config, drawn=self.extra)
        changed_files = {path: content for path, content in extra.items()
                         if self.extra.get(path) != content}
        self.extra = extra
        return Refreshed(stale, changed_files)

    def _replace(self, page: GeneratedPage) -> None:
        self.generated[page.src_uri] = page
        file = self.files.get_file_from_path(page.src_uri)
        assert file is not None
        file.content_string = page.markdown

    def _read_sections(self, files: Files) -> list[Diagnostic]:
        """Every hand-written page's title and references, all checked in one pass."""
        problems: list[Diagnostic] = []
        generated = generated_page_urls(self.dataset)
        for file in files.documentation_pages():
            if file.generated_by:
                continue
            shown = self._shown_path(self.docs / file.src_uri)
            url = "" if file.url in (".", "./") else file.url  # as Page.url has it
            collision = collision_problem(shown, url, generated)
            if collision is not None:
                problems.append(collision)
            source, problem = read_section(self.docs / file.src_uri, shown)
            if problem is not None:
                problems.append(problem)
                continue
            file.content_string = source  # MkDocs would fail on the bytes with a traceback
            body, meta = get_data(source)
            first_line = source[: len(source) - len(body)].count("\n") + 1
            references = find_references(body, first_line)
            for ref in references:
                problems += check_reference(ref, self.dataset, shown)
            heading = _first_heading(body)
            title = (meta.get("title")
                     or (plain_heading(heading, self.dataset) if heading else None)
                     or file.name)
            self.sections[file.src_uri] = Section(
                file.src_uri, url, str(title), references,
                str(meta.get("description") or ""), body, first_line)
        return problems

    def _static_collisions(self, files: Files, taken: set[str]) -> list[Diagnostic]:
        """A file in content/ at a path the explainer writes (data/all.json, the feed, a
        generated page's index.html)."""
        pages = generated_page_files(self.dataset)
        problems = []
        for file in files:
            if file.generated_by or file.is_documentation_page():
                continue
            shown = self._shown_path(self.docs / file.src_uri)
            if file.dest_uri in taken:
                problems.append(static_collision_problem(shown, file.dest_uri))
            clash = generated_file_collision(shown, file.dest_uri, pages)
            if clash is not None:
                problems.append(clash)
        return problems

    def _shown_path(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.root)).as_posix()

    # -- on_page_markdown and on_page_context ---------------------------------------------

    def start_reading(self, page: Page) -> None:
        """Record what the page reads while MkDocs renders it (the preview only)."""
        if self.reads is not None:
            reads.begin(self.reads.setdefault(page.url, {}))

    def stop_reading(self) -> None:
        reads.end()

    def page_markdown(self, markdown: str, page: Page) -> str:
        """A section with its references expanded and its dateline added."""
        facts = self.page_facts.get(page.url)
        if facts is not None and facts.updated is not None:
            # The sitemap's lastmod; MkDocs renders the sitemap before any page.
            page.update_date = facts.updated.isoformat()
        section = self.sections.get(page.file.src_uri)
        if section is None or self.templates is None:
            return markdown  # a generated page, or one another plugin added
        shown = self._shown_path(self.docs / page.file.src_uri)
        try:
            expanded = expand(self.templates, markdown, page.url, shown, section.first_line,
                              section.references if markdown == section.body else None)
        except ExplainerError as exc:
            raise BuildStopped(exc.diagnostics) from None
        if facts is None:
            return expanded
        return publish.with_updated_line(expanded, facts.published, facts.updated)

    def heading_only(self, markdown: str, page: Page) -> str:
        """What Markdown converts of a generated page, after every other plugin's
        on_page_markdown: its heading; the body waits for page_content."""
        self.bodies.pop(page.file.src_uri, None)  # none left from a render that failed
        generated = self.generated.get(page.file.src_uri)
        if generated is None or not self.html_as_is:
            return markdown
        body = html_body.body_of(markdown, generated.heading, page.file.content_string)
        if body is None:
            return markdown
        self.bodies[page.file.src_uri] = body
        return generated.heading

    def page_content(self, content: str, page: Page) -> str:
        """A generated page's converted heading and its body, with the body's anchors
        known to MkDocs' link checks."""
        body = self.bodies.pop(page.file.src_uri, None)
        if body is None:
            return content
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= html_body.anchor_ids(body)
        page.markdown = (page.markdown or "") + body  # whole again, for later readers
        return html_body.with_body(content, body)

    def page_context(self, page: Page, config: MkDocsConfig) -> dict[str, Any]:
        """What the theme's templates add to the page's head."""
        facts = self.page_facts.get(page.url) or publish.PageFacts(
            page.url, page.title or config.site_name, None, [], None)
        description = (page.meta.get("description") or facts.description
                       or config.site_description or "")
        meta = page_meta(
            dataset=self.dataset, site_name=config.site_name, site_url=config.site_url or "",
            page_url=facts.url if facts.url in self.page_facts else "",
            title=html.unescape(facts.title), description=html.unescape(str(description)),
            updated=facts.updated, mentioned_actors=facts.actors, actor_id=facts.actor_id,
            author=self.settings.author, publisher=self.settings.publisher,
            about=self.settings.about, published=facts.published)
        return {"explainer_meta": meta, "explainer_feed": FEED_PATH}


def _as_note(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: note: {diagnostic.message}"


def _first_heading(markdown: str) -> str | None:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None
