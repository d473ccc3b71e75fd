"""Load every data file, validate each entry, and check the references between them.

All problems are collected in one pass and returned as diagnostics; nothing here prints
or exits, so the command line, the MkDocs plugin and the tests share one code path.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from .diagnostics import Diagnostic, did_you_mean, short
from .files import NotReadable, read_regular
from .models import (
    KINDS,
    REF_KINDS,
    Actor,
    Entity,
    Event,
    Issue,
    Position,
    Question,
    Quote,
    Source,
    Update,
    _sort_key,
    describe,
)
from .yaml_source import LoadedYaml, load_yaml_bytes


@dataclass
class Dataset:
    sources: dict[str, Source] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    issues: dict[str, Issue] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    quotes: dict[str, Quote] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    updates: dict[str, Update] = field(default_factory=dict)
    # Entries that failed validation: kind -> their ids, or None when the whole file did.
    # References to them are not reported again as unknown.
    broken: dict[str, set[str] | None] = field(default_factory=dict)

    def is_broken(self, kind: str, entity_id: str) -> bool:
        if kind not in self.broken:
            return False
        ids = self.broken[kind]
        return ids is None or entity_id in ids

    def table(self, kind: str) -> dict[str, Entity]:
        return getattr(self, kind)

    def resolve(self, kind: str, entity_id: str) -> Entity | None:
        return self.table(kind).get(entity_id)

    @cached_property
    def events_in_order(self) -> list[Event]:
        # Ties (several events on one date with no time) keep the order of the data file.
        order = {event_id: index for index, event_id in enumerate(self.events)}
        return sorted(self.events.values(), key=lambda e: (_sort_key(e.start), order[e.id]))

    @cached_property
    def updates_newest_first(self) -> list[Update]:
        return sorted(self.updates.values(), key=lambda u: (u.date, u.id), reverse=True)

    @cached_property
    def positions_by_actor(self) -> dict[str, list[Position]]:
        return _group(self.positions.values(), lambda p: [p.actor])

    @cached_property
    def positions_by_issue(self) -> dict[str, list[Position]]:
        return _group(self.positions.values(), lambda p: [p.issue])

    @cached_property
    def members_by_affiliation(self) -> dict[str, list[Actor]]:
        return _group(self.actors.values(),
                      lambda a: [a.affiliation] if a.affiliation else [])

    @cached_property
    def quotes_by_actor(self) -> dict[str, list[Quote]]:
        return _group(self.quotes.values(), lambda q: [q.actor])

    @cached_property
    def events_by_actor(self) -> dict[str, list[Event]]:
        return _group(self.events_in_order, lambda e: e.actors)

    @cached_property
    def questions_by_actor(self) -> dict[str, list[Question]]:
        return _group(self.questions.values(), lambda q: q.actors)

    @cached_property
    def questions_by_issue(self) -> dict[str, list[Question]]:
        return _group(self.questions.values(), lambda q: q.issues)

    @cached_property
    def updates_by_ref(self) -> dict[str, list[Update]]:
        return _group(self.updates_newest_first, lambda u: u.touches)

    @cached_property
    def citations(self) -> dict[str, list[tuple[str, str]]]:
        """source id -> [(kind, entity id)] of everything that cites it, in data order."""
        cited: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for kind in KINDS:
            for entity_id, entity in self.table(kind).items():
                for source_id in sources_of(entity):
                    cited[source_id].append((kind, entity_id))
        return dict(cited)


def sources_of(entity: Entity) -> list[str]:
    if isinstance(entity, Quote):
        return [entity.source]
    return list(getattr(entity, "sources", []))


def _group(items, keys_of) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for item in items:
        for key in keys_of(item):
            grouped[key].append(item)
    return dict(grouped)


@dataclass
class _Entry:
    kind: str
    index: int
    entity: Entity
    loaded: LoadedYaml

    def error(self, field_path: tuple, message: str, severity: str = "error") -> None:
        self.loaded.error((self.index, *field_path), message, severity=severity)


# (kind, id) of facts removed after publication, or None when no history can tell.
Retired = Callable[[], frozenset[tuple[str, str]] | None]


def load_dataset(data_dir: Path, root: Path | None = None,
                 retired: Retired | None = None) -> tuple[Dataset, list[Diagnostic]]:
    """Load data/*.yaml. Returns what validated plus every diagnostic, sorted.

    `retired` names the (kind, id) of facts that were published and later removed, so
    the change log may still touch them; it is asked only if some touch is unknown."""
    root = root or data_dir.parent
    dataset = Dataset()
    entries: list[_Entry] = []
    files: list[LoadedYaml] = []
    broken = dataset.broken
    diagnostics: list[Diagnostic] = []
    for kind, model in KINDS.items():
        path = data_dir / f"{kind}.yaml"
        shown = _display_path(path, root)
        if not path.exists():
            diagnostics.append(Diagnostic(shown, 1, 1, "error",
                                          f"missing data file; create it with a list of {kind}"))
            broken[kind] = None
            continue
        try:
            data = read_regular(path)
        except NotReadable as exc:
            diagnostics.append(Diagnostic(shown, 1, 1, "error", f"{shown} {exc}"))
            broken[kind] = None
            continue
        loaded = load_yaml_bytes(data, shown)
        files.append(loaded)
        entries.extend(_validate_file(kind, model, loaded, broken))
    _index(dataset, entries)
    _check_references(dataset, entries, retired or (lambda: frozenset()))
    for loaded in files:
        diagnostics.extend(loaded.diagnostics)
    return dataset, sorted(set(diagnostics))


def _display_path(path: Path, root: Path) -> str:
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def _validate_file(kind: str, model: type[Entity], loaded: LoadedYaml,
                   broken: dict[str, set[str] | None]) -> list[_Entry]:
    """Valid entries of one file. Records in `broken` the ids of invalid ones (None: the
    whole file), so references to them are not reported a second time as unknown."""
    if loaded.value is None and not loaded.diagnostics:
        return []  # an empty file is an empty list
    if loaded.diagnostics and loaded.value is None:
        broken[kind] = None
        return []
    if not isinstance(loaded.value, list):
        broken[kind] = None
        loaded.error((), f"expected a list of {kind} ('- id: ...' entries), "
                         f"got {describe(loaded.value)}")
        return []
    entries = []
    for index, raw in enumerate(loaded.value):
        if not isinstance(raw, dict):
            loaded.error((index,), f"expected a mapping of fields for one of the {kind}, "
                                   f"got {describe(raw)}")
            broken[kind] = None
            continue
        try:
            entity = model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                _report(loaded, kind, model, index, err)
            if broken.get(kind, set()) is not None:
                broken.setdefault(kind, set()).add(str(raw.get("id")))
            continue
        entries.append(_Entry(kind, index, entity, loaded))
    return entries


def _report(loaded: LoadedYaml, kind: str, model: type[Entity], index: int, err: dict) -> None:
    loc = tuple(err["loc"])
    path = (index, *loc)
    kind_of_error = err["type"]
    field_name = ".".join(str(part) for part in loc) or kind[:-1]
    if kind_of_error == "missing":
        loaded.error(path[:-1], f"missing required field '{loc[-1]}'")
    elif kind_of_error == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), model.model_fields)
        loaded.error(path, f"unknown field '{loc[-1]}'{hint}", at_key=True)
    elif kind_of_error == "literal_error":
        allowed = err["ctx"]["expected"].replace("'", "")
        value = err["input"]
        choices = [c.strip() for c in allowed.replace(" or ", ",").split(",")]
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        loaded.error(path, f"{field_name} {describe(value)} is not one of: "
                           f"{', '.join(c for c in choices if c)}{hint}")
    elif kind_of_error in ("list_type", "model_type", "model_attributes_type", "dict_type"):
        wanted = "a list" if kind_of_error == "list_type" else "a mapping of fields"
        loaded.error(path, f"{field_name}: expected {wanted}, got {describe(err['input'])}")
    else:
        loaded.error(path, f"{field_name}: {err['msg']}")


def _index(dataset: Dataset, entries: list[_Entry]) -> None:
    first_seen: dict[tuple[str, str], _Entry] = {}
    for entry in entries:
        entity_id = entry.entity.id  # type: ignore[attr-defined]
        key = (entry.kind, entity_id)
        if key in first_seen:
            first = first_seen[key]
            line = first.loaded.position((first.index,))[0]
            if entry.kind == "positions":
                entry.error(("issue",), f"second position of '{entry.entity.actor}' on "
                            f"'{entry.entity.issue}' (first at line {line}); "
                            "merge them into one")
            else:
                entry.error(("id",), f"duplicate id '{entity_id}' in {entry.kind} "
                            f"(first at line {line}); ids must be unique")
            continue
        first_seen[key] = entry
        dataset.table(entry.kind)[entity_id] = entry.entity


# Which fields of which kind hold references to which kind.
_REFERENCE_FIELDS: dict[str, dict[str, str]] = {
    "actors": {"affiliation": "actors", "sources": "sources"},
    "issues": {"sources": "sources"},
    "positions": {"actor": "actors", "issue": "issues", "quotes": "quotes",
                  "sources": "sources"},
    "quotes": {"actor": "actors", "event": "events", "source": "sources"},
    "questions": {"actors": "actors", "issues": "issues", "sources": "sources"},
    "events": {"actors": "actors", "sources": "sources"},
}


def _check_references(dataset: Dataset, entries: list[_Entry], retired: Retired) -> None:
    referenced: set[tuple[str, str]] = set()

    known_broken = dataset.is_broken

    for entry in entries:
        entity = entry.entity
        for field_name, target in _REFERENCE_FIELDS.get(entry.kind, {}).items():
            value = getattr(entity, field_name)
            values = value if isinstance(value, list) else [value]
            for position, target_id in enumerate(values):
                if target_id is None:
                    continue
                where = (field_name, position) if isinstance(value, list) else (field_name,)
                referenced.add((target, target_id))
                if target_id not in dataset.table(target) and not known_broken(
                        target, target_id):
                    noun = target[:-1]
                    hint = did_you_mean(target_id, dataset.table(target))
                    entry.error(where, f"unknown {noun} '{target_id}'{hint}")
        if entry.kind == "positions":
            _check_position_quotes(dataset, entry)
        if entry.kind == "updates":
            _check_touches(dataset, entry, referenced, known_broken, retired)
            if "TODO" in entry.entity.summary:  # a drafted entry nobody finished
                entry.error(("summary",), f"update '{entry.entity.id}': the summary still "
                            "says TODO; write what changed before publishing",
                            severity="warning")
        if entry.kind in ("positions", "events", "issues") and not sources_of(entity):
            entry.error((), f"{entry.kind[:-1]} '{entity.id}' cites no source; add "
                        "'sources:' with at least one source id", severity="warning")
    if dataset.broken:
        # What refers to an entry may be in the part that failed: fix errors first.
        _check_freshness(entries)
        return
    for entry in entries:
        if entry.kind == "actors" and ("actors", entry.entity.id) not in referenced:
            entry.error(("id",), f"actor '{entry.entity.id}' is not referred to by any "
                        "position, quote, question or event", severity="warning")
        if entry.kind == "sources" and ("sources", entry.entity.id) not in referenced:
            entry.error(("id",), f"source '{entry.entity.id}' is cited by nothing; cite it "
                        "or remove it", severity="warning")
    _check_freshness(entries)


def _check_position_quotes(dataset: Dataset, entry: _Entry) -> None:
    position: Position = entry.entity  # type: ignore[assignment]
    for index, quote_id in enumerate(position.quotes):
        quote = dataset.quotes.get(quote_id)
        if quote is not None and quote.actor != position.actor:
            entry.error(("quotes", index), f"quote '{quote_id}' is by '{quote.actor}', "
                        f"not '{position.actor}'; cite a quote of this actor")


def _check_touches(dataset: Dataset, entry: _Entry, referenced: set, known_broken,
                   retired: Retired) -> None:
    update: Update = entry.entity  # type: ignore[assignment]
    for index, ref in enumerate(update.touches):
        kind_name, _, target_id = ref.partition(":")
        if kind_name not in REF_KINDS:
            entry.error(("touches", index), f"'{short(ref)}' must be kind:id with kind one of "
                        f"{', '.join(REF_KINDS)}{did_you_mean(kind_name, REF_KINDS)}")
            continue
        table = dataset.table(REF_KINDS[kind_name])
        referenced.add((REF_KINDS[kind_name], target_id))
        if target_id in table or known_broken(REF_KINDS[kind_name], target_id):
            continue
        known = retired()
        if known is None:  # no history: it may be a fact removed after publication
            entry.error(("touches", index), f"{NO_HISTORY_TOUCH} {kind_name} "
                        f"'{short(target_id)}'{did_you_mean(target_id, table)}",
                        severity="warning")
        elif (REF_KINDS[kind_name], target_id) not in known:
            entry.error(("touches", index), f"unknown {kind_name} '{short(target_id)}'"
                        f"{did_you_mean(target_id, table)}")


def _check_freshness(entries: list[_Entry], today: date | None = None) -> None:
    today = today or date.today()
    for entry in entries:
        review_by = entry.entity.review_by
        if _is_due(review_by, today):
            entry.error(("review_by",), f"{entry.kind[:-1]} "
                        f"'{getattr(entry.entity, 'id', '')}' {_DUE_PHRASE} "
                        f"{review_by.isoformat()}; check it, then update 'as_of' and "
                        "'review_by'", severity="warning")


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
           if _is_due(entity.review_by, today)]
    return sorted(due, key=lambda d: (d.due, list(KINDS).index(d.kind), d.id))


def any_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)
