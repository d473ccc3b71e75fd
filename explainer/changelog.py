"""The change log readers see: which fact-level changes each entry of data/updates.yaml
stands for, and how one change reads ("status open → partly answered")."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from markupsafe import Markup

from .dataset import Dataset
from .history import Change, History
from .models import QUESTION_STATUSES, REF_KINDS, STANCES

# Closed sets are shown with the words readers see on the pages.
_VALUE_LABELS = {"status": QUESTION_STATUSES, "stance": STANCES}
_LONGEST_VALUE = 140


def show_value(field: str, value: Any) -> str:
    if value is None or value == []:
        return "(none)"
    if isinstance(value, str):
        text = _VALUE_LABELS.get(field, {}).get(value, value)
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = ", ".join(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return text if len(text) <= _LONGEST_VALUE else text[: _LONGEST_VALUE - 1] + "…"


def change_html(change: Change) -> Markup:
    """One change as inline HTML: what was there struck through, beside what is there."""
    if change.action == "added":
        return Markup("first published")
    if change.action == "removed":
        return Markup("removed")
    parts = [Markup("{} <del>{}</del> → <ins>{}</ins>").format(
        field.name.replace("_", " "), show_value(field.name, field.before),
        show_value(field.name, field.after))
        for field in change.fields if field.substantive]
    if not parts:
        return Markup("wording")
    return Markup("; ").join(parts)


def change_text(change: Change) -> str:
    """The same in plain text, for feeds and exports."""
    if change.action != "changed":
        return "first published" if change.action == "added" else "removed"
    return "; ".join(f"{f.name.replace('_', ' ')}: {show_value(f.name, f.before)} → "
                     f"{show_value(f.name, f.after)}" for f in change.fields if f.substantive)


def update_changes(dataset: Dataset, history: History) -> dict[str, list[Change]]:
    """Update id -> the substantive changes to what it touches that it stands for: made
    after the entry before it was published and no later than the commit that added it."""
    added_at: dict[str, datetime] = {}
    for update in dataset.updates.values():
        first = history.of("updates", update.id)
        if first:
            added_at[update.id] = first[0].when
    found: dict[str, list[Change]] = {}
    since: datetime | None = None
    for update_id in sorted(added_at, key=lambda u: (added_at[u], u)):
        until = added_at[update_id]
        listed = []
        for ref in dataset.updates[update_id].touches:
            singular, _, key = ref.partition(":")
            kind = REF_KINDS.get(singular)
            if kind is not None:
                listed.extend(c for c in history.of(kind, key) if c.substantive
                              and c.when <= until and (since is None or c.when > since))
        found[update_id] = sorted(listed, key=lambda c: (c.when, c.kind, c.key))
        since = until
    return found
