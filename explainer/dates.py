"""The dates readers see, from the fact-level history: when each fact was first
published and last substantively changed. Without git history, `as_of` stands in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from markupsafe import Markup

from .history import Change, History
from .kinds import BY_MODEL
from .models import Entity, Update


def kind_of(entity: Entity) -> str:
    return BY_MODEL[type(entity)].name


def key_of(entity: Entity) -> str:
    return entity.key


def _stated(entity: Entity) -> date | None:
    """The date the data itself gives, for want of history: an update's own date, else
    when an editor last checked the entry."""
    if isinstance(entity, Update):
        return entity.date
    return entity.as_of


class FactDates:
    def __init__(self, history: History | None = None):
        self.history = history or History()

    def changes(self, entity: Entity) -> list[Change]:
        return self.history.of(kind_of(entity), key_of(entity))

    def published(self, entity: Entity) -> date | None:
        found = self.history.published(kind_of(entity), key_of(entity))
        return found if found is not None else _stated(entity)

    def modified(self, entity: Entity) -> date | None:
        found = self.history.modified(kind_of(entity), key_of(entity))
        return found if found is not None else _stated(entity)

    def last_change(self, entity: Entity) -> datetime | None:
        """The moment of the last substantive change, finer than a day, for readers'
        browsers to tell what changed since they last saw it."""
        moments = [c.when for c in self.changes(entity) if c.substantive]
        return moments[-1] if moments else None

    def latest(self, entities: Iterable[Entity]) -> date | None:
        return self.span(entities)[1]

    def earliest(self, entities: Iterable[Entity]) -> date | None:
        return self.span(entities)[0]

    def span(self, entities: Iterable[Entity]) -> tuple[date | None, date | None]:
        """(earliest published, latest modified) of `entities`, in one pass: a page's
        dates, and an index page shows every fact of its kind."""
        first: date | None = None
        last: date | None = None
        for entity in entities:
            kind, key = kind_of(entity), key_of(entity)
            published = self.history.published(kind, key)
            modified = self.history.modified(kind, key)
            if published is None or modified is None:
                stated = _stated(entity)
                published = stated if published is None else published
                modified = stated if modified is None else modified
            if published is not None and (first is None or published < first):
                first = published
            if modified is not None and (last is None or modified > last):
                last = modified
        return first, last

    def fact_attrs(self, entity: Entity) -> Markup:
        """data-fact and data-changed attributes for an element that shows one fact."""
        moment = self.last_change(entity)
        if moment is None:
            return Markup("")
        return Markup(' data-fact="{}:{}" data-changed="{}"').format(
            kind_of(entity), key_of(entity), moment.isoformat())
