"""Read each kind's data files, validate every entry, and put what is valid in a Dataset.

All problems are collected in one pass and returned as diagnostics; nothing here prints
or exits, so the command line, the MkDocs plugin and the tests share one code path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..data_files import kind_files
from ..diagnostics import Diagnostic, Severity, did_you_mean
from ..files import NotReadable, read_regular, shown_name
from ..kinds import KINDS, Kind
from ..models import Entity, describe
from ..yaml_source import LoadedYaml, ParseStore, load_yaml_bytes
from .dataset import Dataset
from .rules import Retired, check_rules


@dataclass
class Entry:
    """One valid entity and where it was read, for messages about it."""

    kind: Kind
    index: int
    entity: Entity
    loaded: LoadedYaml

    def error(self, field_path: tuple[str | int, ...], message: str,
              severity: Severity = "error") -> None:
        self.loaded.error((self.index, *field_path), message, severity=severity)

    def line(self) -> int:
        return self.loaded.position((self.index,))[0]


def load_dataset(data_dir: Path, root: Path | None = None, retired: Retired | None = None,
                 parses: ParseStore | None = None) -> tuple[Dataset, list[Diagnostic]]:
    """Load each kind's data files. Returns what validated plus every diagnostic, sorted.

    A kind is one file or a folder of files (explainer/data_files.py); its entries are
    its files' entries, in reading order. `retired` names the (kind, id) of facts that
    were published and later removed, so the change log may still touch them; it is
    asked only if some touch is unknown. `parses` keeps files' parses between runs."""
    root = root or data_dir.parent
    dataset = Dataset()
    entries: list[Entry] = []
    files: list[LoadedYaml] = []
    diagnostics: list[Diagnostic] = []
    for kind in KINDS.values():
        listed = kind_files(data_dir, kind.name, root)
        if listed.problems:
            diagnostics.extend(listed.problems)
            dataset.broken[kind.name] = None
        for path in listed.paths:
            loaded = read_data_file(path, shown_name(path, root), parses)
            files.append(loaded)
            entries.extend(_validate_file(kind, loaded, dataset.broken))
    _index(dataset, entries)
    check_rules(dataset, entries, retired or (lambda: frozenset()))
    for loaded in files:
        diagnostics.extend(loaded.diagnostics)
    return dataset, sorted(set(diagnostics))


def read_data_file(path: Path, shown: str, parses: ParseStore | None = None) -> LoadedYaml:
    """One data file, read and parsed; `shown` names it in messages. A file that cannot
    be read has no value and one diagnostic saying why. Validation adds its own
    diagnostics to the result."""
    try:
        data = read_regular(path)
    except NotReadable as exc:
        loaded = LoadedYaml(shown)
        loaded.diagnostics.append(Diagnostic(shown, 1, 1, "error", f"{shown} {exc}"))
        return loaded
    return load_yaml_bytes(data, shown, parses, remember=True)


@dataclass(frozen=True)
class _Validated:
    """What validating one parse of a file gave: kept, so that an unchanged file (its
    parse comes from the parse cache, the same values) is not validated again."""

    value: object  # the parsed values, compared by identity
    entities: list[tuple[int, Entity]]
    diagnostics: list[Diagnostic]
    broken_ids: frozenset[str]  # ids of entries that failed validation
    all_broken: bool  # the whole file failed


_VALIDATED: dict[str, _Validated] = {}


def _validate_file(kind: Kind, loaded: LoadedYaml,
                   broken: dict[str, set[str] | None]) -> list[Entry]:
    """Valid entries of one file. Records in `broken` the ids of invalid ones (None: the
    whole file), so references to them are not reported a second time as unknown."""
    known = _VALIDATED.get(loaded.path)
    if known is None or known.value is not loaded.value or loaded.value is None:
        before = len(loaded.diagnostics)
        own: dict[str, set[str] | None] = {}
        entries = _validate_entries(kind, loaded, own, _reusable(known))
        ids = own.get(kind.name, set())
        known = _Validated(loaded.value, [(e.index, e.entity) for e in entries],
                           loaded.diagnostics[before:], frozenset(ids or ()),
                           kind.name in own and ids is None)
        _VALIDATED[loaded.path] = known
    else:
        loaded.diagnostics.extend(known.diagnostics)
        entries = [Entry(kind, index, entity, loaded) for index, entity in known.entities]
    if known.all_broken:
        broken[kind.name] = None
    elif known.broken_ids:
        ids = broken.setdefault(kind.name, set())
        if ids is not None:
            ids.update(known.broken_ids)
    return entries


def _reusable(known: _Validated | None) -> dict[int, tuple[object, Entity]]:
    """id of an entry's parsed value -> (that value, its entity), for the entries of the
    file's last validation: an edited file parsed again entry by entry
    (explainer/yaml_entries.py) shares the values of the entries it did not change."""
    if known is None or not isinstance(known.value, list):
        return {}
    return {id(known.value[index]): (known.value[index], entity)
            for index, entity in known.entities}


def _validate_entries(kind: Kind, loaded: LoadedYaml, broken: dict[str, set[str] | None],
                      reusable: dict[int, tuple[object, Entity]] | None = None
                      ) -> list[Entry]:
    if loaded.value is None and not loaded.diagnostics:
        return []  # an empty file is an empty list
    if loaded.diagnostics and loaded.value is None:
        broken[kind.name] = None
        return []
    if not isinstance(loaded.value, list):
        broken[kind.name] = None
        loaded.error((), f"expected a list of {kind.name} ('- id: ...' entries), "
                         f"got {describe(loaded.value)}")
        return []
    entries = []
    for index, raw in enumerate(loaded.value):
        if not isinstance(raw, dict):
            loaded.error((index,), f"expected a mapping of fields for one of the "
                                   f"{kind.name}, got {describe(raw)}")
            broken[kind.name] = None
            continue
        earlier = reusable.get(id(raw)) if reusable else None
        if earlier is not None and earlier[0] is raw:
            entries.append(Entry(kind, index, earlier[1], loaded))
            continue
        try:
            entity = kind.model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                _report(loaded, kind, index, err)
            ids = broken.setdefault(kind.name, set())
            if ids is not None:  # None: the whole file is broken already
                ids.add(str(raw.get("id")))
            continue
        entries.append(Entry(kind, index, entity, loaded))
    return entries


def _report(loaded: LoadedYaml, kind: Kind, index: int, err: ErrorDetails) -> None:
    """One pydantic error as a diagnostic at the value or key it is about."""
    loc = tuple(err["loc"])
    path = (index, *loc)
    kind_of_error = err["type"]
    field_name = ".".join(str(part) for part in loc) or kind.singular
    if kind_of_error == "missing":
        loaded.error(path[:-1], f"missing required field '{loc[-1]}'")
    elif kind_of_error == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), kind.model.model_fields)
        loaded.error(path, f"unknown field '{loc[-1]}'{hint}", at_key=True)
    elif kind_of_error == "literal_error":
        value = err["input"]
        choices = _choices(kind.model, str(loc[0]))
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        loaded.error(path, f"{field_name} {describe(value)} is not one of: "
                           f"{', '.join(choices)}{hint}")
    elif kind_of_error in ("list_type", "model_type", "model_attributes_type", "dict_type"):
        wanted = "a list" if kind_of_error == "list_type" else "a mapping of fields"
        loaded.error(path, f"{field_name}: expected {wanted}, got {describe(err['input'])}")
    else:
        loaded.error(path, f"{field_name}: {err['msg']}")


def _choices(model: type[Entity], field_name: str) -> list[str]:
    """The values a closed-set field allows, in the order the model lists them."""
    annotation: Any = model.model_fields[field_name].annotation
    for candidate in (annotation, *get_args(annotation)):  # `Stance` or `Stance | None`
        if get_origin(candidate) is Literal:
            return [str(choice) for choice in get_args(candidate)]
    return []


def _index(dataset: Dataset, entries: list[Entry]) -> None:
    first_seen: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        entity_id = entry.entity.key
        key = (entry.kind.name, entity_id)
        if key in first_seen:
            first = first_seen[key]
            # In the same file the line is enough; in another, the file and line.
            first_at = (f"line {first.line()}" if first.loaded.path == entry.loaded.path
                        else f"{first.loaded.path}:{first.line()}")
            field_name, message = entry.entity.duplicate_problem(entry.kind.name, first_at)
            entry.error((field_name,), message)
            continue
        first_seen[key] = entry
        dataset.table(entry.kind.name)[entity_id] = entry.entity
