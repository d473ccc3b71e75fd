"""Which facts each page read while it was rendered, for the preview's partial rebuilds.

While recording is on (the preview only), every attribute read of an entity inside
`reading_into(found)` adds the attribute's name to `found[id(entity)]`. The hook that
sees the reads is on the entity class only while something records: it costs a function
call on every attribute access, and work outside pages (loading, checks, the open-data
export) reads every fact. A page that read nothing of what changed in a fact cannot
have changed with it; `WHOLE` stands for reads that see every field at once
(`__dict__`, as serialisers and comparisons read it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .models import Entity

Reads = dict[int, set[str]]  # id of an entity -> the names of the attributes read
WHOLE = "__dict__"

_into: Reads | None = None
_enabled = False


def _recording_getattribute(self: Entity, name: str) -> Any:
    if _into is not None:
        names = _into.get(id(self))
        if names is None:
            names = _into[id(self)] = set()
        names.add(name)
    return object.__getattribute__(self, name)


def touched(reads: Reads, changes: dict[int, set[str]]) -> bool:
    """Whether `reads` saw anything of `changes` (entity id -> names of changed fields)."""
    for entity, changed in changes.items():
        names = reads.get(entity)
        if names is not None and (WHOLE in names or not names.isdisjoint(changed)):
            return True
    return False


def start_recording() -> None:
    """Record reads from now on, in this process."""
    global _enabled
    _enabled = True


def stop_recording() -> None:
    global _enabled
    _enabled = False
    _into_set(None)


def recording() -> bool:
    return _enabled


@contextmanager
def reading_into(found: Reads) -> Iterator[None]:
    outer = _into
    _into_set(found)
    try:
        yield
    finally:
        _into_set(outer)


def begin(found: Reads) -> None:
    """Start a recording that a later `end()` stops: for MkDocs events that open and
    close a page's phase in separate calls."""
    _into_set(found)


def end() -> None:
    _into_set(None)


def _into_set(found: Reads | None) -> None:
    """Where reads go from now on; the hook is on the class exactly while they go somewhere."""
    global _into
    _into = found if _enabled else None
    hooked = "__getattribute__" in Entity.__dict__
    if _into is not None and not hooked:
        # A class attribute, set and removed at run time: mypy checks methods as fixed.
        Entity.__getattribute__ = _recording_getattribute  # type: ignore[method-assign, assignment]
    elif _into is None and hooked:
        del Entity.__getattribute__
