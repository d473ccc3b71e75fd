"""Editors' text into safe HTML: Markdown fields rendered then sanitised, the rest escaped."""

from __future__ import annotations

import functools
import html
import re

import markdown as markdown_lib
import nh3
from markupsafe import Markup

from .models import markdown_problem

# Inline Markdown only: emphasis, code and links. Anything else is stripped, not shown.
_ALLOWED_TAGS = {"a", "em", "strong", "code", "br", "p", "ul", "ol", "li", "blockquote"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_URL_SCHEMES = {"http", "https"}
# One converter, reset between texts: building a Markdown instance costs more than using it.
_MARKDOWN = markdown_lib.Markdown(output_format="html")


@functools.lru_cache(maxsize=16384)  # the same summary is shown on several pages
def render_markdown(text: str, *, inline: bool = True) -> Markup:
    """Markdown -> sanitised HTML. Raw HTML typed into the text is shown as text.

    Text the data check would refuse (too long, too many '[', lists nested too deep) is
    shown as plain text: Python-Markdown could take minutes over it, or recurse too deep.
    """
    if markdown_problem(text) is not None:
        return _plain(text, inline)
    try:
        html = _MARKDOWN.reset().convert(_escape_raw_html(text))
    except RecursionError:
        return _plain(text, inline)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    if inline and clean.startswith("<p>") and clean.endswith("</p>") and clean.count("<p>") == 1:
        clean = clean[3:-4]
    return Markup(clean)


def _plain(text: str, inline: bool) -> Markup:
    escaped = html.escape(text, quote=False)
    return Markup(escaped if inline else f"<p>{escaped}</p>")


def _escape_raw_html(text: str) -> str:
    # Markdown passes raw HTML through; escaping '<' and '&' first makes it literal text
    # while leaving Markdown's own syntax ([text](url), *em*, `code`) intact.
    return text.replace("&", "&amp;").replace("<", "&lt;")


# The characters Python-Markdown lets a backslash escape.
_MARKDOWN_PUNCTUATION = set("\\`*_{}[]()#+-.!")


def markdown_text(value: str) -> str:
    """Plain text to put into Markdown source (a heading) so it renders as that text."""
    escaped = html.escape(value, quote=False)  # '<', '>' and '&' become entities
    return "".join(f"\\{c}" if c in _MARKDOWN_PUNCTUATION else c for c in escaped)


def inert_in_markdown(value: str) -> str:
    """Plain text as HTML that Markdown will leave alone: escaped, and every character
    Markdown could act on written as a numeric entity (so `[x](javascript:..)` in a name
    stays text inside the link Markdown is given)."""
    escaped = html.escape(value, quote=True)
    return "".join(f"&#{ord(c)};" if c in _MARKDOWN_ACTIVE else c for c in escaped)


_MARKDOWN_ACTIVE = set("\\`*_{}[]()#+-.!<>|~:")


def plain_summary(markdown_text: str, limit: int = 200) -> str:
    """A one-line plain-text description from a Markdown summary."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown_text)
    text = re.sub(r"[*_`]", "", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + "…"


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")


def first_sentence(markdown_text: str) -> str:
    """The first sentence of a Markdown summary, as plain text: a headline for a feed."""
    return _SENTENCE_END.split(plain_summary(markdown_text, 300), maxsplit=1)[0]
