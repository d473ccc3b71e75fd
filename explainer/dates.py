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
        found = [d for d in (self.modified(e) for e in entities) if d is not None]
        return max(found) if found else None

    def earliest(self, entities: Iterable[Entity]) -> date | None:
        found = [d for d in (self.published(e) for e in entities) if d is not None]
        return min(found) if found else None

    def fact_attrs(self, entity: Entity) -> Markup:
        """data-fact and data-changed attributes for an element that shows one fact."""
        moment = self.last_change(entity)
        if moment is None:
            return Markup("")
        return Markup(' data-fact="{}:{}" data-changed="{}"').format(
            kind_of(entity), key_of(entity), moment.isoformat())
