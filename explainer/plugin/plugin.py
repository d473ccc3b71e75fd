"""The plugin class: each handler hands MkDocs' objects to this build's `SiteBuild`.

MkDocs imports this module whenever it reads mkdocs.yml, `check` included; what only a
build needs is imported when the build starts (on_config).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from ..render.compact_html import compact_html
from .config import ExplainerConfig

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from .build import SiteBuild


class ExplainerPlugin(BasePlugin[ExplainerConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.build: SiteBuild | None = None

    @property
    def notes(self) -> list[str]:
        """Notices of the last build, printed after it succeeds."""
        return self.build.notes if self.build is not None else []

    def _current(self) -> SiteBuild:
        assert self.build is not None, "on_config runs before every other event"
        return self.build

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        from .build import SiteBuild
        from .theme import add_theme_layer, link_assets

        if self.build is not None:
            self.build.close()
        self.build = None
        add_theme_layer(config)
        link_assets(config)
        self.build = SiteBuild(config, self.config)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        from .theme import add_assets

        add_assets(files, config)
        return self._current().add_files(files, config)

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self._current().nav = nav
        return nav

    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> Page:
        self._current().start_reading(page)
        return page

    def _section_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig,
                          files: Files) -> str:
        return self._current().page_markdown(markdown, page)

    # After every other plugin's (Material's own run at -100 at the latest): a generated
    # page's body skips Markdown only when no other plugin changed it.
    @event_priority(-10_000)
    def _generated_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig,
                            files: Files) -> str:
        return self._current().heading_only(markdown, page)

    on_page_markdown = CombinedEvent(_section_markdown, _generated_markdown)

    # Before every other plugin's: the others see the page's whole HTML.
    @event_priority(10_000)
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        self._current().stop_reading()
        return self._current().page_content(html, page)

    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig,
                        nav: Any) -> Any:
        self._current().start_reading(page)
        context.update(self._current().page_context(page, config))
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        self._current().stop_reading()
        return compact_html(output)

    def on_post_template(self, output_content: str, /, *, template_name: str,
                         config: MkDocsConfig) -> str:
        return compact_html(output_content) if template_name.endswith(".html") else \
            output_content

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._current().close()

    def on_build_error(self, *, error: Exception) -> None:
        if self.build is not None:
            self.build.close()

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        from ..render.templates import template_cache
        from .theme import minified_script

        self._current().raise_render_failure()  # after MkDocs read every page
        # Material's templates are compiled anew on every build unless cached too.
        env.bytecode_cache = template_cache(self._current().cache_dir)
        env.filters["explainer_jsmin"] = minified_script
        self._current().env = env
        return env

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Any) -> LiveReloadServer:
        build = self._current()
        for folder in (build.root / self.config.data_dir, build.templates_dir):
            if Path(folder).is_dir():
                server.watch(str(folder))
        return server
