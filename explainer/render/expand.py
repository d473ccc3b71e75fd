"""`[[kind:id]]` references in hand-written Markdown, replaced by links and blocks."""

from __future__ import annotations

import re

from markupsafe import Markup

from ..diagnostics import Diagnostic, ExplainerError
from ..kinds import BLOCKS, LINK_KINDS
from ..markup import inert_in_markdown
from ..references import Reference, check_reference, find_references
from ..urls import entity_url, fact_url, relative
from .templates import Templates


def expand(templates: Templates, markdown: str, page_url: str, path: str,
           first_line: int = 1, checked: list[Reference] | None = None) -> str:
    """Replace every `[[kind:id]]` in a section with its link or block. `checked` are
    the references of this very text, found and checked before, if they were.

    Raises ExplainerError naming the file and line of every bad reference."""
    if checked is not None:
        references = checked
    else:
        references = find_references(markdown, first_line)
        problems: list[Diagnostic] = []
        for ref in references:
            problems += check_reference(ref, templates.dataset, path)
        if problems:
            raise ExplainerError(problems)
    if not references:
        return markdown
    lines = markdown.split("\n")
    by_line: dict[int, list[Reference]] = {}
    for ref in references:
        by_line.setdefault(ref.line - first_line, []).append(ref)
    for index, refs in by_line.items():
        line = lines[index]
        for ref in sorted(refs, key=lambda r: r.start, reverse=True):
            if ref.kind in BLOCKS:  # alone on its line: the line becomes the block
                line = _block_lines(block(templates, ref, page_url), ref.indent)
            else:
                line = line[: ref.start] + inline_link(templates, ref, page_url) + line[ref.end:]
        lines[index] = line
    return "\n".join(lines)


def inline_link(templates: Templates, ref: Reference, page_url: str) -> str:
    kind = LINK_KINDS[ref.kind]
    entity_id = ref.ids[0]
    entity = templates.dataset.resolve(kind, entity_id)
    url = fact_url(entity) if entity is not None else entity_url(kind, entity_id)
    href = relative(url, page_url)
    label = ref.label if ref.label is not None else templates.label_of(kind, entity_id)
    return str(Markup('<a class="ex-ref ex-ref--{}" href="{}">{}</a>').format(
        ref.kind, href, Markup(inert_in_markdown(label))))


def block(templates: Templates, ref: Reference, page_url: str) -> str:
    """The rendered block of a standalone reference: its template gets the entity as the
    kind's singular (`issue`), or the entities as the kind's name (`questions`)."""
    kind, spec = BLOCKS[ref.kind]
    table = templates.dataset.table(kind.name)
    if spec.single:
        return templates.render(spec.template, page_url, **{kind.singular: table[ref.ids[0]]})
    return templates.render(spec.template, page_url,
                            **{kind.name: [table[entity_id] for entity_id in ref.ids]})


def _block_lines(html: str, indent: str) -> str:
    """A block replacing the line of its reference, set off by blank lines. In a list item
    or an admonition it is indented to stay inside, and made inert: there Markdown reads it
    as a paragraph with inline HTML rather than as a raw block. As a raw block, its lines
    that read as a code fence are made inert."""
    if indent:
        html = "\n".join(indent + line.rstrip() for line in _inert_html(html).split("\n"))
    else:
        html = _FENCE.sub(lambda fence: "".join(
            char if char in " \t" else f"&#{ord(char)};" for char in fence.group()), html)
    return f"\n{html}\n"


# Markdown finds code fences before it sets raw HTML aside: a line of a data text starting
# with ``` or ~~~ would open one, making code of the page up to the next such line.
_FENCE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})", re.MULTILINE)


# A tag; quoted attribute values may hold '>'.
_TAG = re.compile(r"""<[^<>"']*(?:(?:"[^"]*"|'[^']*')[^<>"']*)*>""")
_QUOTED = re.compile(r"""("[^"]*"|'[^']*')""")
# A character reference, kept, or a character some Markdown rule (inline, smarty, or one
# that starts a block at the start of a line) could act on.
_ENTITY_OR_ACTIVE = re.compile(
    r"""(&(?:#[0-9]+|#x[0-9a-fA-F]+|\w+);)|[\\`*_{}\[\]()#+\-.!<>|~:="']""")
# In an attribute value only the rules that run before a tag is set aside could act:
# code spans, escapes, links and images, autolinks.
_ENTITY_OR_ACTIVE_IN_VALUE = re.compile(r"""(&(?:#[0-9]+|#x[0-9a-fA-F]+|\w+);)|[\\`\[\]()!<>]""")


def _inert_html(html: str) -> str:
    """HTML that Markdown leaves as it is when it reads it as inline HTML: every character
    it could act on, in text and attribute values, written as a character reference."""
    pieces, done = [], 0
    for tag in _TAG.finditer(html):
        pieces += [_inert_text(html[done: tag.start()]), _QUOTED.sub(_inert_value, tag.group(0))]
        done = tag.end()
    return "".join([*pieces, _inert_text(html[done:])])


def _inert_value(quoted: re.Match[str]) -> str:
    value = quoted.group(0)
    return value[0] + _as_references(_ENTITY_OR_ACTIVE_IN_VALUE, value[1:-1]) + value[-1]


def _inert_text(text: str) -> str:
    return _as_references(_ENTITY_OR_ACTIVE, text)


def _as_references(active: re.Pattern[str], text: str) -> str:
    return active.sub(lambda m: m.group(1) or f"&#{ord(m.group(0))};", text)
