"""The data syntax inside Markdown: find `[[kind:id]]` references and check them.

    [[actor:putin]]                a link showing the actor's name
    [[actor:putin|the president]]  a link with its own text
    [[quote:putin-starting-point]] on a line of its own: a quote card
    [[stances:ceasefire]]          on a line of its own: the stance table of an issue
    [[questions:territory,ceasefire]]  on a line of its own: those open questions
    [[events:arrival,press-conference]] on a line of its own: a short timeline

Text inside code spans and fenced code blocks is left alone, so the syntax can be shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dataset import Dataset
from .diagnostics import Diagnostic, did_you_mean

# kind written in Markdown -> data table it refers to
LINK_KINDS = {"actor": "actors", "issue": "issues", "question": "questions",
              "event": "events", "source": "sources"}
BLOCK_KINDS = {"quote": "quotes", "stances": "issues", "questions": "questions",
               "events": "events"}
# Blocks that take exactly one id.
SINGLE_ID_BLOCKS = {"quote", "stances"}

# No lazy or nested quantifiers: a long unclosed `[[actor:` must not backtrack for ages.
_REFERENCE = re.compile(r"\[\[\s*([A-Za-z-]+)\s*:([^\]|]*)(?:\|([^\]]*))?\]\]")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


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


def find_references(markdown: str, first_line: int = 1) -> list[Reference]:
    """Every reference in `markdown`; line numbers start at `first_line`."""
    found: list[Reference] = []
    fence: str | None = None
    for offset, line in enumerate(markdown.split("\n")):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1) == fence:
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if "[[" not in line:
            continue
        masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        for match in _REFERENCE.finditer(masked):
            ids = tuple(part.strip() for part in match.group(2).split(",") if part.strip())
            found.append(Reference(
                kind=match.group(1).strip(),
                ids=ids,
                label=match.group(3).strip() if match.group(3) else None,
                line=first_line + offset,
                column=match.start() + 1,
                standalone=masked.strip() == match.group(0),
                start=match.start(),
                end=match.end(),
            ))
    return found


def check_reference(ref: Reference, dataset: Dataset, path: str) -> list[Diagnostic]:
    """Problems with one reference, as diagnostics at its line and column."""

    def error(message: str) -> list[Diagnostic]:
        return [Diagnostic(path, ref.line, ref.column, "error", message)]

    every_kind = {**LINK_KINDS, **BLOCK_KINDS}
    if ref.kind not in every_kind:
        return error(f"unknown reference kind '{ref.kind}' in [[{ref.kind}:...]]; use one of "
                     f"{', '.join(sorted(every_kind))}{did_you_mean(ref.kind, every_kind)}")
    if not ref.ids:
        return error(f"[[{ref.kind}:]] names no id; write [[{ref.kind}:some-id]]")
    if ref.kind in BLOCK_KINDS and not ref.standalone:
        return error(f"[[{ref.kind}:...]] is a block; put it on a line of its own")
    if ref.kind in SINGLE_ID_BLOCKS and len(ref.ids) > 1:
        return error(f"[[{ref.kind}:...]] takes one id, got {len(ref.ids)}")
    if ref.kind in LINK_KINDS and len(ref.ids) > 1:
        return error(f"a link [[{ref.kind}:...]] takes one id, got {len(ref.ids)}")
    table = dataset.table(every_kind[ref.kind])
    problems = []
    noun = every_kind[ref.kind][:-1]
    for entity_id in ref.ids:
        if entity_id not in table and not dataset.is_broken(every_kind[ref.kind], entity_id):
            problems += error(f"unknown {noun} '{entity_id}'{did_you_mean(entity_id, table)}")
    return problems
