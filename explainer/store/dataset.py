"""The facts of one explainer, by kind, with the indexes pages are made from.

A `Dataset` holds one table per kind in the registry; the built-in kinds also have
typed attributes (`dataset.actors`) for the code and templates that use them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar, cast

from ..kinds import KINDS, reference_fields
from ..models import Actor, Entity, Event, Issue, Position, Question, Quote, Source, Update
from ..models import _sort_key as sort_key

T = TypeVar("T")


@dataclass
class Dataset:
    tables: dict[str, dict[str, Entity]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS})
    # Entries that failed validation: kind -> their ids, or None when the whole file did.
    # References to them are not reported again as unknown.
    broken: dict[str, set[str] | None] = field(default_factory=dict)

    def is_broken(self, kind: str, entity_id: str) -> bool:
        if kind not in self.broken:
            return False
        ids = self.broken[kind]
        return ids is None or entity_id in ids

    def table(self, kind: str) -> dict[str, Entity]:
        return self.tables[kind]

    def resolve(self, kind: str, entity_id: str) -> Entity | None:
        return self.tables[kind].get(entity_id)

    def position(self, actor: str, issue: str) -> Position | None:
        """The actor's position on the issue, if the data has one."""
        return self.positions.get(Position.key_for(actor, issue))

    def everything(self) -> list[Entity]:
        return [entity for table in self.tables.values() for entity in table.values()]

    # Typed views of the built-in kinds.
    @property
    def sources(self) -> dict[str, Source]:
        return cast(dict[str, Source], self.tables["sources"])

    @property
    def actors(self) -> dict[str, Actor]:
        return cast(dict[str, Actor], self.tables["actors"])

    @property
    def issues(self) -> dict[str, Issue]:
        return cast(dict[str, Issue], self.tables["issues"])

    @property
    def positions(self) -> dict[str, Position]:
        return cast(dict[str, Position], self.tables["positions"])

    @property
    def quotes(self) -> dict[str, Quote]:
        return cast(dict[str, Quote], self.tables["quotes"])

    @property
    def questions(self) -> dict[str, Question]:
        return cast(dict[str, Question], self.tables["questions"])

    @property
    def events(self) -> dict[str, Event]:
        return cast(dict[str, Event], self.tables["events"])

    @property
    def updates(self) -> dict[str, Update]:
        return cast(dict[str, Update], self.tables["updates"])

    @cached_property
    def events_in_order(self) -> list[Event]:
        # Ties (several events on one date with no time) keep the order of the data file.
        order = {event_id: index for index, event_id in enumerate(self.events)}
        return sorted(self.events.values(), key=lambda e: (sort_key(e.start), order[e.id]))

    @cached_property
    def updates_newest_first(self) -> list[Update]:
        return sorted(self.updates.values(), key=lambda u: (u.date, u.id), reverse=True)

    @cached_property
    def positions_by_actor(self) -> dict[str, list[Position]]:
        return group(self.positions.values(), lambda p: [p.actor])

    @cached_property
    def positions_by_issue(self) -> dict[str, list[Position]]:
        return group(self.positions.values(), lambda p: [p.issue])

    @cached_property
    def members_by_affiliation(self) -> dict[str, list[Actor]]:
        return group(self.actors.values(), lambda a: [a.affiliation] if a.affiliation else [])

    @cached_property
    def quotes_by_actor(self) -> dict[str, list[Quote]]:
        return group(self.quotes.values(), lambda q: [q.actor])

    @cached_property
    def events_by_actor(self) -> dict[str, list[Event]]:
        return group(self.events_in_order, lambda e: e.actors)

    @cached_property
    def questions_by_actor(self) -> dict[str, list[Question]]:
        return group(self.questions.values(), lambda q: q.actors)

    @cached_property
    def questions_by_issue(self) -> dict[str, list[Question]]:
        return group(self.questions.values(), lambda q: q.issues)

    @cached_property
    def updates_by_ref(self) -> dict[str, list[Update]]:
        return group(self.updates_newest_first, lambda u: u.touches)

    @cached_property
    def citations(self) -> dict[str, list[tuple[str, str]]]:
        """source id -> [(kind, entity id)] of everything that cites it, in data order."""
        cited: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for kind in KINDS:
            for entity_id, entity in self.table(kind).items():
                for source_id in sources_of(entity):
                    cited[source_id].append((kind, entity_id))
        return dict(cited)


def references_of(entity: Entity, target: str) -> list[str]:
    """The ids an entity's fields name of kind `target`, in field order."""
    found: list[str] = []
    for field_name, kind in reference_fields(type(entity)).items():
        if kind != target:
            continue
        value = getattr(entity, field_name)
        if isinstance(value, list):
            found.extend(value)
        elif value is not None:
            found.append(value)
    return found


def sources_of(entity: Entity) -> list[str]:
    return references_of(entity, "sources")


def group(items: Iterable[T], keys_of: Callable[[T], Iterable[str]]) -> dict[str, list[T]]:
    grouped: dict[str, list[T]] = defaultdict(list)
    for item in items:
        for key in keys_of(item):
            grouped[key].append(item)
    return dict(grouped)
