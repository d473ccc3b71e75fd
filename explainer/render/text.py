"""The text readers see for entities and headings, as plain strings."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown as markdown_lib

from ..kinds import KINDS
from ..markup import markdown_text
from ..models import Actor, Position
from ..references import EVERY_KIND, find_references
from ..store import Dataset


def entity_label(dataset: Dataset, kind: str, entity_id: str) -> str:
    """What a link to an entity shows: its name, title, question or text, else its id."""
    entity = dataset.resolve(kind, entity_id)
    if isinstance(entity, Position):
        return (f"{entity_label(dataset, 'actors', entity.actor)} on "
                f"{entity_label(dataset, 'issues', entity.issue)}")
    for attribute in KINDS[kind].label_fields:
        if entity is not None and hasattr(entity, attribute):
            return str(getattr(entity, attribute))
    return entity_id


# Typography as the site's Markdown sets it (smarty); attr_list takes off `{ #id }`.
_HEADING_MARKDOWN = markdown_lib.Markdown(extensions=["attr_list", "smarty"])
_HEADING_MARKS = re.compile(r"^[ ]{0,3}#+")


def plain_heading(heading: str, dataset: Dataset) -> str:
    """The text a reader sees for a heading written in Markdown, e.g.
    '# How [[actor:putin|Putin]] set the *stage*' -> 'How Putin set the stage':
    references become their label or the entity's name, inline Markdown its text,
    entities and escapes characters. The leading '#' may be left out."""
    line = "# " + _HEADING_MARKS.sub("", " ".join(heading.split("\n")).strip()).strip()
    every_kind = EVERY_KIND
    for ref in reversed(find_references(line)):
        if ref.kind in every_kind and ref.ids:
            label = ref.label or entity_label(dataset, every_kind[ref.kind], ref.ids[0])
            line = line[: ref.start] + markdown_text(label) + line[ref.end:]
    html = _HEADING_MARKDOWN.reset().convert(line)
    return " ".join(_TextOf.read(html).split())


class _TextOf(HTMLParser):
    """The text of some HTML, character references resolved, comments left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @classmethod
    def read(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        return "".join(parser.chunks)


# -- words the templates put around data text ---------------------------------------

# Closing quotation marks and brackets, looked past to find how a text ends.
_CLOSERS = "”’\"')]"
_SENTENCE_ENDS = ".?!…"


def end_stop(text: object) -> str:
    """The full stop a template puts after `text` to end a sentence: '.' unless the text
    already ends one ('D.C.', 'meet?', a quote cut with '…')."""
    stripped = str(text).rstrip().rstrip(_CLOSERS)
    return "" if stripped.endswith(tuple(_SENTENCE_ENDS)) else "."


def cut_quote(text: str, limit: int = 60) -> str:
    """`text` if it has at most `limit` characters, else its first words up to `limit`
    followed by an ellipsis: 'I expect that today’s agreements will be the…'."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if text[limit].isalnum() and " " in cut:  # mid-word: back to the last whole word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.–—-") + "…"


def _speaker_names(actor: Actor) -> list[str]:
    """How a context may name the speaker at its start, longest first."""
    names = [actor.name, *actor.aliases]
    if actor.role:  # 'Kremlin spokesperson Dmitry Peskov'
        names.append(f"{actor.role} {actor.name}")
    if actor.kind == "person" and len(actor.name.split()) > 1:
        names.append(actor.name.split()[-1])  # the surname
    return sorted(names, key=len, reverse=True)


def after_speaker(context: str, speaker: Actor | None) -> str:
    """What follows the speaker's name in a quote's attribution, the context included.

    A context that starts with the speaker's name or surname goes on from the name it
    gives ('Putin, in his comments…' -> ', in his comments…'); any other becomes a
    sentence of its own ('. At the press conference…'). It always ends a sentence."""
    context = " ".join(context.split())
    rest = None
    if speaker is not None:
        for name in _speaker_names(speaker):
            if re.match(rf"{re.escape(name)}(?!\w)", context):
                rest = context[len(name):]
                break
    if rest is None:
        rest = ". " + context[:1].upper() + context[1:] if context else ""
    return rest + end_stop(rest)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w-]+", text.lower())) - {"of", "the", "for", "and", "in", "to"}


def _covers(longer: str, shorter: str) -> bool:
    """Every word of `shorter` is in `longer`, or is the initials of words of it ('UN' of
    'United Nations')."""
    initials = {"".join(word[0] for word in run.split()).lower()
                for run in re.findall(r"\b[A-Z]\w+(?:\s+[A-Z]\w+)+", longer)}
    return _words(shorter) <= _words(longer) | initials


def shown_role(actor: Actor) -> str:
    """An actor's role as shown beside the name, or '' when it only says the name again
    ('UN Secretary-General', 'Secretary-General of the United Nations')."""
    role = actor.role or ""
    if role and (_covers(role, actor.name) or _covers(actor.name, role)):
        return ""
    return role
