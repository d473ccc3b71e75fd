"""The registry of entity kinds: everything the explainer knows about a kind, in one record.

Loading, indexes, cross-reference checks, the `[[kind:id]]` syntax, URLs, pages, the
check summary, schemas, exports, the fuzzing suite and the benchmark generator all read
from `KINDS`. Adding a kind is one model in `models.py`, one `Kind` here, one template
and its data file (README, "Adding a kind of fact").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, get_args, get_origin

from . import models
from .models import Entity, Ref
from .views import PageView, actor_view, issue_view

if TYPE_CHECKING:
    from .store import Dataset

# What an entity's own page shows, prepared for its template: (dataset, entity) -> view.
View = Callable[["Dataset", Entity], PageView]


@dataclass(frozen=True)
class IndexPage:
    """The generated page that lists every entity of a kind."""

    url: str  # 'actors/'
    title: str  # "Who's who"
    template: str  # 'actors.html', in the explainer's templates
    order: int = 0  # place among the index pages in the sitemap and the search index


@dataclass(frozen=True)
class Block:
    """A standalone-line reference that embeds a rendered block: `[[stances:ceasefire]]`.

    The template receives the entity as its singular name (`issue`) when the block takes
    one id, else the list of entities as the kind's name (`questions`)."""

    name: str  # as written in Markdown
    template: str  # 'block_stances.html'
    single: bool  # takes exactly one id


@dataclass(frozen=True)
class Kind:
    name: str  # file stem in data/ and the name of its table: 'actors'
    singular: str  # in references, anchors and messages: 'actor'
    model: type[Entity]
    # Where its entities live. A kind with an index page lists them there; `own_pages`
    # gives each entity a page below it ('actors/putin/'). A kind without an index page
    # lives on the page of its `host` kind, the entity named by its `host_field`.
    index: IndexPage | None = None
    own_pages: bool = False
    own_page_template: str | None = None  # 'actor.html'
    host: str | None = None  # 'actors', for quotes
    host_field: str | None = None  # 'actor'
    # Markdown syntax: `[[actor:putin]]` links; blocks embed rendered templates.
    link: bool = False
    blocks: tuple[Block, ...] = ()
    needs_source: bool = False  # `check` warns when an entry cites none
    # What a link to an entity shows: the first of these fields it has, else its id.
    label_fields: tuple[str, ...] = ("name", "title", "question", "text")
    # What an own page shows, given to its template as `page` (its facts date the page;
    # by default the entity alone), and the facts that date the index page (by default
    # every entity of the kind).
    page_view: View | None = None
    index_shows: Callable[[Dataset], list[Entity]] | None = None
    csv_columns: tuple[str, ...] = ()  # also exported as CSV, with these columns
    summary_order: int = 0  # place in `check`'s "data:" line
    coverage: bool = False  # share of entries citing a source, in `check`'s "sources:" line
    # `check` warns of an entry nothing refers to, with this text after its id.
    unreferenced: str = ""

    @property
    def anchor_prefix(self) -> str:
        return self.singular

    def reference_fields(self) -> dict[str, str]:
        """Field -> kind it refers to, from the `Ref` marks on the model's fields."""
        return reference_fields(self.model)


@functools.cache
def reference_fields(model: type[Entity]) -> dict[str, str]:
    """Field -> kind it refers to, read from the `Ref` marks of a model's fields."""
    found: dict[str, str] = {}
    for name, info in model.model_fields.items():
        for mark in _marks(info.annotation, info.metadata):
            if isinstance(mark, Ref):
                found[name] = mark.kind
    return found


def _marks(annotation: object, metadata: list[object]) -> list[object]:
    """Metadata of a field and of the types inside it (`list[Slug]`, `Slug | None`)."""
    marks = list(metadata)
    for arg in get_args(annotation):
        marks.extend(getattr(arg, "__metadata__", ()))
        if get_origin(arg) is not None:
            marks.extend(_marks(arg, []))
    marks.extend(getattr(annotation, "__metadata__", ()))
    return marks


def _issues_index(dataset: Dataset) -> list[Entity]:
    return [*dataset.issues.values(), *dataset.positions.values()]


def _sources_index(dataset: Dataset) -> list[Entity]:
    """The sources and everything the Sources page lists under the sources it cites."""
    found = (dataset.resolve(kind, key) for citing in dataset.citations.values()
             for kind, key in citing)
    return [*dataset.sources.values(), *(entity for entity in found if entity is not None)]


# In the order pages, schemas and exports list them.
_REGISTRY = (
    Kind("sources", "source", models.Source,
         index=IndexPage("sources/", "Sources", "sources.html", order=5), link=True,
         index_shows=_sources_index, summary_order=7,
         unreferenced="is cited by nothing; cite it or remove it"),
    Kind("actors", "actor", models.Actor,
         index=IndexPage("actors/", "Who’s who", "actors.html", order=1), own_pages=True,
         own_page_template="actor.html", link=True, page_view=actor_view,
         csv_columns=("id", "name", "kind", "role", "affiliation", "aliases", "summary",
                      "sources", "as_of"), summary_order=1,
         unreferenced="is not referred to by any position, quote, question or event"),
    Kind("issues", "issue", models.Issue,
         index=IndexPage("issues/", "Where they stand", "issues.html", order=2), own_pages=True,
         own_page_template="issue.html", link=True,
         blocks=(Block("stances", "block_stances.html", single=True),),
         needs_source=True, page_view=issue_view, index_shows=_issues_index,
         summary_order=2),
    Kind("positions", "position", models.Position, host="issues", host_field="issue",
         needs_source=True,
         csv_columns=("actor", "issue", "stance", "summary", "quotes", "sources", "as_of"),
         summary_order=3, coverage=True),
    Kind("quotes", "quote", models.Quote, host="actors", host_field="actor",
         blocks=(Block("quote", "block_quote.html", single=True),),
         csv_columns=("id", "actor", "text", "context", "date", "event", "source", "as_of"),
         summary_order=4, coverage=True),
    Kind("questions", "question", models.Question,
         index=IndexPage("questions/", "Open questions", "questions.html", order=3), link=True,
         blocks=(Block("questions", "block_questions.html", single=False),),
         summary_order=5),
    Kind("events", "event", models.Event,
         index=IndexPage("timeline/", "Timeline", "timeline.html", order=4), link=True,
         blocks=(Block("events", "block_events.html", single=False),), needs_source=True,
         summary_order=6, coverage=True),
    Kind("updates", "update", models.Update,
         index=IndexPage("changes/", "What changed", "changes.html", order=6), summary_order=8),
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in _REGISTRY}
BY_SINGULAR: dict[str, Kind] = {kind.singular: kind for kind in _REGISTRY}
BY_MODEL: dict[type[Entity], Kind] = {kind.model: kind for kind in _REGISTRY}
# `[[name:id]]` in Markdown -> the kind it refers to: links by singular, blocks by name.
LINK_KINDS: dict[str, str] = {kind.singular: kind.name for kind in _REGISTRY if kind.link}
BLOCKS: dict[str, tuple[Kind, Block]] = {
    block.name: (kind, block) for kind in _REGISTRY for block in kind.blocks}
BLOCK_KINDS: dict[str, str] = {name: kind.name for name, (kind, _) in BLOCKS.items()}


def kind_of(entity: Entity) -> Kind:
    return BY_MODEL[type(entity)]


def _check_registry() -> None:
    """Mistakes in the registry itself, found at import rather than as a broken page."""
    for kind in _REGISTRY:
        for target in kind.reference_fields().values():
            if target not in KINDS:
                raise ValueError(f"{kind.model.__name__} refers to unknown kind '{target}'")
        if kind.index is None and (kind.host not in KINDS or kind.host_field is None):
            raise ValueError(f"kind '{kind.name}' needs an index page or a host kind")
        if kind.own_pages and (kind.index is None or kind.own_page_template is None):
            raise ValueError(f"kind '{kind.name}' has own pages but no index or template")
        if kind.host is not None and not KINDS[kind.host].own_pages:
            raise ValueError(f"kind '{kind.name}' is hosted by '{kind.host}', which has no "
                             "page per entity")
    names = [*LINK_KINDS, *BLOCKS]
    urls = [kind.index.url for kind in _REGISTRY if kind.index is not None]
    for what, values in (("reference names", names), ("singular names", list(BY_SINGULAR)),
                         ("index pages", urls)):
        twice = sorted({value for value in values if values.count(value) > 1})
        if twice or (what == "singular names" and len(values) != len(_REGISTRY)):
            raise ValueError(f"{what} used twice: {', '.join(twice) or 'a singular'}")


_check_registry()
