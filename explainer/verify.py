"""What every published site must hold: each generated page and data file, and no
reference left as typed, so a generator that skipped the explainer plugin can never
publish half a site."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from .files import shown_path

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


@dataclass(frozen=True)
class SectionOutput:
    """A hand-written page as built: where it is and how many `[[kind:` its source
    escapes (`\\[\\[`), which the page shows as text."""

    page: str  # site-relative, e.g. 'setting-the-stage/index.html'
    source: str  # as shown, e.g. 'content/setting-the-stage.md'
    escaped: int = 0


# `[[kind:` as typed; the same as shown after an escape of either bracket.
_RAW_REFERENCE = re.compile(r"\[\[\s*[A-Za-z-]+\s*:[^\[\]\n]{0,60}(?:\]\])?")
_ESCAPED_REFERENCE = re.compile(r"(?:\\\[\\?|\[\\)\[\s*[A-Za-z-]+\s*:")


def verify_site(folder: Path, expected: list[str],
                sections: list[SectionOutput]) -> str | None:
    """What makes the site built into `folder` unfit to publish, in one line, or None:
    a generated page or data file missing, or a reference left as typed on a page (a
    generator that skipped the explainer plugin would publish half a site)."""
    missing = [path for path in expected if not (folder / path).is_file()]
    if missing:
        more = f" and {len(missing) - 1} more generated files" if len(missing) > 1 else ""
        return (f"error: the build wrote no {missing[0]}{more}; is the explainer plugin "
                "enabled in mkdocs.yml?")
    for section in sections:
        path = folder / section.page
        if not path.is_file():
            continue  # not built at all (exclude_docs): nothing is shown
        raw = _RAW_REFERENCE.findall(_ShownText.read(path.read_text("utf-8", "replace")))
        if len(raw) > section.escaped:
            return (f"error: {section.page} shows the reference {raw[-1]!r} as typed in "
                    f"{section.source}; the explainer plugin did not expand it")
    return None


class _ShownText(HTMLParser):
    """The text of a page's main content (its <article>, else the whole page) outside
    code, scripts, comments and attributes."""

    HIDDEN = frozenset({"code", "pre", "script", "style", "template", "textarea"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = {"article": 0, "hidden": 0}
        self.article: list[str] = []
        self.page: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._count(tag, 1)

    def handle_endtag(self, tag: str) -> None:
        self._count(tag, -1)

    def _count(self, tag: str, step: int) -> None:
        which = "article" if tag == "article" else "hidden" if tag in self.HIDDEN else None
        if which is not None:
            self.depth[which] = max(0, self.depth[which] + step)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        pass  # <br/>: opens and closes nothing

    def handle_data(self, data: str) -> None:
        if self.depth["hidden"]:
            return
        self.page.append(data)
        if self.depth["article"]:
            self.article.append(data)

    @classmethod
    def read(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        return "".join(parser.article or parser.page)


def expected_outputs(config: MkDocsConfig) -> list[str]:
    """Every page and the data file the explainer generates, by the data: what the
    explainer plugin loaded, or, when it never ran, what data/ holds."""
    from .project import generated_page_urls
    from .store import load_dataset
    from .urls import DATA_DIR

    plugin = config.plugins.get("explainer")
    build = getattr(plugin, "build", None)
    if build is not None and build.templates is not None:
        dataset = build.dataset
    else:
        data_dir = plugin.config.data_dir if plugin is not None else "data"
        dataset, _ = load_dataset(Path(config.config_file_path).parent / data_dir)
    return [*(f"{url}index.html" for url in generated_page_urls(dataset)),
            f"{DATA_DIR}/all.json"]


def section_outputs(config: MkDocsConfig) -> list[SectionOutput]:
    """Each Markdown page of docs_dir, where the build writes it."""
    from mkdocs.structure.files import File
    from mkdocs.utils import is_markdown_file

    docs = Path(config.docs_dir)
    root = Path(config.config_file_path).parent
    found = []
    for path in sorted(docs.rglob("*")):
        src_uri = path.relative_to(docs).as_posix()
        if not is_markdown_file(src_uri) or not path.is_file():
            continue
        page = File(src_uri, str(docs), config.site_dir, config.use_directory_urls).dest_uri
        text = path.read_text("utf-8", "replace")
        found.append(SectionOutput(page, shown_path(path, root),
                                   len(_ESCAPED_REFERENCE.findall(text))))
    return found



