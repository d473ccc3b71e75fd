"""Typed entities of an explainer. Strict types, unknown fields rejected, closed sets.

Text fields marked "Markdown" allow inline Markdown, rendered and sanitised on output;
every other text field is shown as plain, escaped text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal, get_args
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
# For JSON Schema, what _when accepts, each part within its range so that an editor flags
# a mistyped month, hour or offset as it is typed. Only a day past the end of its month
# (2025-02-30) is left to `check`. An offset is anything under 24 hours, as Python reads it.
_YEAR_MONTH_DAY = r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_HOUR_MINUTE_SECOND = r"T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?"
_UTC_OFFSET = r"(?:Z|[+-](?:(?:[01][0-9]|2[0-2]):[0-9]{2}|23:[0-5][0-9]))"
WHEN_PATTERN = rf"^{_YEAR_MONTH_DAY}(?:{_HOUR_MINUTE_SECOND}{_UTC_OFFSET})?$"

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
                "(the offset of the local time, here UTC-8)", {"value": short(value)})
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


# Editors' keywords beside JSON Schema's own: patternErrorMessage (what VS Code and the
# YAML language server say when a pattern fails), enumDescriptions (shown beside each
# choice) and defaultSnippets (ready-made entries, in schemas.py). contentMediaType marks
# the Markdown fields.
_SLUG_SCHEMA = {"type": "string", "pattern": SLUG_PATTERN, "maxLength": MAX_ID,
                "patternErrorMessage": "An id is lowercase letters, digits and single "
                "hyphens, e.g. alaska-summit"}
Slug = Annotated[str, PlainValidator(_slug), WithJsonSchema(_SLUG_SCHEMA)]
ShortText = Annotated[str, PlainValidator(_at_most(MAX_SHORT_TEXT)),
                      WithJsonSchema({"type": "string", "minLength": 1,
                                      "maxLength": MAX_SHORT_TEXT})]
Text = Annotated[str, PlainValidator(_at_most(MAX_TEXT)),
                 WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_TEXT})]
Markdown = Annotated[str, PlainValidator(_markdown),
                     WithJsonSchema({"type": "string", "minLength": 1,
                                     "maxLength": MAX_MARKDOWN,
                                     "contentMediaType": "text/markdown",
                                     "description": "Inline Markdown allowed"})]
IsoDate = Annotated[date, PlainValidator(_date), PlainSerializer(date.isoformat, return_type=str),
                    WithJsonSchema({"type": "string", "format": "date"})]
When = Annotated[date | datetime, PlainValidator(_when),
                 PlainSerializer(lambda v: v.isoformat(), return_type=str),
                 WithJsonSchema({"type": "string", "pattern": WHEN_PATTERN,
                                 "patternErrorMessage": "Write a date, 2025-08-15, or a date "
                                 "and time with its UTC offset, 2025-08-15T11:00-08:00"})]
HttpUrl = Annotated[str, PlainValidator(_http_url),
                    WithJsonSchema({"type": "string", "format": "uri",
                                    "pattern": "^https?://",
                                    "patternErrorMessage": "A URL starts with http:// or "
                                    "https://"})]
# kind:id in the change log; a position's id is actor--issue.
FactRef = Annotated[str, WithJsonSchema({"type": "string",
                                     "pattern": r"^[a-z]+:[a-z0-9]+(?:--?[a-z0-9]+)*$",
                                     "patternErrorMessage": "Write kind:id, e.g. actor:putin"})]

class Ref:
    """Marks a field as holding ids of another kind: `Annotated[Slug, Ref("actors")]`.
    Loading checks that each id exists; the registry and its users read the marks."""

    __slots__ = ("kind",)

    def __init__(self, kind: str):
        self.kind = kind

    def __repr__(self) -> str:
        return f"Ref({self.kind!r})"


# Ids of entities of each kind, as fields that refer to them declare them.
SourceId = Annotated[Slug, Ref("sources")]
ActorId = Annotated[Slug, Ref("actors")]
IssueId = Annotated[Slug, Ref("issues")]
QuoteId = Annotated[Slug, Ref("quotes")]
EventId = Annotated[Slug, Ref("events")]


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
SourceKind = Literal["article", "report", "transcript", "interview", "statement"]
ActorKind = Literal["person", "institution", "state", "group"]
UpdateKind = Literal["addition", "update", "correction"]

# What each choice means, for editors: shown beside it as it is picked.
_STANCE_MEANINGS = {
    "supports": "backs it",
    "open": "willing to consider it, without committing",
    "conditional": "backs it only on conditions",
    "noncommittal": "has spoken about it without taking a side",
    "opposes": "is against it",
    "unclear": "the sources do not show where the actor stands",
}
_STATUS_MEANINGS = {
    "open": "nothing known yet answers it",
    "partly-answered": "part of it is known",
    "answered": "the sources settle it",
}
_SOURCE_KINDS = {
    "article": "A news article",
    "report": "A report or study",
    "transcript": "A transcript of what was said",
    "interview": "An interview",
    "statement": "An official statement or press release",
}
_ACTOR_KINDS = {
    "person": "A person",
    "institution": "An institution or organisation, e.g. the United Nations",
    "state": "A country or its government",
    "group": "A group of people, parties or countries",
}
_UPDATE_KINDS = {
    "addition": "New facts added",
    "update": "Facts brought up to date as the story moved on",
    "correction": "A mistake put right; say what was wrong in 'corrected'",
}


def _choices(choices: Any, meanings: dict[str, str],
             labels: dict[str, str] | None = None) -> dict[str, Any]:
    """enumDescriptions for a Literal, in the order of its values: the label readers see,
    when there is one, then what the choice means."""
    return {"enumDescriptions": [
        f"{labels[value]}: {meanings[value]}" if labels else meanings[value]
        for value in get_args(choices)]}


class Entity(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    as_of: IsoDate | None = Field(
        None, description="When an editor last checked this entry against its sources",
        examples=["2025-08-15"])
    review_by: IsoDate | None = Field(
        None, description="Check this entry again by this date; once it has passed, `check` "
        "warns", examples=["2025-09-15"])

    @property
    def key(self) -> str:
        """The entity's id within its kind."""
        return str(getattr(self, "id"))  # noqa: B009 - a field, or a property (Position)

    def duplicate_problem(self, kind: str, first_at: str) -> tuple[str, str]:
        """The field to point at and the message when another entry has this one's key;
        `first_at` says where the first one is ('line 3', or 'data/actors/a.yaml:3')."""
        return "id", (f"duplicate id '{self.key}' in {kind} (first at {first_at}); "
                      "ids must be unique")

    @classmethod
    def raw_key(cls, entry: dict[str, Any]) -> str | None:
        """The id of an entry as read from YAML, before validation; None if it has none."""
        value = entry.get("id")
        return value if isinstance(value, str) else None


class Source(Entity):
    id: Slug = Field(description="This source's id, which entries cite in 'sources'",
                     examples=["alaska-summit-article"])
    title: ShortText = Field(description="The title of the article, report or statement")
    publisher: ShortText | None = Field(
        None, description="Who published it, e.g. a news organisation or a ministry")
    url: HttpUrl | None = Field(
        None, description="Where to read it, http or https only; omit when unknown",
        examples=["https://example.org/news/2025/08/15/alaska-summit"])
    published: IsoDate | None = Field(
        None, description="When it was published; omit when unknown",
        examples=["2025-08-15"])
    kind: SourceKind = Field("article", description="What sort of source it is",
                             json_schema_extra=_choices(SourceKind, _SOURCE_KINDS))
    note: Text | None = Field(None, description="What this source is, for readers")


class Actor(Entity):
    id: Slug = Field(description="This actor's id, which positions, quotes, questions, "
                     "events and sections refer to", examples=["putin", "united-states"])
    name: ShortText = Field(description="The name readers see")
    kind: ActorKind = Field(description="What sort of actor this is",
                            json_schema_extra=_choices(ActorKind, _ACTOR_KINDS))
    role: ShortText | None = Field(
        None, description="Office or role in the story, e.g. President of Russia")
    affiliation: ActorId | None = Field(
        None, description="Id of another actor this one belongs to or speaks for, e.g. "
        "a president's country")
    aliases: list[ShortText] = Field([], description="Other names readers may know it by")
    summary: Markdown | None = Field(
        None, description="Who this is and their part in the story; inline Markdown allowed")
    sources: list[SourceId] = Field([], description="Ids of the sources this entry rests on")


class Issue(Entity):
    id: Slug = Field(description="This issue's id, which positions, questions and sections "
                     "refer to", examples=["ceasefire"])
    title: ShortText = Field(description="The issue as readers see it named")
    summary: Markdown = Field(
        description="What is at stake and where things stand; inline Markdown allowed")
    sources: list[SourceId] = Field([], description="Ids of the sources this entry rests on")


class Position(Entity):
    actor: ActorId = Field(description="Id of the actor who takes this position")
    issue: IssueId = Field(description="Id of the issue the position is on")
    stance: Stance = Field(description="Where the actor stands on the issue",
                           json_schema_extra=_choices(Stance, _STANCE_MEANINGS, STANCES))
    summary: Markdown = Field(
        description="The position and what shows it; inline Markdown allowed")
    quotes: list[QuoteId] = Field(
        [], description="Ids of quotes by the same actor that show the position")
    sources: list[SourceId] = Field([], description="Ids of the sources this entry rests on")

    @property
    def id(self) -> str:
        return self.key_for(self.actor, self.issue)

    @staticmethod
    def key_for(actor: str, issue: str) -> str:
        """A position has no id of its own: it is the actor's stance on the issue."""
        return f"{actor}--{issue}"

    def duplicate_problem(self, kind: str, first_at: str) -> tuple[str, str]:
        return "issue", (f"second position of '{self.actor}' on '{self.issue}' (first at "
                         f"{first_at}); merge them into one")

    @classmethod
    def raw_key(cls, entry: dict[str, Any]) -> str | None:
        actor, issue = entry.get("actor"), entry.get("issue")
        if isinstance(actor, str) and isinstance(issue, str):
            return cls.key_for(actor, issue)
        return None


class Quote(Entity):
    id: Slug = Field(description="This quote's id, which positions and sections refer to",
                     examples=["trump-very-profound"])
    actor: ActorId = Field(description="Id of the actor who said it")
    text: Text = Field(
        description="The words said, verbatim, without surrounding quotation marks")
    context: Text = Field(description="Where and when it was said, and in answer to what")
    date: IsoDate | None = Field(None, description="When it was said; omit when unknown",
                                 examples=["2025-08-15"])
    event: EventId | None = Field(None, description="Id of the event where it was said")
    source: SourceId = Field(description="Id of the source that reports it")


class Question(Entity):
    id: Slug = Field(description="This question's id, which sections refer to",
                     examples=["what-were-the-agreements"])
    question: ShortText = Field(description="The open question, as readers see it")
    status: QuestionStatus = Field(
        description="How far the question is answered",
        json_schema_extra=_choices(QuestionStatus, _STATUS_MEANINGS, QUESTION_STATUSES))
    known: list[Markdown] = Field(
        description="What we know, one point per item; inline Markdown allowed")
    unknown: list[Markdown] = Field(
        description="What we don't know, one point per item; inline Markdown allowed")
    would_resolve: list[Markdown] = Field(
        description="What would resolve it, one point per item; inline Markdown allowed")
    actors: list[ActorId] = Field([], description="Ids of the actors the question concerns")
    issues: list[IssueId] = Field([], description="Ids of the issues the question concerns")
    sources: list[SourceId] = Field([], description="Ids of the sources this entry rests on")


class Event(Entity):
    id: Slug = Field(description="This event's id, which quotes and sections refer to",
                     examples=["press-conference"])
    start: When = Field(
        description="When it began: a date, or a date and time with its UTC offset",
        examples=["2025-08-15T11:00-08:00", "2025-08-15"])
    end: When | None = Field(
        None, description="When it ended, written like start; omit when unknown",
        examples=["2025-08-15T14:30-08:00"])
    title: ShortText = Field(description="What happened, in a few words")
    summary: Markdown = Field(description="What happened; inline Markdown allowed")
    place: ShortText = Field(description="Where it happened",
                             examples=["Anchorage, Alaska"])
    actors: list[ActorId] = Field([], description="Ids of the actors who took part")
    sources: list[SourceId] = Field([], description="Ids of the sources this entry rests on")

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
    id: Slug = Field(description="This entry's id in the change log",
                     examples=["first-publication"])
    date: IsoDate = Field(description="When the change was published",
                          examples=["2025-08-15"])
    kind: UpdateKind = Field(description="What sort of change this is",
                             json_schema_extra=_choices(UpdateKind, _UPDATE_KINDS))
    summary: Markdown = Field(description="What changed, for readers; inline Markdown allowed")
    corrected: Text | None = Field(
        None, description="For a correction: what was wrong before it was corrected")
    touches: list[FactRef] = Field([], description="Entities changed, as kind:id, e.g. actor:putin")

    @model_validator(mode="after")
    def _correction_says_what_was_wrong(self) -> Update:
        if self.kind == "correction" and not self.corrected:
            raise PydanticCustomError(
                "correction", "a correction needs 'corrected': what was wrong before", {})
        return self
