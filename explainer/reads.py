"""Which facts each page read while it was rendered, for the preview's partial rebuilds.

While recording is on (the preview only: it costs a little on every attribute access),
every attribute read of an entity inside `reading_into(found)` adds `(id(entity), name)`
to `found`. A page that read nothing of what changed in a fact cannot have changed with
it; `WHOLE` stands for reads that see every field at once (`__dict__`, as serialisers
and comparisons read it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .models import Entity

Read = tuple[int, str]  # (id of the entity, attribute name)
WHOLE = "__dict__"

_into: set[Read] | None = None


def _recording_getattribute(self: Entity, name: str) -> Any:
    if _into is not None:
        _into.add((id(self), name))
    return object.__getattribute__(self, name)


def touched(reads: set[Read], changes: dict[int, set[str]]) -> bool:
    """Whether `reads` saw anything of `changes` (entity id -> names of changed fields)."""
    return any(name in changes[entity] or name == WHOLE
               for entity, name in reads if entity in changes)


def start_recording() -> None:
    """Record reads from now on, in this process."""
    # A class attribute, set and removed at run time: mypy checks methods as fixed.
    Entity.__getattribute__ = _recording_getattribute  # type: ignore[method-assign, assignment]


def stop_recording() -> None:
    if "__getattribute__" in Entity.__dict__:
        del Entity.__getattribute__


def recording() -> bool:
    return "__getattribute__" in Entity.__dict__


@contextmanager
def reading_into(found: set[Read]) -> Iterator[None]:
    global _into
    outer, _into = _into, found
    try:
        yield
    finally:
        _into = outer


def begin(found: set[Read]) -> None:
    """Start a recording that a later `end()` stops: for MkDocs events that open and
    close a page's phase in separate calls."""
    global _into
    _into = found


def end() -> None:
    global _into
    _into = None
