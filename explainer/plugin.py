"""The MkDocs adapter: load the data once, add generated pages, expand data references.

Everything else lives in MkDocs-free modules, so moving to another generator means
rewriting this file only.
"""

from __future__ import annotations

import html
import logging
import os
from datetime import UTC, datetime, time
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils.meta import get_data

from . import publish
from .dataset import (
    Dataset,
    any_errors,
    is_history_reminder,
    is_review_reminder,
    load_dataset,
)
from .dates import FactDates
from .diagnostics import Diagnostic, ExplainerError
from .export import export_files
from .feed import FEED_PATH, atom_feed
from .files import tree_problems
from .history import History, load_history, retired
from .models import KINDS
from .pages import (
    GeneratedPage,
    Renderer,
    Section,
    collect_mentions,
    plain_heading,
    template_cache,
)
from .project import (
    collision_problem,
    generated_file_collision,
    generated_page_files,
    generated_page_urls,
    read_section,
    site_url_problems,
    static_collision_problem,
    template_problems,
)
from .references import check_reference, find_references
from .structured import page_meta

log = logging.getLogger("mkdocs.plugins.explainer")


class DataErrors(PluginError):
    """Stops the build; carries the diagnostics so build.py can print them one per line."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(d.as_text() for d in self.diagnostics))


class ExplainerConfig(Config):
    data_dir = c.Type(str, default="data")
    templates_dir = c.Type(str, default="overrides")
    author = c.Type(str, default="The editors")
    publisher = c.Type(str, default="The editors")
    licence = c.Type(str, default="")
    # schema.org Event the whole explainer is about: name, startDate, location...
    about = c.Type(dict, default={})
    cards = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache")
    # A passed review_by date is a note under the build and a "Due for review" entry for
    # readers; true makes it a warning, which fails the (strict) build.
    review_dates_block_build = c.Type(bool, default=False)


class ExplainerPlugin(BasePlugin[ExplainerConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.root = Path.cwd()
        self.dataset = Dataset()
        self.renderer: Renderer | None = None
        self.generated: dict[str, GeneratedPage] = {}
        self.first_lines: dict[str, int] = {}
        self.last_errors: list[Diagnostic] | None = None
        self.page_facts: dict[str, publish.PageFacts] = {}
        self.dates = FactDates()
        # One-line notices for after a successful build; they never fail a strict one.
        self.notes: list[str] = []

    def on_build_error(self, error: Exception) -> None:
        self.last_errors = getattr(error, "diagnostics", None)

    def on_config(self, config):
        self.last_errors = None
        self.notes = []
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        templates = self.root / self.config.templates_dir
        # The same checks as `check`, before MkDocs walks or reads anything.
        problems = (self._cache_problems(Path(config.docs_dir))
                    + tree_problems(Path(config.docs_dir), self.root)
                    + tree_problems(templates, self.root)
                    + site_url_problems(config.site_url, self.root)
                    + template_problems(templates, self.root))
        if problems:
            raise DataErrors(problems)
        history = self._history()
        dataset, diagnostics = load_dataset(self.root / self.config.data_dir, self.root,
                                            lambda: retired(history))
        if any_errors(diagnostics):
            raise DataErrors([d for d in diagnostics if d.severity == "error"])
        self._report_warnings(diagnostics)
        self.dataset = dataset
        self.dates = FactDates(history)
        _set_build_date_from_data(dataset)
        return config

    def _report_warnings(self, diagnostics: list[Diagnostic]) -> None:
        for warning in diagnostics:
            if (is_review_reminder(warning) and not self.config.review_dates_block_build) \
                    or is_history_reminder(warning):
                self.notes.append(_as_note(warning))
            else:
                log.warning(warning.as_text())

    def _cache_problems(self, docs: Path) -> list[Diagnostic]:
        """The cache must not sit among the sources: it would be published or read."""
        cache = self._cache_dir().resolve()
        for name, folder in (("docs_dir", docs), ("data_dir", self.root / self.config.data_dir),
                             ("templates_dir", self.root / self.config.templates_dir)):
            folder = folder.resolve()
            if cache == folder or folder in cache.parents or cache in folder.parents:
                return [Diagnostic("mkdocs.yml", 1, 1, "error",
                                   f"cache_dir '{self.config.cache_dir}' overlaps {name}; "
                                   "give the explainer plugin a cache_dir of its own, such "
                                   "as .cache")]
        return []

    def _history(self) -> History:
        history = load_history(self.root, self.root / self.config.data_dir, KINDS,
                               self._cache_dir())
        if not history.available:
            self.notes.append(f"note: dates fall back to as_of: {history.reason}")
        return history

    def on_files(self, files: Files, config) -> Files:
        sections, problems = self._read_sections(files, config)
        published = export_files(self.dataset, config.site_name, self.dates)
        problems += self._static_collisions(files, {*published, FEED_PATH},
                                            Path(config.docs_dir))
        if problems:
            raise DataErrors(problems)
        self.renderer = Renderer(self.dataset, self.root / self.config.templates_dir,
                                 collect_mentions(sections), self._cache_dir(), self.dates)
        self.generated = {}
        data_page = self.renderer.data_page(published, licence=self.config.licence,
                                            publisher=self.config.publisher,
                                            site_name=config.site_name)
        for page in [*self.renderer.pages(), data_page]:
            self.generated[page.src_uri] = page
            file = File.generated(config, page.src_uri, content=page.markdown)
            if page.url.count("/") > 1:  # per-entity pages: reached from their index
                file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)
        self.page_facts = publish.page_facts(self.dataset, sections,
                                             list(self.generated.values()), self.dates)
        extra = {**published, FEED_PATH: atom_feed(
            self.dataset, site_name=config.site_name, site_url=config.site_url or "",
            author=self.config.author, dates=self.dates)}
        if self.config.cards:
            cache = self._cache_dir() / "cards"
            extra.update(publish.cards(self.page_facts, config.site_name, cache))
        for path, content in extra.items():
            files.append(File.generated(config, path, content=content))
        return files

    def _read_sections(self, files: Files, config) -> tuple[list[Section], list[Diagnostic]]:
        """Every hand-written page's title and references, all checked in one pass."""
        sections: list[Section] = []
        problems: list[Diagnostic] = []
        docs = Path(config.docs_dir)
        generated = generated_page_urls(self.dataset)
        for file in files.documentation_pages():
            if file.generated_by:
                continue
            shown = self._shown_path(docs / file.src_uri)
            url = "" if file.url in (".", "./") else file.url  # as Page.url has it
            collision = collision_problem(shown, url, generated)
            if collision is not None:
                problems.append(collision)
            source, problem = read_section(docs / file.src_uri, shown)
            if problem is not None:
                problems.append(problem)
                continue
            file.content_string = source  # MkDocs would fail on the bytes with a traceback
            body, meta = get_data(source)
            first_line = source[: len(source) - len(body)].count("\n") + 1
            self.first_lines[file.src_uri] = first_line
            references = find_references(body, first_line)
            for ref in references:
                problems += check_reference(ref, self.dataset, shown)
            heading = _first_heading(body)
            title = (meta.get("title")
                     or (plain_heading(heading, self.dataset) if heading else None)
                     or file.name)
            sections.append(Section(file.src_uri, url, str(title), references,
                                    str(meta.get("description") or "")))
        return sections, problems

    def _static_collisions(self, files: Files, taken: set[str],
                           docs: Path) -> list[Diagnostic]:
        """A file in content/ at a path the explainer writes (data/all.json, the feed, a
        generated page's index.html)."""
        pages = generated_page_files(self.dataset)
        problems = []
        for file in files:
            if file.generated_by or file.is_documentation_page():
                continue
            shown = self._shown_path(docs / file.src_uri)
            if file.dest_uri in taken:
                problems.append(static_collision_problem(shown, file.dest_uri))
            clash = generated_file_collision(shown, file.dest_uri, pages)
            if clash is not None:
                problems.append(clash)
        return problems

    def _shown_path(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.root)).as_posix()

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        facts = self.page_facts.get(page.url)
        if facts is not None and facts.updated is not None:
            # The sitemap's lastmod; MkDocs renders the sitemap before any page.
            page.update_date = facts.updated.isoformat()
        if page.file.src_uri in self.generated or self.renderer is None:
            return markdown
        shown = self._shown_path(Path(config.docs_dir) / page.file.src_uri)
        try:
            expanded = self.renderer.expand(markdown, page.url, shown,
                                            self.first_lines.get(page.file.src_uri, 1))
        except ExplainerError as exc:
            raise DataErrors(exc.diagnostics) from None
        if facts is None:
            return expanded
        return publish.with_updated_line(expanded, facts.published, facts.updated)

    def on_page_context(self, context, page, config, nav):
        facts = self.page_facts.get(page.url) or publish.PageFacts(
            page.url, page.title or config.site_name, None, [], None)
        description = (page.meta.get("description") or facts.description
                       or config.site_description or "")
        context["explainer_meta"] = page_meta(
            dataset=self.dataset, site_name=config.site_name, site_url=config.site_url or "",
            page_url=facts.url if facts.url in self.page_facts else "",
            title=_unescaped(facts.title), description=_unescaped(str(description)),
            updated=facts.updated, mentioned_actors=facts.actors, actor_id=facts.actor_id,
            author=self.config.author, publisher=self.config.publisher,
            about=self.config.about, published=facts.published)
        context["explainer_feed"] = FEED_PATH
        return context

    def on_env(self, env, config, files):
        # Material's templates are compiled anew on every build unless cached too.
        env.bytecode_cache = template_cache(self._cache_dir())
        return env

    def _cache_dir(self) -> Path:
        return self.root / self.config.cache_dir

    def on_serve(self, server, config, builder):
        for folder in (self.config.data_dir, self.config.templates_dir):
            path = self.root / folder
            if path.is_dir():
                server.watch(str(path))
        return server


def _as_note(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: note: {diagnostic.message}"


def _unescaped(text: str) -> str:
    return html.unescape(text)


def _first_heading(markdown: str) -> str | None:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def _set_build_date_from_data(dataset: Dataset) -> None:
    """Dates MkDocs writes (sitemap lastmod) come from the data, not the clock, so two
    builds of one commit are identical. An explicit SOURCE_DATE_EPOCH wins."""
    if "SOURCE_DATE_EPOCH" in os.environ or not dataset.updates:
        return
    latest = max(update.date for update in dataset.updates.values())
    moment = datetime.combine(latest, time(0, 0), tzinfo=UTC)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
