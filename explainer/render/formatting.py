"""How dates and times read on the page: '15 August 2025', '11:30 local time (UTC−08:00)'."""

from __future__ import annotations

from datetime import UTC, date, datetime

from markupsafe import Markup


def dateline(published: date | None, updated: date | None) -> Markup:
    """'Published 29 November 2026 · Updated 1 December 2026' (one date when they agree)."""
    def stamp(word: str, day: date) -> Markup:
        return Markup('{} <time datetime="{}">{}</time>').format(word, day.isoformat(),
                                                                 long_date(day))

    parts = []
    if published is not None:
        parts.append(stamp("Published", published))
    if updated is not None and (published is None or updated > published):
        parts.append(stamp("Updated", updated))
    if not parts:
        return Markup("")
    return Markup('<p class="ex-updated">{}</p>').format(Markup(" · ").join(parts))


def long_date(value: date | datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def format_when(value: date | datetime) -> str:
    """Local time as written in the data, with its offset: '15 August 2025, 11:30 (UTC−08:00)'."""
    if not isinstance(value, datetime):
        return long_date(value)
    offset = value.strftime("%z")
    sign = "\u2212" if offset.startswith("-") else "+"
    return f"{long_date(value)}, {value:%H:%M} local time (UTC{sign}{offset[1:3]}:{offset[3:]})"


def format_utc(value: date | datetime) -> str:
    if not isinstance(value, datetime):
        return ""
    utc = value.astimezone(UTC)
    return f"{long_date(utc)}, {utc:%H:%M} UTC"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """'no stances', '1 stance', '3 stances'."""
    if count == 0:
        return f"no {plural or singular + 's'}"
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"
