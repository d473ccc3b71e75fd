"""The change log readers see: which fact-level changes each entry of data/updates.yaml
stands for, and how one change reads ("status open → partly answered")."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from markupsafe import Markup

from .history import Change, History
from .kinds import BY_SINGULAR
from .models import QUESTION_STATUSES, STANCES
from .store import Dataset

# Closed sets are shown with the words readers see on the pages.
_VALUE_LABELS = {"status": QUESTION_STATUSES, "stance": STANCES}
_LONGEST_VALUE = 140


def shown_pair(field: str, before: Any, after: Any) -> tuple[str, str]:
    """Both sides of a change as shown: a long text cut around the part that differs,
    with some context, so the two never look the same."""
    old, new = _full(field, before), _full(field, after)
    if max(len(old), len(new)) <= _LONGEST_VALUE:
        return old, new
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    context = 40
    return _window(old, start, end, context), _window(new, start, end, context)


def _window(text: str, start: int, end: int, context: int) -> str:
    begin = max(0, start - context)
    stop = len(text) - max(0, end - context)
    middle = text[begin:stop]
    if len(middle) > _LONGEST_VALUE:  # a long rewrite: its start is enough
        middle = middle[: _LONGEST_VALUE - 1] + "…"
    return ("…" if begin else "") + middle + ("…" if stop < len(text) else "")


def _full(field: str, value: Any) -> str:
    if value is None or value == []:
        return "(none)"
    if isinstance(value, str):
        text = _VALUE_LABELS.get(field, {}).get(value, value)
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = "; ".join(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return " ".join(text.split())


def change_html(change: Change) -> Markup:
    """One change as inline HTML: what was there struck through, beside what is there."""
    if change.action == "added":
        return Markup("first published")
    if change.action == "removed":
        return Markup("removed")
    parts = [Markup("{} <del>{}</del> → <ins>{}</ins>").format(
        field.name.replace("_", " "), *shown_pair(field.name, field.before, field.after))
        for field in change.fields if field.substantive]
    if not parts:
        return Markup("wording")
    return Markup("; ").join(parts)


def update_changes(dataset: Dataset, history: History) -> dict[str, list[Change]]:
    """Update id -> the substantive changes to what it touches that it stands for: made
    after the entry before it was published and no later than the commit that added it."""
    added_at: dict[str, datetime] = {}
    for update in dataset.updates.values():
        first = history.of("updates", update.id)
        if first:
            added_at[update.id] = first[0].when
    found: dict[str, list[Change]] = {}
    # Entries published together (one commit) share the same window.
    moments = sorted(set(added_at.values()))
    before = {moment: (moments[i - 1] if i else None) for i, moment in enumerate(moments)}
    for update_id in sorted(added_at, key=lambda u: (added_at[u], u)):
        until = added_at[update_id]
        since = before[until]
        listed: list[Change] = []
        for ref in dataset.updates[update_id].touches:
            singular, _, key = ref.partition(":")
            kind = BY_SINGULAR.get(singular)
            if kind is not None:
                listed.extend(c for c in history.of(kind.name, key) if c.substantive
                              and c.when <= until and (since is None or c.when > since))
        found[update_id] = sorted(listed, key=lambda c: (c.when, c.kind, c.key))
    return found
