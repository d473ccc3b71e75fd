"""The data syntax inside Markdown: find `[[kind:id]]` references and check them.

    [[actor:putin]]                a link showing the actor's name
    [[actor:putin|the president]]  a link with its own text
    [[quote:putin-starting-point]] on a line of its own: a quote card
    [[stances:ceasefire]]          on a line of its own: the stance table of an issue
    [[questions:territory,ceasefire]]  on a line of its own: those open questions
    [[events:arrival,press-conference]] on a line of its own: a short timeline

A reference counts only where the page shows its text as text. Which text that is comes
from Python-Markdown's own block parser, set up as the site's Markdown is, so fences
(closed only by the same fence), indented code (after a blank line, a heading, and inside
list items and admonitions) and raw HTML blocks are what the build makes of them. Inside
a paragraph or heading, code spans, HTML comments and tags, and backslash escapes are
found as Python-Markdown finds them. There, text is left alone, so the syntax can be
shown; `\\[\\[` shows two brackets anywhere.

Every other `[[` must begin a well-formed reference on one line: anything else is
reported, so no reference is published raw.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast
from xml.etree.ElementTree import Element

import markdown as markdown_lib
from markdown.inlinepatterns import AUTOLINK_RE, AUTOMAIL_RE, HTML_RE
from markdown.util import AtomicString

from .diagnostics import Diagnostic, did_you_mean, short
from .kinds import BLOCK_KINDS, BLOCKS, KINDS, LINK_KINDS
from .store import Dataset

# Reference names (links by a kind's singular, blocks by their own name) and the kind
# each refers to, from the registry.
EVERY_KIND = {**LINK_KINDS, **BLOCK_KINDS}

# The Markdown extensions of mkdocs.yml, with the two MkDocs always adds (tables,
# fenced_code): they decide what is code and what is text.
SITE_EXTENSIONS = ("admonition", "attr_list", "fenced_code", "smarty", "tables", "toc")
TAB_LENGTH = 4

LITERAL_HINT = "to show '[[' as text, write \\[\\["

# No lazy or nested quantifiers in what follows: a long line of '[' or an unclosed
# `[[actor:` must not backtrack for ages.
# The '[[' of a reference: the last two of a run ('[[[x]]]' is '[' + a reference).
_OPENER = re.compile(r"\[\[(?!\[)")
_BRACKET = re.compile(r"[\[\]]")
# What stands between '[[' and ']]'; brackets and line breaks were ruled out before.
_BODY = re.compile(r"\s*([A-Za-z-]+)\s*:([^|]*)(?:\|(.*))?", re.DOTALL)
_TICKS = re.compile(r"`+")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
# Inline HTML (tags, comments), autolinks and e-mail links, as Python-Markdown finds them.
_INLINE_HTML = re.compile(f"{HTML_RE}|{AUTOLINK_RE}|{AUTOMAIL_RE}", re.DOTALL)

# Markers put into the text for Python-Markdown to carry: each '[[' is followed by
# MARK + its number in PUA digits + END, and text that is not shown as text is replaced
# by FILLER. These three characters are replaced by U+FFFD in the text beforehand.
_MARK, _END, _FILLER = "\ue000", "\ue001", "\ue002"
_DIGIT_ZERO = 0xE003
_BASE = 0xF8FF - _DIGIT_ZERO + 1
_SENTINEL = re.compile("\ue000([\ue003-\uf8ff]+)\ue001")
_RESERVED = str.maketrans({_MARK: "\ufffd", _END: "\ufffd", _FILLER: "\ufffd"})


@dataclass(frozen=True)
class Reference:
    kind: str
    ids: tuple[str, ...]
    label: str | None
    line: int  # 1-based, in the Markdown source
    column: int  # 1-based
    standalone: bool  # alone on its line, so it may be a block
    start: int  # offsets of the whole `[[...]]` within its line
    end: int
    # Set for a `[[` that does not begin a well-formed reference: what is wrong and how
    # to fix it. Such a reference has no kind and no ids.
    problem: str | None = None
    # How far a block put in place of this reference must be indented to stay in the
    # list items and admonitions around it; '' outside them.
    indent: str = ""


def find_references(markdown: str, first_line: int = 1) -> list[Reference]:
    """Every reference in `markdown` that the page shows as text, malformed ones too;
    line numbers start at `first_line`."""
    originals = markdown.split("\n")
    lines = [_comparable(line) for line in originals]
    openers = [(index, match.start()) for index, line in enumerate(lines)
               for match in _OPENER.finditer(line)]
    if not openers:
        return []
    try:
        live = _live_openers(lines, openers)
    except RecursionError:  # Python-Markdown itself cannot read such nesting either
        index, column = openers[0]
        return [_malformed(originals[index], column, column + 2, first_line + index,
                           "the Markdown around this reference is nested too deeply to "
                           "read; nest fewer lists, quotes or admonitions")]
    found = []
    for number, (index, column) in enumerate(openers):
        if number in live:
            shown, after = live[number]
            found.append(_reference(originals[index], lines[index], column, shown, after,
                                    first_line + index))
    return found


def check_reference(ref: Reference, dataset: Dataset, path: str) -> list[Diagnostic]:
    """Problems with one reference, as diagnostics at its line and column."""

    def error(message: str) -> list[Diagnostic]:
        return [Diagnostic(path, ref.line, ref.column, "error", message)]

    if ref.problem is not None:
        return error(ref.problem)
    every_kind = EVERY_KIND
    if ref.kind not in every_kind:
        return error(f"unknown reference kind '{ref.kind}' in [[{ref.kind}:...]]; use one of "
                     f"{', '.join(sorted(every_kind))}{did_you_mean(ref.kind, every_kind)}")
    if not ref.ids:
        return error(f"[[{ref.kind}:]] names no id; write [[{ref.kind}:some-id]]")
    if ref.kind in BLOCK_KINDS and not ref.standalone:
        return error(f"[[{ref.kind}:...]] is a block; put it on a line of its own")
    if ref.kind in BLOCKS and BLOCKS[ref.kind][1].single and len(ref.ids) > 1:
        return error(f"[[{ref.kind}:...]] takes one id, got {len(ref.ids)}")
    if ref.kind in LINK_KINDS and len(ref.ids) > 1:
        return error(f"a link [[{ref.kind}:...]] takes one id, got {len(ref.ids)}")
    table = dataset.table(every_kind[ref.kind])
    problems = []
    noun = KINDS[every_kind[ref.kind]].singular
    for entity_id in ref.ids:
        if entity_id not in table and not dataset.is_broken(every_kind[ref.kind], entity_id):
            problems += error(f"unknown {noun} '{entity_id}'{did_you_mean(entity_id, table)}")
    return problems


# -- which '[[' the page shows as text ---------------------------------------------------


def _comparable(line: str) -> str:
    """The line as Python-Markdown reads it (tabs expanded) with the marker characters
    taken out, one character for one, so positions can be compared with its text."""
    if "\t" in line:
        line = line.expandtabs(TAB_LENGTH)
    return line.translate(_RESERVED)


@dataclass(frozen=True)
class _Shown:
    """A piece of text the page shows, masked where it does not show text as text."""

    text: str
    depth: int  # list items and admonitions around it


def _live_openers(lines: list[str], openers: list[tuple[int, int]]
                  ) -> dict[int, tuple[_Shown, int]]:
    """Opener number -> (the text it is shown in, the index after its marker there), for
    every opener the page shows as text."""
    marked = list(lines)
    by_line: dict[int, list[tuple[int, int]]] = {}
    for number, (index, column) in enumerate(openers):
        by_line.setdefault(index, []).append((number, column))
    for index, numbered in by_line.items():
        line, pieces, done = lines[index], [], 0
        for number, column in numbered:
            pieces += [line[done: column + 2], _marker(number)]
            done = column + 2
        marked[index] = "".join([*pieces, line[done:]])
    live: dict[int, tuple[_Shown, int]] = {}
    for shown in _shown_texts(marked):
        for match in _SENTINEL.finditer(shown.text):
            if shown.text[match.start() - 2: match.start()] == "[[":
                live[_number(match.group(1))] = (shown, match.end())
    return live


def _shown_texts(lines: list[str]) -> Iterator[_Shown]:
    """Every piece of text the page shows, with what it does not show as text masked:
    the inline Markdown of paragraphs, headings, list items and cells, and raw HTML."""
    md = markdown_lib.Markdown(extensions=list(SITE_EXTENSIONS), tab_length=TAB_LENGTH)
    fences = md.preprocessors["fenced_code_block"]
    raw_html: list[str] = []
    for step in md.preprocessors:
        before = len(md.htmlStash.rawHtmlBlocks)
        lines = step.run(lines)
        if step is not fences:  # fenced code is stashed too, and stays code
            raw_html += [b for b in md.htmlStash.rawHtmlBlocks[before:] if isinstance(b, str)]
    root = cast(Element, md.parser.parseDocument(lines).getroot())  # a parsed tree has a root
    for text, depth in _inline_texts(root):
        yield _Shown(_mask_inline(text, md.ESCAPED_CHARS), depth)
    for block in raw_html:
        yield _Shown(_mask_raw_html(block), 0)


def _inline_texts(element: Element, depth: int = 0) -> Iterator[tuple[str, int]]:
    """The texts inline Markdown is applied to (code blocks hold AtomicStrings), each with
    the number of list items and admonitions around it."""
    inner = depth + (element.tag == "li" or "admonition" in element.get("class", "").split())
    if element.text and not isinstance(element.text, AtomicString):
        yield element.text, inner
    for child in element:
        yield from _inline_texts(child, inner)
        if child.tail and not isinstance(child.tail, AtomicString):
            yield child.tail, inner


def _mask_raw_html(block: str) -> str:
    """Raw HTML with its comments (each to the first '-->', as a browser reads them) and
    its tags masked."""
    pieces, done = [], 0
    while (start := block.find("<!--", done)) >= 0:
        end = block.find("-->", start + 4)
        end = len(block) if end < 0 else end + 3
        pieces += [block[done:start], _FILLER * (end - start)]
        done = end
    return _INLINE_HTML.sub(_masked, "".join([*pieces, block[done:]]))


def _mask_inline(text: str, escapable: list[str]) -> str:
    """`text` with code spans, backslash escapes and inline HTML masked, found in the
    order Python-Markdown applies its inline patterns."""
    text = _mask_code_spans(text)
    text = _ESCAPE.sub(lambda m: _masked(m) if m.group(1) in escapable else m.group(0), text)
    return _INLINE_HTML.sub(_masked, text)


def _masked(match: re.Match[str]) -> str:
    return _FILLER * len(match.group(0))


def _mask_code_spans(text: str) -> str:
    """Code spans masked, paired as Python-Markdown pairs backticks: a run closes at the
    next run as long; failing that, at the first of the longest later runs if those are
    shorter. Runs are indexed by length, so this stays linear."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    if not runs:
        return text
    by_length: dict[int, list[int]] = {}
    for number, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(number)
    longest_after = [0] * (len(runs) + 1)
    for number in range(len(runs) - 1, -1, -1):
        start, end = runs[number]
        longest_after[number] = max(end - start, longest_after[number + 1])
    pieces, done, number = [], 0, 0
    while number < len(runs):
        start, end = runs[number]
        start += _is_escaped(text, start, done)
        closing = _closing_run(by_length, longest_after, number, end - start)
        if start == end or closing is None:
            number += 1
            continue
        pieces += [text[done:start], _FILLER * (runs[closing][1] - start)]
        done, number = runs[closing][1], closing + 1
    return "".join([*pieces, text[done:]])


def _is_escaped(text: str, position: int, floor: int) -> int:
    """1 if an odd number of backslashes stands right before `position`, else 0."""
    count = 0
    while position - count > floor and text[position - count - 1] == "\\":
        count += 1
    return count % 2


def _closing_run(by_length: dict[int, list[int]], longest_after: list[int], number: int,
                 length: int) -> int | None:
    closing = _next_after(by_length.get(length, []), number)
    if closing is None and 0 < longest_after[number + 1] < length:
        closing = _next_after(by_length[longest_after[number + 1]], number)
    return closing


def _next_after(numbers: list[int], number: int) -> int | None:
    found = bisect_right(numbers, number)
    return numbers[found] if found < len(numbers) else None


def _marker(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, _BASE)
        digits += chr(_DIGIT_ZERO + digit)
        if not number:
            return _MARK + digits + _END


def _number(digits: str) -> int:
    return sum((ord(c) - _DIGIT_ZERO) * _BASE ** power for power, c in enumerate(digits))


# -- one reference, read from its line -------------------------------------------------


def _reference(original: str, line: str, start: int, shown: _Shown, after: int,
               line_number: int) -> Reference:
    """The reference whose '[[' is at `start` of `line`; `shown` is the text it is shown
    in, its characters from `after` on standing for line[start + 2:]."""
    unit = shown.text
    bracket = _BRACKET.search(line, start + 2)
    at = bracket.start() if bracket else len(line)
    live = _live_end(line, start + 2, min(at + 2, len(line)), unit, after)
    if live < at or at == len(line):  # cut: line end, code, a comment, an escape
        if live == len(line) and _closed_on_next_line(unit, after + live - start - 2):
            return _malformed(original, start, live, line_number,
                              "reference '{}' is cut by a line break; write it on one line")
        return _unclosed(original, start, live, line_number)
    if line.startswith("]]", at) and live >= at + 2:
        return _well_formed(original, line, start, at, line_number, shown.depth)
    if line.startswith("[[", at):  # the next reference begins before this one ends
        return _unclosed(original, start, at, line_number)
    next_opener = _OPENER.search(line, at + 1)
    closing = line.find("]]", at + 1, next_opener.start() if next_opener else len(line))
    if closing >= 0:
        return _malformed(original, start, closing + 2, line_number,
                          "brackets inside reference '{}'; an id or label cannot contain "
                          "'[' or ']': write the label without them, e.g. with parentheses")
    return _unclosed(original, start, at + 1 if line[at] == "]" else at, line_number)


def _live_end(line: str, position: int, limit: int, unit: str, after: int) -> int:
    """The first position from `position` on (below `limit`) whose character the page
    does not show as text where `line` is shown in `unit`."""
    while position < limit and after < len(unit) and unit[after] == line[position]:
        position += 1
        after += 1
    return position


def _closed_on_next_line(unit: str, after: int) -> bool:
    """Whether the shown text goes on past a line break and closes a reference there."""
    if not unit.startswith("\n", after):
        return False
    end = unit.find("\n", after + 1)
    following = unit[after + 1: end if end >= 0 else len(unit)]
    return "]]" in following.split("[", 1)[0]


def _well_formed(original: str, line: str, start: int, closing: int, line_number: int,
                 depth: int) -> Reference:
    body = _BODY.fullmatch(line, start + 2, closing)
    if body is None:
        return _malformed(original, start, closing + 2, line_number,
                          "'{}' is not a reference; write [[kind:id]], e.g. [[actor:putin]] "
                          f"({LITERAL_HINT})")
    begin, end = _original_offset(original, start), _original_offset(original, closing + 2)
    ids = tuple(part.strip() for part in body.group(2).split(",") if part.strip())
    label = body.group(3).strip() if body.group(3) else None
    return Reference(kind=body.group(1), ids=ids, label=label or None, line=line_number,
                     column=begin + 1, standalone=original.strip() == original[begin:end],
                     start=begin, end=end, indent=" " * TAB_LENGTH * depth)


def _unclosed(original: str, start: int, end: int, line_number: int) -> Reference:
    return _malformed(original, start, end, line_number,
                      f"unclosed reference '{{}}'; close it with ']]' ({LITERAL_HINT})")


def _malformed(original: str, start: int, end: int, line_number: int,
               message: str) -> Reference:
    """A reference that cannot be read; `message` has '{}' where its text goes."""
    begin, stop = _original_offset(original, start), _original_offset(original, end)
    shown = short(" ".join(original[begin:stop].split()), 60)  # a run of blanks as one
    return Reference(kind="", ids=(), label=None, line=line_number, column=begin + 1,
                     standalone=False, start=begin, end=stop,
                     problem=message.replace("{}", shown, 1))


def _original_offset(original: str, position: int) -> int:
    """The offset in `original` of `position` in its tab-expanded form."""
    if "\t" not in original:
        return position
    return bisect_left(_expanded_columns(original), position)


@functools.lru_cache(maxsize=4)  # the line of the last references, asked once per end
def _expanded_columns(original: str) -> list[int]:
    """The tab-expanded column of every character of `original`, and of its end."""
    columns, column = [], 0
    for char in original:
        columns.append(column)
        column += TAB_LENGTH - column % TAB_LENGTH if char == "\t" else 1
    return [*columns, column]
