"""The live preview's builds: after an edit to the data alone, only the pages whose facts
changed are rendered again; anything else gets a full build.

The first build records which facts each page read (`reads`). On a data edit the
explainer reloads the data (unchanged files come from the parse cache), compares the
facts, and asks MkDocs to render again just the pages that read a changed fact, with
the navigation, theme and files of the last full build; the open data, feed, cards and
sitemap are rewritten where they changed. The pages are the same bytes a full build
writes; only the search index keeps the text of the last full build until the next one
(MkDocs' search plugin builds it once for the whole site).
"""

from __future__ import annotations

import gc
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import reads
from .diagnostics import ExplainerError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.plugins import PluginCollection

    from .plugin.build import Refreshed, SiteBuild

# What the preview watches, relative to the project.
WATCHED = ("content", "data", "overrides", "mkdocs.yml")


@dataclass(frozen=True)
class Outcome:
    kind: str  # "full", "partial" or "unchanged"
    pages: int  # pages written
    why: str = ""  # for a full build after the first: why not a partial one


class Preview:
    def __init__(self, root: Path, site_dir: Path, serve_url: str,
                 full_build: Callable[[], MkDocsConfig]):
        self.root = root
        self.site_dir = site_dir
        self.serve_url = serve_url
        self._full_build = full_build
        self.config: MkDocsConfig | None = None  # of the last good full build
        self.failed = False  # the last full build stopped with an error
        self.stamps: dict[Path, tuple[int, int]] = {}
        self.data_dir = root / "data"
        reads.start_recording()

    def update(self) -> Outcome:
        """Bring the preview up to date with the project. Raises what the build raises;
        the pages served stay those of the last good build."""
        stamps = self._stamps()
        changed = {path for path in stamps.keys() | self.stamps.keys()
                   if stamps.get(path) != self.stamps.get(path)}
        self.stamps = stamps
        if self.config is not None and not changed:
            return Outcome("unchanged", 0)
        why = ""
        if self.config is not None:
            outside = sorted(p for p in changed if self.data_dir not in p.parents)
            why = f"{_shown(outside[0], self.root)} changed" if outside else ""
        elif self.failed:
            edited = sorted(changed)
            why = "the last build had stopped" + (
                f"; {_shown(edited[0], self.root)} changed" if edited else "")
        if self.config is not None and not why:
            try:
                outcome = self._partial(self.config)
            except ExplainerError:
                raise  # bad data: reported, and the preview stays as it was
            except Exception as exc:  # noqa: BLE001 - anything else: a full build reports it
                outcome, why = None, f"{type(exc).__name__}: {exc}"
            if isinstance(outcome, Outcome):
                return outcome
            why = why or outcome or ""
        self.config = None  # until the full build succeeds
        gc.unfreeze()
        self.failed = True
        config = self._full_build()
        self.failed = False
        build = _site_build(config)
        for file in build.files:  # the staging folder they were written to is now this
            file.dest_dir = str(self.site_dir)
            file.abs_dest_path = os.path.normpath(os.path.join(self.site_dir, file.dest_uri))
        config.site_dir = str(self.site_dir)
        self.config = config
        self.data_dir = build.root / build.settings.data_dir
        # What the full build left is mostly here to stay: keep the collector off it, so
        # that collections during a partial rebuild stay short.
        gc.collect()
        gc.freeze()
        return Outcome("full", len(build.files.documentation_pages()), why)

    def _partial(self, config: MkDocsConfig) -> Outcome | str:
        """The partial update, or why it cannot be one."""
        from mkdocs.commands.build import _build_page, _build_theme_template, _populate_page
        from mkdocs.structure.files import InclusionLevel

        build = _site_build(config)
        refreshed = build.refresh(config)
        if isinstance(refreshed, str):
            return refreshed
        if build.nav is None or build.env is None:
            return "no earlier build to update"
        files = build.files
        pages = {file.page.url: file.page for file in files.documentation_pages()
                 if file.page is not None}
        stale = [pages[url] for url in sorted(refreshed.pages) if url in pages]
        for page in stale:
            _populate_page(page, config, files)
        documents = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        with _search_left_alone(config.plugins):
            for page in stale:
                _build_page(page, config, documents, build.nav, build.env)
        _build_theme_template("sitemap.xml", build.env, files, config, build.nav)
        _write_changed(self.site_dir, refreshed)
        return Outcome("partial", len(stale))

    def _stamps(self) -> dict[Path, tuple[int, int]]:
        """(modification time, size) of every file the preview watches."""
        found: dict[Path, tuple[int, int]] = {}
        for name in WATCHED:
            top = self.root / name
            paths = [top] if top.is_file() else (p for p in top.rglob("*") if p.is_file())
            for path in paths:
                try:
                    status = path.stat()
                except OSError:
                    continue
                found[path] = (status.st_mtime_ns, status.st_size)
        return found


@contextmanager
def _search_left_alone(plugins: PluginCollection) -> Iterator[None]:
    """While pages are rendered again, search plugins (MkDocs' and Material's) do not index
    them: the index served is the last full build's, and indexing would only cost time and
    grow a list in memory with every save. Their other page work still runs."""
    indexes = {name: plugin.search_index for name, plugin in plugins.items()
               if name.rsplit("/", 1)[-1] == "search" and hasattr(plugin, "search_index")}
    for name in indexes:
        plugins[name].search_index = _NotIndexed()  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for name, index in indexes.items():
            plugins[name].search_index = index  # type: ignore[attr-defined]


class _NotIndexed:
    def add_entry_from_context(self, page: object) -> None:
        pass


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _site_build(config: MkDocsConfig) -> SiteBuild:
    plugin = config.plugins["explainer"]
    build = getattr(plugin, "build", None)
    assert build is not None, "the explainer plugin ran in this build"
    return build


def _write_changed(site_dir: Path, refreshed: Refreshed) -> None:
    """Each generated file whose bytes changed, replaced whole (readers never see half)."""
    for path, content in refreshed.files.items():
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".preview-")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
