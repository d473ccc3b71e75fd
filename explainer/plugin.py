"""The MkDocs adapter: load the data once, add generated pages, expand data references.

Everything else lives in MkDocs-free modules, so moving to another generator means
rewriting this file only.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, time
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.utils.meta import get_data

from .dataset import Dataset, any_errors, load_dataset
from .diagnostics import Diagnostic, ExplainerError
from .pages import GeneratedPage, Renderer, Section, collect_mentions
from .references import check_reference, find_references

log = logging.getLogger("mkdocs.plugins.explainer")


class DataErrors(PluginError):
    """Stops the build; carries the diagnostics so build.py can print them one per line."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(d.as_text() for d in self.diagnostics))


class ExplainerConfig(Config):
    data_dir = c.Type(str, default="data")
    templates_dir = c.Type(str, default="overrides")


class ExplainerPlugin(BasePlugin[ExplainerConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.root = Path.cwd()
        self.dataset = Dataset()
        self.renderer: Renderer | None = None
        self.generated: dict[str, GeneratedPage] = {}
        self.first_lines: dict[str, int] = {}
        self.last_errors: list[Diagnostic] | None = None

    def on_build_error(self, error: Exception) -> None:
        self.last_errors = getattr(error, "diagnostics", None)

    def on_config(self, config):
        self.last_errors = None
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        dataset, diagnostics = load_dataset(self.root / self.config.data_dir, self.root)
        if any_errors(diagnostics):
            raise DataErrors([d for d in diagnostics if d.severity == "error"])
        for warning in diagnostics:
            log.warning(warning.as_text())
        self.dataset = dataset
        _set_build_date_from_data(dataset)
        return config

    def on_files(self, files: Files, config) -> Files:
        sections, problems = self._read_sections(files, config)
        if problems:
            raise DataErrors(problems)
        self.renderer = Renderer(self.dataset, self.root / self.config.templates_dir,
                                 collect_mentions(sections))
        self.generated = {}
        for page in self.renderer.pages():
            self.generated[page.src_uri] = page
            files.append(File.generated(config, page.src_uri, content=page.markdown))
        return files

    def _read_sections(self, files: Files, config) -> tuple[list[Section], list[Diagnostic]]:
        """Every hand-written page's title and references, all checked in one pass."""
        sections: list[Section] = []
        problems: list[Diagnostic] = []
        docs = Path(config.docs_dir)
        for file in files.documentation_pages():
            if file.generated_by:
                continue
            shown = self._shown_path(docs / file.src_uri)
            source = file.content_string
            body, meta = get_data(source)
            first_line = source[: len(source) - len(body)].count("\n") + 1
            self.first_lines[file.src_uri] = first_line
            references = find_references(body, first_line)
            for ref in references:
                problems += check_reference(ref, self.dataset, shown)
            title = meta.get("title") or _first_heading(body) or file.name
            sections.append(Section(file.src_uri, file.url, str(title), references))
        return sections, problems

    def _shown_path(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.root)).as_posix()

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        if page.file.src_uri in self.generated or self.renderer is None:
            return markdown
        shown = self._shown_path(Path(config.docs_dir) / page.file.src_uri)
        try:
            return self.renderer.expand(markdown, page.url, shown,
                                        self.first_lines.get(page.file.src_uri, 1))
        except ExplainerError as exc:
            raise DataErrors(exc.diagnostics) from None

    def on_page_context(self, context, page, config, nav):
        generated = self.generated.get(page.file.src_uri)
        context["explainer_updated"] = generated.updated if generated else None
        return context

    def on_serve(self, server, config, builder):
        for folder in (self.config.data_dir, self.config.templates_dir):
            path = self.root / folder
            if path.is_dir():
                server.watch(str(path))
        return server


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
