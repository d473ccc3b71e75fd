"""Rules between facts: references that must exist, sources to cite, reviews that are due.

Each rule reports on the entry it is about, at the field that breaks it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, did_you_mean, short
from ..kinds import BY_SINGULAR, KINDS
from ..models import Position, Update
from .dataset import Dataset, sources_of

if TYPE_CHECKING:
    from .loading import Entry

# (kind, id) of facts removed after publication, or None when no history can tell.
Retired = Callable[[], frozenset[tuple[str, str]] | None]


def check_rules(dataset: Dataset, entries: list[Entry], retired: Retired) -> None:
    referenced: set[tuple[str, str]] = set()
    for entry in entries:
        _check_reference_fields(dataset, entry, referenced)
        entity = entry.entity
        if isinstance(entity, Position):
            _check_position_quotes(dataset, entry, entity)
        if isinstance(entity, Update):
            _check_touches(dataset, entry, entity, referenced, retired)
            if "TODO" in entity.summary:  # a drafted entry nobody finished
                entry.error(("summary",), f"update '{entity.id}': the summary still says "
                            "TODO; write what changed before publishing", severity="warning")
        if entry.kind.needs_source and not sources_of(entity):
            entry.error((), f"{entry.kind.singular} '{entity.key}' cites no source; add "
                        "'sources:' with at least one source id", severity="warning")
    if not dataset.broken:
        # What refers to an entry may be in the part that failed: fix errors first.
        _check_referred_to(entries, referenced)
    _check_freshness(entries)


def _check_reference_fields(dataset: Dataset, entry: Entry,
                            referenced: set[tuple[str, str]]) -> None:
    for field_name, target in entry.kind.reference_fields().items():
        value = getattr(entry.entity, field_name)
        values = value if isinstance(value, list) else [value]
        for position, target_id in enumerate(values):
            if target_id is None:
                continue
            where = (field_name, position) if isinstance(value, list) else (field_name,)
            referenced.add((target, target_id))
            table = dataset.table(target)
            if target_id not in table and not dataset.is_broken(target, target_id):
                entry.error(where, f"unknown {KINDS[target].singular} '{target_id}'"
                                   f"{did_you_mean(target_id, table)}")


def _check_referred_to(entries: list[Entry], referenced: set[tuple[str, str]]) -> None:
    for entry in entries:
        key = (entry.kind.name, entry.entity.key)
        if key in referenced:
            continue
        if entry.kind.unreferenced:
            entry.error(("id",), f"{entry.kind.singular} '{entry.entity.key}' "
                        f"{entry.kind.unreferenced}", severity="warning")


def _check_position_quotes(dataset: Dataset, entry: Entry, position: Position) -> None:
    for index, quote_id in enumerate(position.quotes):
        quote = dataset.quotes.get(quote_id)
        if quote is not None and quote.actor != position.actor:
            entry.error(("quotes", index), f"quote '{quote_id}' is by '{quote.actor}', "
                        f"not '{position.actor}'; cite a quote of this actor")


def _check_touches(dataset: Dataset, entry: Entry, update: Update,
                   referenced: set[tuple[str, str]], retired: Retired) -> None:
    for index, ref in enumerate(update.touches):
        singular, _, target_id = ref.partition(":")
        kind = BY_SINGULAR.get(singular)
        if kind is None:
            entry.error(("touches", index), f"'{short(ref)}' must be kind:id with kind one of "
                        f"{', '.join(BY_SINGULAR)}{did_you_mean(singular, BY_SINGULAR)}")
            continue
        table = dataset.table(kind.name)
        referenced.add((kind.name, target_id))
        if target_id in table or dataset.is_broken(kind.name, target_id):
            continue
        known = retired()
        if known is None:  # no history: it may be a fact removed after publication
            entry.error(("touches", index), f"{NO_HISTORY_TOUCH} {singular} "
                        f"'{short(target_id)}'{did_you_mean(target_id, table)}",
                        severity="warning")
        elif (kind.name, target_id) not in known:
            entry.error(("touches", index), f"unknown {singular} '{short(target_id)}'"
                        f"{did_you_mean(target_id, table)}")


def _check_freshness(entries: list[Entry], today: date | None = None) -> None:
    today = today or date.today()
    for entry in entries:
        review_by = entry.entity.review_by
        if review_by is not None and _is_due(review_by, today):
            entry.error(("review_by",), f"{entry.kind.singular} '{entry.entity.key}' "
                        f"{_DUE_PHRASE} {review_by.isoformat()}; check it, then update "
                        "'as_of' and 'review_by'", severity="warning")


_DUE_PHRASE = "was due for review on"
_REVIEW_WARNING = re.compile(rf"^[a-z]+ '[^']*' {_DUE_PHRASE} \d{{4}}-\d{{2}}-\d{{2}}; ")


def _is_due(review_by: date | None, today: date) -> bool:
    return review_by is not None and review_by < today


# Without git history a touch of a missing fact may name one removed after publication.
NO_HISTORY_TOUCH = "no git history to tell whether a removed fact or a typo:"


def is_history_reminder(diagnostic: Diagnostic) -> bool:
    return diagnostic.severity == "warning" and diagnostic.message.startswith(NO_HISTORY_TOUCH)


def is_review_reminder(diagnostic: Diagnostic) -> bool:
    """Whether a diagnostic is the warning of a passed `review_by` date."""
    return diagnostic.severity == "warning" and bool(_REVIEW_WARNING.match(diagnostic.message))


@dataclass(frozen=True)
class DueForReview:
    kind: str  # 'issues'
    id: str
    due: date


def due_for_review(dataset: Dataset, today: date | None = None) -> list[DueForReview]:
    """Entries whose `review_by` date has passed, the longest overdue first."""
    today = today or date.today()
    due = [DueForReview(kind, entity_id, entity.review_by)
           for kind in KINDS for entity_id, entity in dataset.table(kind).items()
           if entity.review_by is not None and _is_due(entity.review_by, today)]
    return sorted(due, key=lambda d: (d.due, list(KINDS).index(d.kind), d.id))


def any_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)
