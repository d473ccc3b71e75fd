"""The Jinja environment of the explainer's own templates, and rendering one of them.

Templates come from the package (`explainer/templates/`); a site overrides any of them
with a file of the same name in `<templates_dir>/explainer/` (by default
`overrides/explainer/`). Autoescaping is on, so data text can never become markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from markupsafe import Markup

from ..changelog import change_html, update_changes
from ..dates import FactDates
from ..kinds import BY_SINGULAR, KINDS
from ..markup import render_markdown
from ..models import QUESTION_STATUSES, STANCES, Entity, Quote
from ..reads import Reads, reading_into, recording
from ..store import Dataset, due_for_review, sources_of
from ..urls import anchor, entity_url, fact_url, relative
from .formatting import counted, dateline, format_utc, format_when, long_date
from .text import after_speaker, cut_quote, end_stop, entity_label, shown_role

T = TypeVar("T")

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SITE_TEMPLATE_DIR = "explainer"  # inside the site's templates_dir (overrides/)


def template_folders(site_templates: Path) -> list[Path]:
    """Where templates are looked up, the site's overrides first."""
    return [site_templates / SITE_TEMPLATE_DIR, PACKAGE_TEMPLATES]


def template_cache(cache_dir: Path | None) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds: compiling costs more than rendering a
    small site, and the preview rebuilds on every save."""
    if cache_dir is None:
        return None
    folder = cache_dir / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


class Templates:
    """Renders the explainer's templates for one dataset."""

    def __init__(self, dataset: Dataset, site_templates: Path,
                 mentions: dict[tuple[str, str], list[Any]] | None = None,
                 cache_dir: Path | None = None, dates: FactDates | None = None,
                 intros: dict[str, str] | None = None):
        self.dataset = dataset
        self.dates = dates or FactDates()
        # Page URL -> ids of the facts it read, when reads are recorded (the preview).
        self.reads: dict[str, Reads] | None = {} if recording() else None
        self.env = jinja2.Environment(
            bytecode_cache=template_cache(cache_dir),
            loader=jinja2.FileSystemLoader([str(f) for f in template_folders(site_templates)]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters.update(md=render_markdown, when=format_when, utc=format_utc,
                                iso=_iso, long_date=long_date, counted=counted,
                                cut_quote=cut_quote)
        self.env.globals.update(
            ds=dataset, STANCES=STANCES, STATUSES=QUESTION_STATUSES, anchor=anchor,
            sources_of=sources_of, label_of=self.label_of, mentions=mentions or {},
            dates=self.dates, fact_attrs=self.dates.fact_attrs, dateline=dateline,
            change_html=change_html,
            update_diffs=update_changes(dataset, self.dates.history),
            due_for_review=due_for_review(dataset), intros=intros or {},
            singular=_singular, end_stop=end_stop, shown_role=shown_role,
            after_speaker=self.after_speaker,
        )

    def render(self, template: str, page_url: str, **context: Any) -> str:
        """The template's HTML for the page at `page_url`, with links relative to it."""
        html = self.env.get_template(template).render(
            page_url=page_url, **self._links(page_url), **context)
        # A blank line would end Markdown's raw HTML block early.
        return "\n".join(line for line in html.splitlines() if line.strip())

    def _links(self, page_url: str) -> dict[str, Callable[..., Any]]:
        def link(kind: str, entity_id: str, owner: str | None = None) -> str:
            return relative(entity_url(kind, entity_id, owner), page_url)

        def url_of(entity: Entity) -> str:
            """Where an entity is shown, on its host's page for quotes and positions."""
            return relative(fact_url(entity), page_url)

        def page_link(url: str) -> str:
            return relative(url, page_url)

        def fact_link(kind: str, key: str) -> Markup:
            """A link to a fact by kind and key; plain text once it no longer exists."""
            entity = self.dataset.resolve(kind, key)
            label = self.label_of(kind, key)
            if entity is None:
                return Markup("{}").format(label)
            return Markup('<a href="{}">{}</a>').format(url_of(entity), label)

        def touched_link(ref: str) -> Markup:
            """fact_link for a change log's 'actor:putin'."""
            singular, _, key = ref.partition(":")
            return fact_link(BY_SINGULAR[singular].name, key)

        return {"link": link, "url_of": url_of, "page_link": page_link,
                "fact_link": fact_link, "touched_link": touched_link}

    def recorded(self, url: str, make: Callable[[], T]) -> T:
        """`make()`, recording which facts it reads as the page at `url`'s (preview)."""
        if self.reads is None:
            return make()
        found: Reads = {}
        self.reads[url] = found
        with reading_into(found):
            return make()

    def label_of(self, kind: str, entity_id: str) -> str:
        return entity_label(self.dataset, kind, entity_id)

    def after_speaker(self, quote: Quote) -> str:
        """What follows the speaker's name in the attribution of `quote`."""
        return after_speaker(quote.context, self.dataset.actors.get(quote.actor))


def _singular(kind: str) -> str:
    return KINDS[kind].singular


def _iso(value: date) -> str:
    return value.isoformat()
