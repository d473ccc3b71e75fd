"""Typed entities of an explainer. Strict types, unknown fields rejected, closed sets.

Text fields marked "Markdown" allow inline Markdown, rendered and sanitised on output;
every other text field is shown as plain, escaped text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .diagnostics import short

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # for JSON Schema, where `$` ends the text
# Used with fullmatch: in Python `$` also matches before a final line break, so
# "trump\n" would pass for an id. [0-9], as `\d` takes any script's digits.
_SLUG = re.compile(SLUG_PATTERN)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LOCAL_TIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?"
_DATETIME = re.compile(_LOCAL_TIME + r"(?:Z|[+-][0-9]{2}:[0-9]{2})")
_DATETIME_WITHOUT_OFFSET = re.compile(_LOCAL_TIME)

# Limits that keep every value printable and every page buildable. An id names a folder
# and a file (actors/<id>/, assets/cards/actors--<id>.png), far below file systems'
# 255-byte limit on a name.
MAX_ID = 64
MAX_SHORT_TEXT = 500  # names, titles, roles, places: headings, and the text of a card
MAX_TEXT = 5_000  # quotes, context, notes
# Markdown fields: Python-Markdown's time grows with the number of '[' times the length
# (each '[' scans ahead for the end of its link), and each nested list marker is a level
# of recursion. Within these limits the worst text renders in a quarter of a second.
MAX_MARKDOWN = 5_000
MAX_BRACKETS = 30
MAX_NESTING = 10
# A line that opens more than MAX_NESTING lists or quotes: '+ + + ...', '1. 1. ...', '> > ...'
_NESTED = re.compile(rf"^[ \t]*(?:(?:[-+*]|[0-9]{{1,9}}[.)])[ \t]+|>[ \t]*){{{MAX_NESTING + 1}}}",
                     re.MULTILINE)


def describe(value: Any) -> str:
    """How YAML read a value, for messages ('the number 750', 'a list')."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if value is None:
        return "an empty value"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{short(str(value))}'"


def _slug(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("slug", "expected an id, got {got}", {"got": describe(value)})
    if not _SLUG.fullmatch(value):
        suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "an-id"
        raise PydanticCustomError(
            "slug", "id '{value}' must be lowercase letters, digits and hyphens, "
            "e.g. '{suggestion}'", {"value": short(value), "suggestion": short(suggestion)})
    if len(value) > MAX_ID:
        raise PydanticCustomError(
            "slug", "id '{value}' is {length} characters long, over the {limit}-character "
            "limit for ids; shorten it",
            {"value": short(value), "length": f"{len(value):,}", "limit": MAX_ID})
    return value


def _date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise PydanticCustomError(
            "date", "expected a date written YYYY-MM-DD (e.g. 2025-08-15), got {got}",
            {"got": describe(value)})
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise PydanticCustomError(
            "date", "'{value}' is not a real date ({why}); write YYYY-MM-DD",
            {"value": short(value), "why": str(exc)}) from None


def _when(value: Any) -> date | datetime:
    """A date, or a date and time with its UTC offset, as ISO 8601."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and "T" in value:
        if _DATETIME_WITHOUT_OFFSET.fullmatch(value):
            raise PydanticCustomError(
                "when", "'{value}' needs a UTC offset, e.g. 2025-08-15T11:00-08:00 "
                "(Anchorage in August is UTC-8)", {"value": short(value)})
        if not _DATETIME.fullmatch(value):
            raise PydanticCustomError(
                "when", "'{value}' is not a date and time written as ISO 8601; write "
                "e.g. 2025-08-15T11:00-08:00", {"value": short(value)})
        try:
            return datetime.fromisoformat(value)
        except ValueError as exc:
            raise PydanticCustomError(
                "when", "'{value}' is not a real time ({why})",
                {"value": short(value), "why": str(exc)}) from None
    return _date(value)


def _http_url(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("url", "expected a URL, got {got}", {"got": describe(value)})
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(
        c.isspace() for c in value
    ):
        raise PydanticCustomError(
            "url", "URL '{value}' must start with http:// or https:// and name a host",
            {"value": short(value)})
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "text", "expected text, but YAML read {got}; put the value in quotes",
            {"got": describe(value)})
    if not value.strip():
        raise PydanticCustomError("text", "text must not be empty", {})
    return value


def _at_most(limit: int) -> Callable[[Any], str]:
    """A validator of text of at most `limit` characters."""
    def validate(value: Any) -> str:
        text = _text(value)
        if len(text) > limit:
            raise _too_long(len(text), limit)
        return text
    return validate


def _too_long(length: int, limit: int) -> PydanticCustomError:
    return PydanticCustomError(
        "text", "text is {length} characters long, over the {limit}-character limit for "
        "this field; shorten it", {"length": f"{length:,}", "limit": f"{limit:,}"})


def markdown_problem(text: str) -> str | None:
    """Why a Markdown text is beyond what may be rendered quickly and safely, or None."""
    if len(text) > MAX_MARKDOWN:
        return str(_too_long(len(text), MAX_MARKDOWN))
    brackets = text.count("[")
    if brackets > MAX_BRACKETS:
        return (f"text has {brackets:,} '[' characters, over the limit of {MAX_BRACKETS} "
                "(one or two per link); remove some")
    # One line needs one anchored match; searching it costs a microsecond per field.
    if (_NESTED.search(text) if "\n" in text else _NESTED.match(text)) is not None:
        return (f"lists or quotes are nested more than {MAX_NESTING} levels deep; "
                "flatten them")
    return None


def _markdown(value: Any) -> str:
    text = _text(value)
    problem = markdown_problem(text)
    if problem is not None:
        raise PydanticCustomError("markdown", problem, {})
    return text


Slug = Annotated[str, PlainValidator(_slug),
                 WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN,
                                 "maxLength": MAX_ID})]
ShortText = Annotated[str, PlainValidator(_at_most(MAX_SHORT_TEXT)),
                      WithJsonSchema({"type": "string", "minLength": 1,
                                      "maxLength": MAX_SHORT_TEXT})]
Text = Annotated[str, PlainValidator(_at_most(MAX_TEXT)),
                 WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_TEXT})]
Markdown = Annotated[str, PlainValidator(_markdown),
                     WithJsonSchema({"type": "string", "minLength": 1,
                                     "maxLength": MAX_MARKDOWN,
                                     "description": "Inline Markdown allowed"})]
IsoDate = Annotated[date, PlainValidator(_date), PlainSerializer(date.isoformat, return_type=str),
                    WithJsonSchema({"type": "string", "format": "date"})]
When = Annotated[date | datetime, PlainValidator(_when),
                 PlainSerializer(lambda v: v.isoformat(), return_type=str),
                 WithJsonSchema({"type": "string", "anyOf": [
                     {"format": "date"}, {"format": "date-time"}]})]
HttpUrl = Annotated[str, PlainValidator(_http_url),
                    WithJsonSchema({"type": "string", "format": "uri",
                                    "pattern": "^https?://"})]
# kind:id; a position's id is actor--issue.
Ref = Annotated[str, WithJsonSchema({"type": "string",
                                     "pattern": r"^[a-z]+:[a-z0-9]+(?:--?[a-z0-9]+)*$"})]

STANCES: dict[str, str] = {
    "supports": "Supports",
    "open": "Open to it",
    "conditional": "Conditional",
    "noncommittal": "Non-committal",
    "opposes": "Opposes",
    "unclear": "Unclear",
}
Stance = Literal["supports", "open", "conditional", "noncommittal", "opposes", "unclear"]
QUESTION_STATUSES: dict[str, str] = {
    "open": "Open",
    "partly-answered": "Partly answered",
    "answered": "Answered",
}
QuestionStatus = Literal["open", "partly-answered", "answered"]


class Entity(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    as_of: IsoDate | None = Field(None, description="When this entry was last checked")
    review_by: IsoDate | None = Field(
        None, description="Check this entry again by this date; a past date warns")


class Source(Entity):
    id: Slug
    title: ShortText
    publisher: ShortText | None = None
    url: HttpUrl | None = Field(None, description="http or https only; omit when unknown")
    published: IsoDate | None = None
    kind: Literal["article", "report", "transcript", "interview", "statement"] = "article"
    note: Text | None = Field(None, description="What this source is, for readers")


class Actor(Entity):
    id: Slug
    name: ShortText
    kind: Literal["person", "institution", "state", "group"]
    role: ShortText | None = None
    affiliation: Slug | None = Field(None, description="Id of another actor")
    aliases: list[ShortText] = []
    summary: Markdown | None = None
    sources: list[Slug] = []


class Issue(Entity):
    id: Slug
    title: ShortText
    summary: Markdown
    sources: list[Slug] = []


class Position(Entity):
    actor: Slug
    issue: Slug
    stance: Stance
    summary: Markdown
    quotes: list[Slug] = []
    sources: list[Slug] = []

    @property
    def id(self) -> str:
        return f"{self.actor}--{self.issue}"


class Quote(Entity):
    id: Slug
    actor: Slug
    text: Text = Field(description="Verbatim, without surrounding quotation marks")
    context: Text
    date: IsoDate | None = Field(None, description="When it was said; omit when unknown")
    event: Slug | None = None
    source: Slug


class Question(Entity):
    id: Slug
    question: ShortText
    status: QuestionStatus
    known: list[Markdown] = Field(description="What we know")
    unknown: list[Markdown] = Field(description="What we don't know")
    would_resolve: list[Markdown] = Field(description="What would resolve it")
    actors: list[Slug] = []
    issues: list[Slug] = []
    sources: list[Slug] = []


class Event(Entity):
    id: Slug
    start: When
    end: When | None = None
    title: ShortText
    summary: Markdown
    place: ShortText
    actors: list[Slug] = []
    sources: list[Slug] = []

    @model_validator(mode="after")
    def _end_after_start(self) -> Event:
        if self.end is not None and _sort_key(self.end) < _sort_key(self.start):
            raise PydanticCustomError("when", "end is before start", {})
        return self


def _sort_key(value: date | datetime) -> tuple:
    if isinstance(value, datetime):
        return (value.date(), value.utctimetuple()[:6])
    return (value, (0,))


class Update(Entity):
    id: Slug
    date: IsoDate
    kind: Literal["addition", "update", "correction"]
    summary: Markdown
    corrected: Text | None = Field(
        None, description="For a correction: what was wrong before it was corrected")
    touches: list[Ref] = Field([], description="Entities changed, as kind:id, e.g. actor:putin")

    @model_validator(mode="after")
    def _correction_says_what_was_wrong(self) -> Update:
        if self.kind == "correction" and not self.corrected:
            raise PydanticCustomError(
                "correction", "a correction needs 'corrected': what was wrong before", {})
        return self


# File stem in data/ -> entity model, in the order pages and schemas list them.
KINDS: dict[str, type[Entity]] = {
    "sources": Source,
    "actors": Actor,
    "issues": Issue,
    "positions": Position,
    "quotes": Quote,
    "questions": Question,
    "events": Event,
    "updates": Update,
}
# Singular names used in references (`actor:putin`) -> file stem.
REF_KINDS: dict[str, str] = {
    "source": "sources",
    "actor": "actors",
    "issue": "issues",
    "position": "positions",
    "quote": "quotes",
    "question": "questions",
    "event": "events",
    "update": "updates",
}
