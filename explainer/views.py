"""What an entity's own page shows, gathered once from the dataset's indexes.

Templates receive these prepared views rather than querying the dataset, and a page's
dates come from the same `facts()` the template shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from .models import Actor, Entity, Event, Issue, Position, Question, Quote, Update

if TYPE_CHECKING:
    from .store import Dataset


class PageView(Protocol):
    def facts(self) -> list[Entity]:
        """Every fact the page shows, for its published and updated dates."""
        ...


@dataclass(frozen=True)
class EntityView:
    """The default: a page about one entity that shows only that entity."""

    entity: Entity

    def facts(self) -> list[Entity]:
        return [self.entity]


@dataclass(frozen=True)
class ActorView:
    actor: Actor
    positions: list[Position]
    quotes: list[Quote]
    events: list[Event]
    questions: list[Question]
    members: list[Actor]  # actors whose affiliation is this one
    updates: list[Update]  # change-log entries that touch this actor, newest first

    def facts(self) -> list[Entity]:
        return [self.actor, *self.positions, *self.quotes, *self.events, *self.questions,
                *self.members]


@dataclass(frozen=True)
class IssueView:
    issue: Issue
    positions: list[Position]
    questions: list[Question]
    quotes: list[Quote]  # quotes the positions cite

    def facts(self) -> list[Entity]:
        return [self.issue, *self.positions, *self.questions, *self.quotes]


def actor_view(dataset: Dataset, actor: Entity) -> ActorView:
    assert isinstance(actor, Actor)
    key = actor.key
    return ActorView(actor, dataset.positions_by_actor.get(key, []),
                     dataset.quotes_by_actor.get(key, []), dataset.events_by_actor.get(key, []),
                     dataset.questions_by_actor.get(key, []),
                     dataset.members_by_affiliation.get(key, []),
                     dataset.updates_by_ref.get(f"actor:{key}", []))


def issue_view(dataset: Dataset, issue: Entity) -> IssueView:
    assert isinstance(issue, Issue)
    positions = dataset.positions_by_issue.get(issue.key, [])
    cited = [dataset.quotes[q] for p in positions for q in p.quotes if q in dataset.quotes]
    return IssueView(issue, positions, dataset.questions_by_issue.get(issue.key, []), cited)
